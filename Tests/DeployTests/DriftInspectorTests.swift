import AWSClient
import Deploy
import Foundation
import Pipeline
import SpecModel
import XCTest

/// `wecare drift` against CloudFormation and IAM answered in their documented wire format (moto has no drift detection).
final class DriftInspectorTests: XCTestCase {
    /// The calls drift may make: reads, and DetectStackDrift, which only starts CloudFormation's own check.
    static let allowedActions: Set<String> = ["DescribeStacks", "GetTemplate", "DetectStackDrift", "DescribeStackDriftDetectionStatus",
                                              "DescribeStackResourceDrifts", "ListRolePolicies", "GetRolePolicy", "ListAttachedRolePolicies",
                                              "GetPolicy", "GetPolicyVersion"]

    func generated(_ path: String, in project: TempProject) throws -> String {
        try String(contentsOf: project.root.appendingPathComponent("generated/\(path)"), encoding: .utf8)
    }

    /// Preview is deployed per branch: `--env preview` names its copy with `--stack` (the fakes hold one stack of that name).
    func target(_ project: TempProject, _ selector: DriftTarget.Selector = .environment("preview"), stack: String? = nil) throws -> DriftTarget {
        try DriftTarget.prepare(selector, files: try SpecTree.read(root: project.root), generated: project.root.appendingPathComponent("generated"),
                                stackOverride: stack ?? (selector == .environment("preview") ? "base-wecare-digital-preview" : nil), today: testToday)
    }

    func inspector(_ fake: FakeDriftAWS, pauses: PauseCounter = PauseCounter(), timeout: Duration = .seconds(60)) -> DriftInspector {
        let client = fakeClient(fake)
        return DriftInspector(cloudFormation: CloudFormationClient(client: client), iam: IAMClient(client: client),
                              pause: { await pauses.add($0) }, timeout: timeout, pollInterval: .seconds(5))
    }

    /// A fake whose stack, template and role are exactly what generated/ says: no drift anywhere.
    func inSync(_ project: TempProject) throws -> FakeDriftAWS {
        let fake = FakeDriftAWS()
        fake.template = try generated("cloudformation/preview.json", in: project)
        fake.rolePolicies = ["wecare-preview": try generated("iam/preview.json", in: project),
                             "wecare-staging": try generated("iam/staging.json", in: project),
                             "wecare-production": try generated("iam/production.json", in: project)]
        fake.drifts = [.init(logicalID: "QueueBulkDlq", type: "AWS::SQS::Queue", status: "IN_SYNC"),
                       .init(logicalID: "TableUsers", type: "AWS::DynamoDB::Table", status: "IN_SYNC")]
        return fake
    }

    func testNothingDriftedExitsZero() async throws {
        let project = try TempProject()
        defer { project.remove() }
        let fake = try inSync(project)
        let report = try await inspector(fake).inspect(try target(project))
        XCTAssertFalse(report.hasDrift, DriftFormat.text.render(report))
        XCTAssertEqual(report.exitCode, 0)
        XCTAssertEqual(report.resourceCheck?.inSync, 2)
        XCTAssertTrue(DriftFormat.text.render(report).hasSuffix("No drift: base-wecare-digital-preview matches generated/cloudformation/preview.json "
                                                                 + "and role base-wecare-digital holds generated/iam/preview.json.\n"), DriftFormat.text.render(report))
        XCTAssertTrue(Set(fake.actions).isSubset(of: Self.allowedActions), "\(fake.actions)")
    }

