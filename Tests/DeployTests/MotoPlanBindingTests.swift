import AWSClient
import Deploy
import Foundation
import TestSupport
import XCTest

/// The gate and binding plans against moto's CloudFormation (its own server: these stacks reuse staging's physical
/// names). A transport in front of moto records which requests each step made.
final class MotoPlanBindingTests: XCTestCase {
    static let server = MotoServer(accountID: "809904170947")

    override class func tearDown() {
        server.stop()
        super.tearDown()
    }

    static let queueTemplate = #"{"Resources":{"QueueOld":{"Type":"AWS::SQS::Queue","Properties":{"QueueName":"wecare-old-queue"}}}}"#

    func expectRefusal(_ body: () async throws -> Void, file: StaticString = #filePath, line: UInt = #line) async -> DeployError? {
        do {
            try await body()
            XCTFail("not refused", file: file, line: line)
        } catch let error as DeployError {
            return error
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
        }
        return nil
    }

    /// The issue's sequence: a "no changes" plan goes stale when another branch changes the stack; a plan
    /// with changes executes exactly its change set, once; parameters other than the plan's are refused.
    func testAPlanIsBindingOnMoto() async throws {
        let a = try TempProject(), b = try TempProject()
        defer { a.remove(); b.remove() }
        let recording = RecordingForwardingTransport()
        let aws = try await seededMotoClient(Self.server, transport: recording)
        let cfn = CloudFormationClient(client: aws)
        let stack = "base-wecare-digital-staging-bind"

        // A new stack through a plan: its CREATE change set (and the stack under review) are kept, then executed.
        let first = try await DeployFlow.plan(try a.inputs(branch: "release/a", stack: stack), keep: true, deployer: deployer(aws))
        XCTAssertEqual(first.changeSetType, "CREATE")
        XCTAssertNil(first.stackStamp)
        XCTAssertNotNil(first.stackID)
        recording.reset()
        try await DeployFlow.deploy(try a.inputs(branch: "release/a", stack: stack), reviewed: first, allow: [.security], deployer: deployer(aws)) { _ in true }
        XCTAssertEqual(recording.writes.map(\.action), ["ExecuteChangeSet"])
        let created = try await cfn.describeStack(name: stack)
        XCTAssertEqual(created?.status, "CREATE_COMPLETE")
        XCTAssertEqual(created?.tags[StackTags.environment], "staging")
        let quiet = try await DeployFlow.plan(try a.inputs(branch: "release/a", stack: stack), keep: true, deployer: deployer(aws))
        XCTAssertEqual(quiet.verdict, .noChanges)
        XCTAssertNotNil(quiet.stackStamp?.lastEvent)
        let described = try await cfn.describeStack(name: stack)
        XCTAssertEqual(quiet.stackID, described?.stackID)

        // Another release branch, same environment and stack, changes a queue and deploys.
        try b.edit("specs/queues.yaml") { $0.replacingOccurrences(of: "    purpose: Bulk chunks that failed as a whole (Req 8.9)\n    visibilityTimeout: 300s",
                                                                   with: "    purpose: Bulk chunks that failed as a whole (Req 8.9)\n    visibilityTimeout: 600s") }
        try b.rebuild()
        try await DeployFlow.deploy(try b.inputs(branch: "release/b", stack: stack), reviewed: nil, deployer: deployer(aws)) { _ in true }

        // The "no changes" plan no longer describes the stack: refused, nothing written.
        recording.reset()
        let stale = await expectRefusal {
            try await DeployFlow.deploy(try a.inputs(branch: "release/a", stack: stack), reviewed: quiet, deployer: deployer(aws)) { _ in true }
        }
        guard case .planMismatch(let what) = stale else { return XCTFail("\(String(describing: stale))") }
        XCTAssertTrue(what.contains { $0.hasPrefix("stack \(stack) has new events since the plan") || $0.hasPrefix("stack \(stack) was updated since the plan") }, "\(what)")
        XCTAssertEqual(recording.writes.map(\.action), [])

        // A plans again: its specs put the queue back. The change set is kept for deploy --plan.
        let back = try await DeployFlow.plan(try a.inputs(branch: "release/a", stack: stack), keep: true, deployer: deployer(aws))
        XCTAssertEqual(back.verdict, .ready)
        let changeSetID = try XCTUnwrap(back.changeSetID)
        XCTAssertEqual(back.changes.map(\.logicalID), ["QueueBulkDlq"])
        let kept = try await cfn.describeChangeSet(changeSetName: changeSetID)
        XCTAssertEqual(kept.executionStatus, "AVAILABLE")

        // Through the plan file, as the CLI reads it.
        let file = a.root.appendingPathComponent("plan.json")
        try back.json.write(to: file, atomically: true, encoding: .utf8)
        let reviewed = try DeployPlan.read(from: file)

        recording.reset()
        let otherBucket = await expectRefusal {
            try await DeployFlow.deploy(try a.inputs(branch: "release/a", parameters: ["CodeBucket": "other", "UserPoolClientId": "local"], stack: stack),
                                        reviewed: reviewed, deployer: deployer(aws)) { _ in true }
        }
        XCTAssertEqual(otherBucket, .planMismatch(["parameter CodeBucket was 'wecare-code', now 'other'"]))
        XCTAssertEqual(recording.requests.count, 0)

        recording.reset()
        try await DeployFlow.deploy(try a.inputs(branch: "release/a", stack: stack), reviewed: reviewed, deployer: deployer(aws)) { _ in true }
        XCTAssertEqual(recording.writes.map(\.action), ["ExecuteChangeSet"], "the reviewed change set runs; none is created")
        XCTAssertEqual(recording.writes.first?.fields["ChangeSetName"], changeSetID)
        let sqs = SQSClient(client: aws)
        let attributes = try await sqs.getQueueAttributes(queueURL: try await sqs.getQueueURL(name: "base-wecare-digital-staging-bulk-dlq"))
        XCTAssertEqual(attributes["VisibilityTimeout"], "300")

        // Executed once, the plan cannot run again.
        recording.reset()
        let again = await expectRefusal {
            try await DeployFlow.deploy(try a.inputs(branch: "release/a", stack: stack), reviewed: reviewed, deployer: deployer(aws)) { _ in true }
        }
        guard case .planMismatch(let twice) = again else { return XCTFail("\(String(describing: again))") }
        XCTAssertTrue(twice.contains { $0.hasPrefix("change set \(changeSetID) cannot be executed") }, "\(twice)")
        XCTAssertEqual(recording.writes.map(\.action), [])
    }

