import AWSClient
import Deploy
import XCTest

/// `deploy --plan` executes the plan's own change set, and only while everything the plan was made from is as it was.
final class PlanBindingTests: XCTestCase {
    var project: TempProject!
    static let stackID = "arn:aws:cloudformation:us-east-1:809904170947:stack/base-wecare-digital-staging/1"
    static let changeSetID = "arn:aws:cloudformation:us-east-1:809904170947:changeSet/wecare-plan/1"

    override func setUpWithError() throws { project = try TempProject() }
    override func tearDown() { project.remove() }

    var stagingStack: FakeCloudFormation.Stack {
        FakeCloudFormation.Stack(name: "base-wecare-digital-staging", id: Self.stackID, tags: [StackTags.environment: "staging"])
    }

    /// A plan as `plan --out` writes it for the stack above.
    func reviewedPlan(_ changes: [DeployPlan.Change] = [PlanBindingTests.queueChange], verdict: DeployPlan.Verdict = .ready) throws -> DeployPlan {
        let target = try project.inputs(branch: "release/x").target()
        return DeployPlan(branch: "release/x", environment: "staging", stack: target.stack, specHash: target.specHash, templateHash: target.templateHash,
                          verdict: verdict, changeSetName: verdict == .ready ? "wecare-plan" : nil, changeSetType: "UPDATE", changes: changes,
                          branchRule: "release/*", stackID: Self.stackID, stackStamp: StackStamp(updated: "2026-11-20T10:00:00Z", lastEvent: "event-1"),
                          parameters: ["CodeBucket": "wecare-code", "UserPoolClientId": "local"], changeSetID: verdict == .ready ? Self.changeSetID : nil)
    }

    static let queueChange = DeployPlan.Change(action: "Modify", logicalID: "QueueBulkDlq", resourceType: "AWS::SQS::Queue", replacement: "False",
                                               risk: "capacity", why: "settings change in place")
    static let tableReplaced = DeployPlan.Change(action: "Modify", logicalID: "TableContacts", resourceType: "AWS::DynamoDB::Table", replacement: "True",
                                                 risk: "data-loss", why: "CloudFormation replaces it")
    static let permissionAdded = DeployPlan.Change(action: "Add", logicalID: "PermissionApi", resourceType: "AWS::Lambda::Permission", replacement: nil,
                                                   risk: "security", why: "who may invoke or reach what grows")

    func deploy(_ plan: DeployPlan, _ fake: FakeCloudFormation, inputs: DeployFlow.Inputs? = nil, allow: Set<AllowedRisk> = []) async throws -> DeployPlan {
        try await DeployFlow.deploy(try inputs ?? project.inputs(branch: "release/x"), reviewed: plan, allow: allow, deployer: deployer(fakeClient(fake))) { _ in true }
    }

    func assertRefused(_ plan: DeployPlan, _ fake: FakeCloudFormation, inputs: DeployFlow.Inputs? = nil, allow: Set<AllowedRisk> = [],
                       file: StaticString = #filePath, line: UInt = #line, _ check: (DeployError) -> Void) async {
        do {
            _ = try await deploy(plan, fake, inputs: inputs, allow: allow)
            XCTFail("the plan was executed", file: file, line: line)
        } catch let error as DeployError {
            check(error)
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
        }
        XCTAssertEqual(fake.writes.map(\.action), [], "a refused plan made a write request", file: file, line: line)
    }

    func testExecutesExactlyThePlansChangeSet() async throws {
        let fake = FakeCloudFormation(stack: stagingStack, changeSets: [Self.changeSetID: .init(stackID: Self.stackID)])
        let plan = try reviewedPlan()
        let deployed = try await deploy(plan, fake)
        XCTAssertEqual(deployed, plan)
        XCTAssertEqual(fake.writes.map(\.action), ["ExecuteChangeSet"], "no new change set: the reviewed one runs")
        XCTAssertEqual(fake.writes[0].fields["ChangeSetName"], Self.changeSetID)
        XCTAssertFalse(fake.requests.contains { $0.action == "CreateChangeSet" })
    }

