import AWSClient
import Deploy
import XCTest

/// The refusals that need nothing from AWS happen before the first request; a counting transport proves it.
final class RefusalTests: XCTestCase {
    var transport = CountingTransport()
    var project: TempProject!

    override func setUpWithError() throws {
        transport = CountingTransport()
        project = try TempProject()
    }

    override func tearDown() { project.remove() }

    var client: AWSClient { fakeClient(transport) }

    func assertRefused(_ inputs: DeployFlow.Inputs, reviewed: DeployPlan? = nil, _ check: (DeployError) -> Void,
                       file: StaticString = #filePath, line: UInt = #line) async {
        do {
            try await DeployFlow.deploy(inputs, reviewed: reviewed, deployer: deployer(client)) { _ in true }
            XCTFail("deployment was not refused", file: file, line: line)
        } catch let error as DeployError {
            check(error)
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
        }
        XCTAssertEqual(transport.count, 0, "a refused deployment sent requests to AWS", file: file, line: line)
    }

    func testUnknownBranch() async throws {
        await assertRefused(try project.inputs(branch: "develop")) { XCTAssertEqual($0, .branchDeploysNowhere("develop")) }
    }

    func testLiveInPreview() async throws {
        try project.edit("environments/preview.yaml") { $0.replacingOccurrences(of: "sendMode: DRY_RUN", with: "sendMode: LIVE") }
        await assertRefused(try project.inputs(branch: "feature/x")) {
            guard case .specErrors(let n, let report) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(n, 1)
            XCTAssertTrue(report.contains("[sendmode.live-outside-production]"), report)
        }
    }

    func testCheckErrors() async throws {
        try project.edit("specs/queues.yaml") { $0.replacingOccurrences(of: "maxReceiveCount: 3", with: "maxReceiveCount: 0") }
        await assertRefused(try project.inputs(branch: "feature/x")) {
            guard case .specErrors = $0 else { return XCTFail("\($0)") }
        }
    }

    func testDrift() async throws {
        try project.edit("specs/queues.yaml") { $0.replacingOccurrences(of: "retention: 1d", with: "retention: 2d") }
        await assertRefused(try project.inputs(branch: "feature/x")) {
            guard case .drift(let diff) = $0 else { return XCTFail("\($0)") }
            XCTAssertTrue(diff.contains("-        \"MessageRetentionPeriod\": 86400,"), diff)
        }
    }

    func testPlanHashMismatch() async throws {
        let target = try project.inputs(branch: "feature/x").target()
        let reviewed = DeployPlan(branch: "feature/x", environment: "preview", stack: target.stack, specHash: "0123456789abcdef",
                                  templateHash: target.templateHash, verdict: .ready, changeSetName: nil, changeSetType: nil, changes: [],
                                  parameters: Dictionary(uniqueKeysWithValues: target.parameters.map { ($0.key, $0.value) }))
        await assertRefused(try project.inputs(branch: "feature/x"), reviewed: reviewed) {
            guard case .planMismatch(let what) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(what.count, 1)
            XCTAssertTrue(what[0].hasPrefix("the specs changed since the plan"), what[0])
        }
    }

    func testPlanForAnotherBranch() async throws {
        let target = try project.inputs(branch: "feature/x").target()
        let reviewed = DeployPlan(branch: "feature/y", environment: "preview", stack: target.stack, specHash: target.specHash,
                                  templateHash: target.templateHash, verdict: .ready, changeSetName: nil, changeSetType: nil, changes: [],
                                  parameters: Dictionary(uniqueKeysWithValues: target.parameters.map { ($0.key, $0.value) }))
        await assertRefused(try project.inputs(branch: "feature/x"), reviewed: reviewed) {
            XCTAssertEqual($0, .planMismatch(["branch was 'feature/y', now 'feature/x'"]))
        }
    }

    func testStackNameOfAnotherEnvironment() async throws {
        await assertRefused(try project.inputs(branch: "main", stack: "base-wecare-digital-preview")) {
            guard case .stackNameOutsideEnvironment(_, _, "production", _, "environments/production.yaml", "preview") = $0 else { return XCTFail("\($0)") }
        }
        await assertRefused(try project.inputs(branch: "release/x", stack: "wecare-broken")) {
            guard case .stackNameOutsideEnvironment(_, _, "staging", _, _, nil) = $0 else { return XCTFail("\($0)") }
        }
        // In preview, deployed per branch, a branch's only stack is its own.
        await assertRefused(try project.inputs(branch: "feature/x", stack: "wecare-broken")) {
            guard case .stackOfAnotherBranch("wecare-broken", _, "feature/x", "preview") = $0 else { return XCTFail("\($0)") }
        }
    }

    func testMissingParameters() async throws {
        await assertRefused(try project.inputs(branch: "feature/x", parameters: [:])) {
            XCTAssertEqual($0, .missingParameters(["CodeBucket", "UserPoolClientId"]))
        }
    }

    func testPlanFileRoundTrip() throws {
        let plan = DeployPlan(branch: "main", environment: "production", stack: "s", specHash: "a", templateHash: "b", verdict: .ready,
                              changeSetName: "c", changeSetType: "UPDATE",
                              changes: [.init(action: "Modify", logicalID: "QueueBulkQueue", resourceType: "AWS::SQS::Queue", replacement: "False", risk: "capacity", why: "w")],
                              branchRule: "main", stackID: "arn:stack", stackStamp: StackStamp(updated: "2026-11-20T10:00:00Z", lastEvent: nil),
                              parameters: ["CodeBucket": "b"], changeSetID: "arn:change-set")
        let object = try JSONSerialization.jsonObject(with: Data(plan.json.utf8)) as! [String: Any]
        XCTAssertEqual(try DeployPlan.parse(object), plan)
    }
}