    func testEachPartFindsItsDrift() async throws {
        let project = try TempProject()
        defer { project.remove() }
        let fake = try inSync(project)
        // Deployed from older specs: the dead-letter queue's visibility timeout was 120 then.
        fake.template = fake.template.replacingOccurrences(of: "\"Fn::Sub\": \"base-wecare-digital-preview-${BranchSlug}-bulk-dlq\"\n        },",
                                                           with: "\"Fn::Sub\": \"base-wecare-digital-preview-${BranchSlug}-bulk-dlq\"\n        },\n        \"DelaySeconds\": 5,")
        // Changed and deleted by hand, as CloudFormation's drift detection reports them.
        fake.drifts = [
            .init(logicalID: "TableContacts", type: "AWS::DynamoDB::Table", status: "MODIFIED", physicalID: "base-wecare-digital-preview-ContactsTable",
                  differences: [("/BillingMode", "PAY_PER_REQUEST", "PROVISIONED", "NOT_EQUAL"),
                                ("/ProvisionedThroughput", "null", #"{"ReadCapacityUnits":5,"WriteCapacityUnits":5}"#, "ADD")],
                  expected: #"{"BillingMode":"PAY_PER_REQUEST"}"#, actual: #"{"BillingMode":"PROVISIONED"}"#),
            .init(logicalID: "QueueInboundDlq", type: "AWS::SQS::Queue", status: "DELETED"),
            .init(logicalID: "QueueBulkDlq", type: "AWS::SQS::Queue", status: "IN_SYNC"),
            .init(logicalID: "FunctionApi", type: "AWS::Lambda::Function", status: "NOT_CHECKED"),
        ]
        // The role's preview policy lost a grant and gained one by hand.
        fake.rolePolicies["wecare-preview"] = fake.rolePolicies["wecare-preview"]!
            .replacingOccurrences(of: "\"sqs:SendMessage\"", with: "\"sqs:PurgeQueue\"")
        fake.inProgressPolls = 2
        let pauses = PauseCounter()
        let report = try await inspector(fake, pauses: pauses).inspect(try target(project))

        XCTAssertEqual(report.exitCode, 1)
        XCTAssertEqual(report.deployedSpecHash, "deployedhash")
        // Resources: polled until complete, pausing between reads.
        XCTAssertEqual(fake.actions.filter { $0 == "DescribeStackDriftDetectionStatus" }.count, 3)
        let paused = await pauses.all
        XCTAssertEqual(paused, [.seconds(5), .seconds(5)])
        XCTAssertEqual(report.resources.items.map(\.logicalID), ["QueueInboundDlq", "TableContacts"])
        guard report.resources.items.count == 2 else { return }
        XCTAssertEqual(report.resources.items[0].status, "DELETED")
        XCTAssertEqual(report.resources.items[1].properties.map(\.path), ["/BillingMode", "/ProvisionedThroughput"])
        XCTAssertEqual(report.resources.items[1].actual, .object(["BillingMode": .string("PROVISIONED")]))
        XCTAssertEqual(report.resourceCheck?.inSync, 1)
        XCTAssertEqual(report.resourceCheck?.unchecked, ["FunctionApi [AWS::Lambda::Function]"])
        // Template: deployed (with DelaySeconds) → generated (without).
        XCTAssertEqual(report.template.items.map(\.field), ["DelaySeconds"])
        XCTAssertEqual(report.template.items.first?.before, "5 s")
        XCTAssertNil(report.template.items.first?.after)
        XCTAssertEqual(report.template.items.first?.resource.description, "queue 'bulk-dlq'")
        // Policy: one statement, one missing and one extra action.
        XCTAssertEqual(report.policy.items, [PolicyDriftRow(statement: "QueuesSendConsume", heldIn: ["inline wecare-preview"],
                                                            missing: .init(actions: ["sqs:SendMessage"]), extra: .init(actions: ["sqs:PurgeQueue"]))])
        XCTAssertTrue(report.notes.contains { $0.contains("also serves production, staging") }, "\(report.notes)")

        let text = DriftFormat.text.render(report)
        for line in ["Resources (CloudFormation drift detection): 2 drifted, 1 in sync, 1 not checked",
                     "  - QueueInboundDlq [AWS::SQS::Queue] deleted outside CloudFormation (physical)",
                     "  ~ TableContacts [AWS::DynamoDB::Table] modified (base-wecare-digital-preview-ContactsTable)",
                     "      /BillingMode: template PAY_PER_REQUEST, actual PROVISIONED",
                     "  other queue 'bulk-dlq' DelaySeconds: deployed 5 s → generated —",
                     "  QueuesSendConsume (inline wecare-preview)", "      missing: action sqs:SendMessage", "      extra:   action sqs:PurgeQueue",
                     "Drift in preview: 2 resources, 1 template difference, 1 policy statement."] {
            XCTAssertTrue(text.contains(line), "no line '\(line)' in:\n\(text)")
        }
        XCTAssertTrue(Set(fake.actions).isSubset(of: Self.allowedActions), "\(fake.actions)")
    }

    func testAStackOfAnotherEnvironmentIsRefusedAfterDescribeStacksAlone() async throws {
        let project = try TempProject()
        defer { project.remove() }
        let fake = try inSync(project)
        fake.tags["wecare:environment"] = "production"
        do {
            _ = try await inspector(fake).inspect(try target(project))
            XCTFail("compared a production stack as preview's")
        } catch let error as DriftError {
            XCTAssertEqual(error, .stackOfAnotherEnvironment(stack: "base-wecare-digital-preview", tagged: "production", environment: "preview"))
        }
        XCTAssertEqual(fake.actions, ["DescribeStacks"])
    }

    func testNoStackIsAnError() async throws {
        let project = try TempProject()
        defer { project.remove() }
        let fake = try inSync(project)
        fake.stackExists = false
        do {
            _ = try await inspector(fake).inspect(try target(project))
            XCTFail("no stack, no error")
        } catch DriftError.stackNotFound(let stack, _) {
            XCTAssertEqual(stack, "base-wecare-digital-preview")
        }
    }

    /// A part that cannot look is never "no drift": exit 2 when nothing else drifted.
    func testADetectionThatNeverEndsIsNotCompared() async throws {
        let project = try TempProject()
        defer { project.remove() }
        let fake = try inSync(project)
        fake.inProgressPolls = 1_000
        let clock = ManualClock()
        let client = fakeClient(fake)
        let inspector = DriftInspector(cloudFormation: CloudFormationClient(client: client), iam: IAMClient(client: client),
                                       pause: { clock.advance($0) }, now: { clock.now }, timeout: .seconds(60), pollInterval: .seconds(10))
        let report = try await inspector.inspect(try target(project))
        XCTAssertEqual(report.resources.notChecked, "CloudFormation's drift detection b78ac9b0-dec1-11e7-a451-50a68a3d4d8e was still running after 1m")
        XCTAssertFalse(report.hasDrift)
        XCTAssertEqual(report.exitCode, 2)
        XCTAssertTrue(DriftFormat.text.render(report).hasSuffix("No drift found in what could be compared; not compared: resources.\n"))
    }

    func testAnUntaggedStackIsComparedWithANote() async throws {
        let project = try TempProject()
        defer { project.remove() }
        let fake = try inSync(project)
        fake.tags = [:]
        let report = try await inspector(fake).inspect(try target(project))
        XCTAssertEqual(report.exitCode, 0)
        XCTAssertTrue(report.notes.contains { $0.contains("has no wecare:environment tag") }, "\(report.notes)")
    }

    // MARK: The target, before any request

    func testTheEnvironmentComesFromTheNameOrTheBranch() throws {
        let project = try TempProject()
        defer { project.remove() }
        XCTAssertEqual(try target(project, .branch("release/1.4")).stack, "base-wecare-digital-staging")
        XCTAssertEqual(try target(project, .branch("main")).stack, "base-wecare-digital")
        XCTAssertEqual(try target(project, .branch("feature/x")).stack, "base-wecare-digital-preview-\(BranchSlug.slug(for: "feature/x", rule: "feature/*"))")
        // Preview is deployed per branch: the environment alone does not say whose copy.
        XCTAssertThrowsError(try DriftTarget.prepare(.environment("preview"), files: try SpecTree.read(root: project.root),
                                                     generated: project.root.appendingPathComponent("generated"), today: testToday)) {
            XCTAssertEqual($0 as? DriftError, .perBranchNeedsBranch(environment: "preview", rule: "base-wecare-digital-preview-<branch slug>"))
        }
        XCTAssertEqual(try target(project, .environment("preview"), stack: "base-wecare-digital-preview-x").stack, "base-wecare-digital-preview-x")
        XCTAssertThrowsError(try target(project, .branch("chore/x"))) { XCTAssertEqual($0 as? DriftError, .branchDeploysNowhere("chore/x")) }
        XCTAssertThrowsError(try target(project, .environment("prevew"))) {
            XCTAssertEqual(($0 as? DriftError)?.description, "no environment 'prevew'; did you mean 'preview'? (environments: local, preview, production, staging)")
        }
        XCTAssertThrowsError(try target(project, .environment("local"))) { XCTAssertEqual($0 as? DriftError, .environmentNotDeployable("local")) }
        XCTAssertThrowsError(try target(project, .environment("preview"), stack: "base-wecare-digital")) {
            XCTAssertTrue(($0 as? DriftError)?.description.hasPrefix("stack base-wecare-digital is named for production, not for preview") == true, "\($0)")
        }
    }

    func testTheTargetCarriesTheRoleAndTheOtherEnvironmentsPolicies() throws {
        let project = try TempProject()
        defer { project.remove() }
        let t = try target(project)
        XCTAssertEqual(t.roleName, "base-wecare-digital")
        XCTAssertEqual(t.roleARN, "arn:aws:iam::809904170947:role/base-wecare-digital")
        XCTAssertEqual(t.sharedPolicies.keys.sorted(), ["production", "staging"])
        XCTAssertEqual(t.notes, [])
        try project.edit("specs/queues.yaml") { $0.replacingOccurrences(of: "visibilityTimeout: 300s", with: "visibilityTimeout: 600s") }
        XCTAssertEqual(try target(project).notes, ["generated/ is not what the specs produce (run `wecare build`); the comparison uses generated/ as committed"])
        try FileManager.default.removeItem(at: project.root.appendingPathComponent("generated/iam/preview.json"))
        XCTAssertThrowsError(try target(project)) {
            XCTAssertEqual(($0 as? DriftError)?.description, "cannot read generated/iam/preview.json: no such file; run `wecare build` and commit generated/")
        }
    }
}

/// Records the pauses a flow asks for, so a test runs at once and still sees them.
actor PauseCounter {
    private(set) var all: [Duration] = []
    func add(_ d: Duration) { all.append(d) }
}

/// A clock that moves only when a pause moves it.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var _now = Date(timeIntervalSince1970: 1_795_000_000)
    var now: Date { lock.withLock { _now } }
    func advance(_ d: Duration) { lock.withLock { _now = _now.addingTimeInterval(TimeInterval(d.components.seconds)) } }
}