    func testStackUpdatedSinceThePlan() async throws {
        var stack = stagingStack
        stack.updated = "2026-11-21T09:00:00Z"
        stack.lastEvent = "event-2"
        let fake = FakeCloudFormation(stack: stack, changeSets: [Self.changeSetID: .init(stackID: Self.stackID)])
        await assertRefused(try reviewedPlan(), fake) {
            XCTAssertEqual($0, .planMismatch(["stack base-wecare-digital-staging was updated since the plan (last updated 2026-11-20T10:00:00Z → 2026-11-21T09:00:00Z)"]))
        }
    }

    /// Where no LastUpdatedTime moves (moto reports none), the newest event still does.
    func testStackWithNewEventsSinceThePlan() async throws {
        var stack = stagingStack
        stack.lastEvent = "event-2"
        let fake = FakeCloudFormation(stack: stack, changeSets: [Self.changeSetID: .init(stackID: Self.stackID)])
        await assertRefused(try reviewedPlan(), fake) {
            XCTAssertEqual($0, .planMismatch(["stack base-wecare-digital-staging has new events since the plan (latest event event-1 → event-2)"]))
        }
    }

    /// The issue's case: a plan reviewed as "no changes" must not run after another branch changed the stack.
    func testNoChangesPlanAfterTheStackMoved() async throws {
        var stack = stagingStack
        stack.lastEvent = "event-2"
        let plan = try reviewedPlan([], verdict: .noChanges)
        await assertRefused(plan, FakeCloudFormation(stack: stack)) {
            guard case .planMismatch(let what) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(what.count, 1)
        }
        let unchanged = FakeCloudFormation(stack: stagingStack)
        let result = try await deploy(plan, unchanged)
        XCTAssertEqual(result.verdict, .noChanges)
        XCTAssertEqual(unchanged.writes.count, 0)
    }

    func testChangeSetGone() async throws {
        await assertRefused(try reviewedPlan(), FakeCloudFormation(stack: stagingStack)) {
            XCTAssertEqual($0, .planMismatch(["change set \(Self.changeSetID) no longer exists (CloudFormation deletes a stack's change sets when one is executed)"]))
        }
    }

    func testChangeSetAlreadyExecuted() async throws {
        let fake = FakeCloudFormation(stack: stagingStack, changeSets: [Self.changeSetID: .init(stackID: Self.stackID, executionStatus: "EXECUTE_COMPLETE")])
        await assertRefused(try reviewedPlan(), fake) {
            XCTAssertEqual($0, .planMismatch(["change set \(Self.changeSetID) cannot be executed (status CREATE_COMPLETE, execution status EXECUTE_COMPLETE)"]))
        }
    }

    func testStackReplacedUnderTheSameName() async throws {
        var stack = stagingStack
        stack.id = "arn:aws:cloudformation:us-east-1:809904170947:stack/base-wecare-digital-staging/2"
        let fake = FakeCloudFormation(stack: stack, changeSets: [Self.changeSetID: .init(stackID: Self.stackID)])
        await assertRefused(try reviewedPlan(), fake) {
            guard case .planMismatch(let what) = $0 else { return XCTFail("\($0)") }
            XCTAssertTrue(what[0].hasPrefix("stack base-wecare-digital-staging is another stack now"), "\(what)")
        }
    }

    func testNewStackDeployedBySomeoneElseSinceThePlan() async throws {
        var plan = try reviewedPlan()
        plan.stackStamp = nil
        plan.changeSetType = "CREATE"
        var stack = stagingStack
        stack.status = "CREATE_COMPLETE"
        let fake = FakeCloudFormation(stack: stack, changeSets: [Self.changeSetID: .init(stackID: Self.stackID)])
        await assertRefused(plan, fake) {
            XCTAssertEqual($0, .planMismatch(["stack base-wecare-digital-staging did not exist when the plan was made and is CREATE_COMPLETE now"]))
        }
    }