    func testTheGateOnMoto() async throws {
        let project = try TempProject()
        defer { project.remove() }
        let recording = RecordingForwardingTransport()
        let aws = try await seededMotoClient(Self.server, transport: recording)
        let cfn = CloudFormationClient(client: aws)
        _ = try await cfn.createStack(name: "base-wecare-digital-staging-prod", templateBody: Self.queueTemplate,
                                      tags: [.init(key: StackTags.environment, value: "production")])
        _ = try await cfn.createStack(name: "base-wecare-digital-staging-old", templateBody: Self.queueTemplate)

        // A stack tagged for production under a staging name: refused after reads only, by plan and by deploy.
        recording.reset()
        let tagged = await expectRefusal {
            _ = try await DeployFlow.plan(try project.inputs(branch: "release/x", stack: "base-wecare-digital-staging-prod"), keep: true, deployer: deployer(aws))
        }
        XCTAssertEqual(tagged, .stackOfAnotherEnvironment(stack: "base-wecare-digital-staging-prod", tagged: "production", branch: "release/x", environment: "staging"))
        let taggedDeploy = await expectRefusal {
            try await DeployFlow.deploy(try project.inputs(branch: "release/x", stack: "base-wecare-digital-staging-prod"), reviewed: nil,
                                        allow: [.dataLoss, .security], deployer: deployer(aws)) { _ in true }
        }
        XCTAssertEqual(taggedDeploy, tagged)
        XCTAssertEqual(recording.writes.map(\.action), [])

        // An untagged stack with resources: refused; --adopt says what it takes over and tags it through the change set.
        let untagged = await expectRefusal {
            try await DeployFlow.deploy(try project.inputs(branch: "release/x", stack: "base-wecare-digital-staging-old"), reviewed: nil,
                                        allow: [.dataLoss, .security], deployer: deployer(aws)) { _ in true }
        }
        guard case .untaggedStack(_, let resources, _, _) = untagged else { return XCTFail("\(String(describing: untagged))") }
        XCTAssertEqual(resources.count, 1)
        XCTAssertTrue(resources[0].hasPrefix("QueueOld [AWS::SQS::Queue]"), resources[0])
        XCTAssertEqual(recording.writes.map(\.action), [])

        let progress = RecordingProgress()
        let adopted = try await DeployFlow.plan(try project.inputs(branch: "release/x", stack: "base-wecare-digital-staging-old", adopt: true),
                                                deployer: deployer(aws, progress))
        XCTAssertTrue(adopted.changes.contains { $0.logicalID == "QueueOld" && $0.action == "Remove" }, "\(adopted.changes)")
        XCTAssertTrue(progress.lines.contains { $0.hasPrefix("adopting stack base-wecare-digital-staging-old for staging (--adopt): the change set tags it wecare:environment=staging, and what it holds (1 resource)") }, "\(progress.lines)")
        let create = try XCTUnwrap(recording.writes.first)
        XCTAssertEqual(create.action, "CreateChangeSet")
        XCTAssertEqual(create.fields["Tags.member.1.Key"], StackTags.environment)
        XCTAssertEqual(create.fields["Tags.member.1.Value"], "staging")
    }
}
