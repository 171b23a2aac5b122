import AWSClient
import Deploy
import Foundation
import TestSupport
import XCTest

/// Deployments against moto's CloudFormation, started by the test on 127.0.0.1.
final class MotoDeployTests: XCTestCase {
    static let server = MotoServer(accountID: "809904170947")

    override class func tearDown() {
        server.stop()
        super.tearDown()
    }

    func client() async throws -> AWSClient { try await seededMotoClient(Self.server) }

    func testDeployPreviewThenChangeAQueue() async throws {
        let project = try TempProject()
        defer { project.remove() }
        let aws = try await client()
        let progress = RecordingProgress()

        // From nothing: a CREATE change set with every resource.
        // A new stack's routes and permissions are security changes: without --allow security nothing is
        // executed, and the change set and the empty stack it made are removed.
        do {
            try await DeployFlow.deploy(try project.inputs(branch: "feature/try"), reviewed: nil, deployer: deployer(aws)) { _ in true }
            XCTFail("security changes executed without --allow security")
        } catch DeployError.risksNotAllowed(let risks, let changes) {
            XCTAssertEqual(risks, ["security"])
            XCTAssertTrue(changes.contains("Add HttpApiAuthorizer [AWS::ApiGatewayV2::Authorizer] (security)"), "\(changes)")
        }
        // Preview is deployed per branch: feature/try's own stack.
        let name = try project.inputs(branch: "feature/try").target().stack
        let refused = try await CloudFormationClient(client: aws).describeStack(name: name)
        XCTAssertNil(refused)
        let created = try await DeployFlow.deploy(try project.inputs(branch: "feature/try"), reviewed: nil, allow: [.security],
                                                  deployer: deployer(aws, progress)) { _ in true }
        XCTAssertEqual(created.verdict, .ready)
        XCTAssertEqual(created.changeSetType, "CREATE")
        XCTAssertTrue(created.changes.contains { $0.logicalID == "TableContacts" && $0.action == "Add" })
        let stack = try await CloudFormationClient(client: aws).describeStack(name: name)
        XCTAssertEqual(stack?.status, "CREATE_COMPLETE")
        XCTAssertEqual(stack?.tags[StackTags.environment], "preview")
        XCTAssertEqual(stack?.tags[StackTags.branchRule], "feature/*")
        XCTAssertEqual(stack?.tags[StackTags.specHash], try project.inputs(branch: "feature/try").target().specHash)
        XCTAssertTrue(progress.lines.contains("stack is CREATE_COMPLETE"), "\(progress.lines)")

        // Deploying the same again changes nothing, and that is success.
        let again = try await DeployFlow.deploy(try project.inputs(branch: "feature/try"), reviewed: nil, deployer: deployer(aws)) { _ in
            XCTFail("nothing to confirm when nothing changes")
            return false
        }
        XCTAssertEqual(again.verdict, .noChanges)

        // Change a queue attribute in the spec: the plan shows the modification, deploy applies it.
        try project.edit("specs/queues.yaml") { $0.replacingOccurrences(of: "    purpose: Bulk chunks that failed as a whole (Req 8.9)\n    visibilityTimeout: 300s",
                                                                         with: "    purpose: Bulk chunks that failed as a whole (Req 8.9)\n    visibilityTimeout: 600s") }
        try project.rebuild()
        let plan = try await DeployFlow.plan(try project.inputs(branch: "feature/try"), keep: true, deployer: deployer(aws))
        XCTAssertEqual(plan.verdict, .ready)
        XCTAssertEqual(plan.changeSetType, "UPDATE")
        let change = try XCTUnwrap(plan.changes.first { $0.logicalID == "QueueBulkDlq" }, "\(plan.changes)")
        XCTAssertEqual(change.action, "Modify")
        XCTAssertTrue(plan.text.contains("QueueBulkDlq [AWS::SQS::Queue]"), plan.text)

        let deployed = try await DeployFlow.deploy(try project.inputs(branch: "feature/try"), reviewed: plan, deployer: deployer(aws)) { _ in true }
        XCTAssertTrue(deployed.changes.contains { $0.logicalID == "QueueBulkDlq" })
        let sqs = SQSClient(client: aws)
        let url = try await sqs.getQueueURL(name: "\(name)-bulk-dlq")
        let attributes = try await sqs.getQueueAttributes(queueURL: url)
        XCTAssertEqual(attributes["VisibilityTimeout"], "600")
    }

    func testATemplateTheEmulatorRejectsFailsWithTheFailingEvent() async throws {
        let aws = try await client()
        let template = #"{"Resources":{"QueueBroken":{"Type":"AWS::SQS::Queue","Properties":{"QueueName":"broken","RedrivePolicy":{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:809904170947:does-not-exist","maxReceiveCount":3}}}}}"#
        let target = DeployTarget(branch: "feature/broken", branchRule: "feature/*", environment: "preview", stack: "wecare-broken", region: "us-east-1",
                                  templateBody: template, specHash: "s", templateHash: DeployTarget.hash(template), parameters: [])
        let progress = RecordingProgress()
        let d = deployer(aws, progress)
        let prepared = try await d.prepareChangeSet(target)
        do {
            try await d.execute(prepared, stack: target.stack)
            XCTFail("the broken template deployed")
        } catch let DeployError.stackFailed(_, failures) {
            XCTAssertTrue(failures.contains { $0.contains("NonExistentQueue") || $0.contains("does not exist") }, "\(failures)")
        }
    }
}