    /// What is compared locally is refused before any request at all.
    func testParametersDifferingFromThePlan() async throws {
        let fake = FakeCloudFormation(stack: stagingStack, changeSets: [Self.changeSetID: .init(stackID: Self.stackID)])
        let inputs = try project.inputs(branch: "release/x", parameters: ["CodeBucket": "other-bucket", "UserPoolClientId": "local"])
        await assertRefused(try reviewedPlan(), fake, inputs: inputs) {
            XCTAssertEqual($0, .planMismatch(["parameter CodeBucket was 'wecare-code', now 'other-bucket'"]))
        }
        XCTAssertEqual(fake.requests.count, 0)
    }

    func testBranchOfAnotherEnvironment() async throws {
        let fake = FakeCloudFormation(stack: stagingStack, changeSets: [Self.changeSetID: .init(stackID: Self.stackID)])
        await assertRefused(try reviewedPlan(), fake, inputs: try project.inputs(branch: "main")) {
            guard case .planMismatch(let what) = $0 else { return XCTFail("\($0)") }
            XCTAssertTrue(what.contains("the plan deploys to staging, branch 'main' deploys to production"), "\(what)")
            XCTAssertTrue(what.contains("stack was base-wecare-digital-staging, now base-wecare-digital"), "\(what)")
        }
        XCTAssertEqual(fake.requests.count, 0)
    }

    func testSpecsMovedSinceThePlan() async throws {
        let fake = FakeCloudFormation(stack: stagingStack, changeSets: [Self.changeSetID: .init(stackID: Self.stackID)])
        var plan = try reviewedPlan()
        plan.specHash = "0123456789abcdef"
        plan.templateHash = "fedcba9876543210"
        await assertRefused(plan, fake) {
            guard case .planMismatch(let what) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(what.count, 2, "\(what)")
            XCTAssertTrue(what[0].hasPrefix("the specs changed since the plan"), what[0])
            XCTAssertTrue(what[1].hasPrefix("the template changed since the plan"), what[1])
        }
        XCTAssertEqual(fake.requests.count, 0)
    }

    func testRiskyChangesNeedAllow() async throws {
        let plan = try reviewedPlan([Self.queueChange, Self.tableReplaced, Self.permissionAdded])
        let fake = FakeCloudFormation(stack: stagingStack, changeSets: [Self.changeSetID: .init(stackID: Self.stackID)])
        await assertRefused(plan, fake) {
            guard case .risksNotAllowed(let risks, let changes) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(risks, ["data-loss", "security"])
            XCTAssertEqual(changes, ["Modify TableContacts [AWS::DynamoDB::Table] (data-loss)", "Add PermissionApi [AWS::Lambda::Permission] (security)"])
            XCTAssertEqual($0.description, "the change set has 2 data-loss and security changes (Modify TableContacts [AWS::DynamoDB::Table] (data-loss), "
                           + "Add PermissionApi [AWS::Lambda::Permission] (security)); after reviewing them, pass --allow data-loss --allow security with --yes. "
                           + "Nothing was executed.")
        }
        XCTAssertEqual(fake.requests.count, 0)
        await assertRefused(plan, fake, allow: [.security]) {
            guard case .risksNotAllowed(let risks, _) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(risks, ["data-loss"])
        }
        _ = try await deploy(plan, fake, allow: [.dataLoss, .security])
        XCTAssertEqual(fake.writes.map(\.action), ["ExecuteChangeSet"])
    }

    func testPlanFileRoundTripKeepsWhatBindsIt() throws {
        let plan = try reviewedPlan([Self.tableReplaced])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("plan-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try plan.json.write(to: url, atomically: true, encoding: .utf8)
        XCTAssertEqual(try DeployPlan.read(from: url), plan)
        try #"{"version": 1, "verdict": "ready"}"#.write(to: url, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try DeployPlan.read(from: url)) { error in
            guard case DeployError.planUnreadable(_, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(reason, "plan file version is not 2; write it again with `wecare plan --out` of this wecare")
        }
    }
}
