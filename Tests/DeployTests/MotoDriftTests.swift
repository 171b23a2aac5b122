import AWSClient
import Deploy
import Foundation
import Pipeline
import SpecModel
import TestSupport
import XCTest

/// `wecare drift` against stacks deployed to moto (127.0.0.1) and changed there by hand: GetTemplate and the role's
/// policies are moto's own; CloudFormation's drift detection, which moto lacks, is `MotoDriftDetection` in front of it.
final class MotoDriftTests: XCTestCase {
    static let server = MotoServer(accountID: "809904170947")

    override class func tearDown() {
        server.stop()
        super.tearDown()
    }

    /// moto's client, with the role and bundle the specs reference; the stack of `branch` deployed when it is not there yet,
    /// and the role holding exactly the generated policies (one inline policy per environment, as the role serves them all).
    func deployedMoto(_ project: TempProject, branch: String, stack: String) async throws -> AWSClient {
        let aws = try await seededMotoClient(Self.server)
        if try await CloudFormationClient(client: aws).describeStack(name: stack) == nil {
            try await DeployFlow.deploy(try project.inputs(branch: branch), reviewed: nil, allow: [.security], deployer: deployer(aws)) { _ in true }
        }
        let iam = IAMClient(client: aws)
        for name in try await iam.listRolePolicies(roleName: "base-wecare-digital") where !name.hasPrefix("wecare-") {
            try await iam.deleteRolePolicyForTests(roleName: "base-wecare-digital", policyName: name)
        }
        for env in ["preview", "staging", "production"] {
            try await iam.putRolePolicy(roleName: "base-wecare-digital", policyName: "wecare-\(env)",
                                        document: try String(contentsOf: project.root.appendingPathComponent("generated/iam/\(env).json"), encoding: .utf8))
        }
        return aws
    }

    /// Preview is deployed per branch: its copy here is feature/drift's.
    func target(_ project: TempProject, _ environment: String) throws -> DriftTarget {
        try DriftTarget.prepare(environment == "preview" ? .branch("feature/drift") : .environment(environment), files: try SpecTree.read(root: project.root),
                                generated: project.root.appendingPathComponent("generated"), today: testToday)
    }

    /// An inspector whose drift detection is emulated over moto's real state; everything else is moto's.
    func emulatedInspector(_ aws: AWSClient, recording: RecordingForwardingTransport? = nil) async throws -> DriftInspector {
        let transport = MotoDriftDetection(next: recording ?? AsyncHTTPClientTransport(), moto: aws)
        let client = AWSClient(configuration: AWSClientConfiguration(
            region: "us-east-1", endpointOverride: try await Self.server.start(),
            credentialsProvider: AWSCredentials(accessKeyID: "testing", secretAccessKey: "testing"), transport: transport, retryPolicy: .none))
        return DriftInspector(cloudFormation: CloudFormationClient(client: client), iam: IAMClient(client: client),
                              pause: { _ in }, pollInterval: .milliseconds(1))
    }

    struct UpdateTable: Encodable {
        struct Throughput: Encodable { var ReadCapacityUnits = 5, WriteCapacityUnits = 5 }
        struct Stream: Encodable { var StreamEnabled = true, StreamViewType = "NEW_IMAGE" }
        var TableName: String
        var BillingMode: String?
        var ProvisionedThroughput: Throughput?
        var StreamSpecification: Stream?
    }

    struct QueueAttributes: Encodable {
        var QueueUrl: String
        var Attributes: [String: String]
    }

    struct QueueURL: Encodable {
        var QueueUrl: String
    }

    func testHandMadeChangesToATableAQueueAndTheRolePolicyAreEachFound() async throws {
        let project = try TempProject()
        defer { project.remove() }
        let aws = try await deployedMoto(project, branch: "feature/drift", stack: try project.inputs(branch: "feature/drift").target().stack)
        let recording = RecordingForwardingTransport()
        let inspector = try await emulatedInspector(aws, recording: recording)

        // As deployed: nothing drifted.
        let clean = try await inspector.inspect(try target(project, "preview"))
        XCTAssertEqual(clean.exitCode, 0, DriftFormat.text.render(clean))
        XCTAssertGreaterThan(clean.resourceCheck?.inSync ?? 0, 10)

        // By hand, in moto: a table's billing, another table's stream, a queue's visibility timeout, a deleted queue, the role policy.
        let prefix = try project.inputs(branch: "feature/drift").target().stack
        let _: EmptyShape = try await aws.json(.dynamoDB, operation: "UpdateTable", input: UpdateTable(
            TableName: "\(prefix)-ContactsTable", BillingMode: "PROVISIONED", ProvisionedThroughput: .init()))
        let _: EmptyShape = try await aws.json(.dynamoDB, operation: "UpdateTable", input: UpdateTable(
            TableName: "\(prefix)-MessagesTable", StreamSpecification: .init()))
        let sqs = SQSClient(client: aws)
        let dlq = try await sqs.getQueueURL(name: "\(prefix)-bulk-dlq")
        let _: EmptyShape = try await aws.json(.sqs, operation: "SetQueueAttributes", input: QueueAttributes(QueueUrl: dlq, Attributes: ["VisibilityTimeout": "30"]))
        let outbound = try await sqs.getQueueURL(name: "\(prefix)-outbound-dlq")
        let _: EmptyShape = try await aws.json(.sqs, operation: "DeleteQueue", input: QueueURL(QueueUrl: outbound))
        let iam = IAMClient(client: aws)
        let policy = try await iam.getRolePolicy(roleName: "base-wecare-digital", policyName: "wecare-preview")
        try await iam.putRolePolicy(roleName: "base-wecare-digital", policyName: "wecare-preview",
                                    document: policy.replacingOccurrences(of: "\"sqs:SendMessage\"", with: "\"sqs:PurgeQueue\""))

        recording.reset()
        let report = try await inspector.inspect(try target(project, "preview"))
        XCTAssertEqual(report.exitCode, 1)
        let found = Dictionary(uniqueKeysWithValues: report.resources.items.map { ($0.logicalID, $0) })
        XCTAssertEqual(found.keys.sorted(), ["QueueBulkDlq", "QueueOutboundDlq", "TableContacts", "TableMessages"], DriftFormat.text.render(report))
        XCTAssertEqual(found["TableContacts"]?.properties, [.init(path: "/BillingMode", expected: "PAY_PER_REQUEST", actual: "PROVISIONED", kind: "NOT_EQUAL")])
        XCTAssertEqual(found["TableMessages"]?.properties.map(\.path), ["/StreamSpecification"])
        XCTAssertEqual(found["QueueBulkDlq"]?.properties, [.init(path: "/VisibilityTimeout", expected: "300", actual: "30", kind: "NOT_EQUAL")])
        XCTAssertEqual(found["QueueOutboundDlq"]?.status, "DELETED")
        XCTAssertEqual(report.policy.items, [PolicyDriftRow(statement: "QueuesSendConsume", heldIn: ["inline wecare-preview"],
                                                            missing: .init(actions: ["sqs:SendMessage"]), extra: .init(actions: ["sqs:PurgeQueue"]))])
        XCTAssertEqual(report.template.items.count, 0, DriftFormat.text.render(report))
        // Nothing was written to the stack or the role: reads, and the (emulated) DetectStackDrift.
        XCTAssertEqual(Set(recording.requests.map(\.action)).subtracting(DriftInspectorTests.allowedActions), [], "\(recording.requests.map(\.action))")

        let markdown = DriftFormat.markdown.render(report)
        XCTAssertTrue(markdown.contains("| `QueuesSendConsume` | inline wecare-preview | action sqs:SendMessage | action sqs:PurgeQueue |"), markdown)
        XCTAssertTrue(markdown.contains("| `TableContacts` | AWS::DynamoDB::Table | NOT_EQUAL | `/BillingMode` | `PAY_PER_REQUEST` | `PROVISIONED` |"), markdown)
        XCTAssertTrue(markdown.contains("| `QueueOutboundDlq` | AWS::SQS::Queue | **deleted** | | | |"), markdown)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(DriftFormat.json.render(report).utf8)) as? [String: Any])
        XCTAssertEqual(json["version"] as? Int, 1)
        XCTAssertEqual(json["drift"] as? Bool, true)
        XCTAssertEqual((json["summary"] as? [String: Any])?["resources"] as? Int, 4)
    }

    /// The stack runs older specs than the checkout: the deployed template differs from generated/. Plain moto: resource
    /// drift is reported as not compared (moto has no drift detection), and the template difference alone makes exit 1.
    func testATemplateDeployedFromOtherSpecs() async throws {
        let project = try TempProject()
        defer { project.remove() }
        let aws = try await deployedMoto(project, branch: "release/drift", stack: "base-wecare-digital-staging")
        try project.edit("specs/queues.yaml") { $0.replacingOccurrences(of: "    purpose: Bulk chunks that failed as a whole (Req 8.9)\n    visibilityTimeout: 300s",
                                                                         with: "    purpose: Bulk chunks that failed as a whole (Req 8.9)\n    visibilityTimeout: 600s") }
        try project.rebuild()
        let report = try await DriftInspector(cloudFormation: CloudFormationClient(client: aws), iam: IAMClient(client: aws))
            .inspect(try target(project, "staging"))
        XCTAssertEqual(report.template.items.map { "\($0.risk) \($0.resource) \($0.field): \($0.before ?? "—") → \($0.after ?? "—")" },
                       ["capacity queue 'bulk-dlq' VisibilityTimeout: 300 s → 600 s"])
        XCTAssertEqual(report.policy.items, [])
        XCTAssertTrue(report.resources.notChecked?.hasPrefix("CloudFormation drift detection failed: DetectStackDrift answered HTTP 500") == true,
                      report.resources.notChecked ?? "compared")
        XCTAssertEqual(report.exitCode, 1)
        XCTAssertNotEqual(report.deployedSpecHash, report.specHash)
    }

    /// The watch against moto: a change made between two rounds is reported once and published to an SNS topic.
    func testAWatchPublishesAChangeToTheAlertTopic() async throws {
        let project = try TempProject()
        defer { project.remove() }
        let aws = try await deployedMoto(project, branch: "release/drift", stack: "base-wecare-digital-staging")
        let topic = try await SNSClient(client: aws).createTopic(name: "wecare-drift-alerts")
        let recording = RecordingForwardingTransport()
        let inspector = try await emulatedInspector(aws)
        let publishing = AWSClient(configuration: AWSClientConfiguration(
            region: "us-east-1", endpointOverride: try await Self.server.start(),
            credentialsProvider: AWSCredentials(accessKeyID: "testing", secretAccessKey: "testing"), transport: recording, retryPolicy: .none))
        let target = try target(project, "staging")
        let sqs = SQSClient(client: aws)
        let queue = try await sqs.getQueueURL(name: "base-wecare-digital-staging-inbound-dlq")
        let events = EventBox()
        let watch = DriftWatch(environment: "staging", interval: .seconds(60), inspect: { try await inspector.inspect(target) },
                               emit: { events.add($0) }, alerts: SNSDriftAlerts(sns: SNSClient(client: publishing), topicARN: topic),
                               pause: { _ in
                                   // Between the rounds, by hand: the inbound dead-letter queue keeps messages for one day only.
                                   let _: EmptyShape = try await aws.json(.sqs, operation: "SetQueueAttributes", input: QueueAttributes(
                                       QueueUrl: queue, Attributes: ["MessageRetentionPeriod": "86400"]))
                               })
        try await watch.run(rounds: 2)
        let second = events.all.filter { $0.kind == .appeared && $0.finding?.key.hasPrefix("resources|QueueInboundDlq|") == true }
        XCTAssertEqual(second.map { $0.finding!.text },
                       ["resource QueueInboundDlq [AWS::SQS::Queue] /MessageRetentionPeriod: template 604800, actual 86400"], "\(events.all.map(DriftWatch.line))")
        let published = recording.requests.filter { $0.action == "Publish" }
        XCTAssertEqual(published.count, 1, "\(recording.requests.map(\.action))")
        XCTAssertEqual(published.first?.fields["TopicArn"], topic)
        XCTAssertEqual(published.first?.fields["Subject"], "wecare drift: staging: 1 new, 0 resolved")
        XCTAssertTrue(published.first?.fields["Message"]?.contains("/MessageRetentionPeriod: template 604800, actual 86400") == true,
                      published.first?.fields["Message"] ?? "")
    }

    /// The built binary against moto, as a scheduled CI job runs it.
    func testTheCommandsExitCodesAgainstMoto() async throws {
        let project = try TempProject()
        defer { project.remove() }
        let aws = try await deployedMoto(project, branch: "feature/drift", stack: try project.inputs(branch: "feature/drift").target().stack)
        let endpoint = try await Self.server.start().absoluteString
        // The role as generated, the template as deployed; moto cannot check the resources: exit 2, never 0.
        let unchecked = try Self.wecare(["drift", "--branch", "feature/drift", "--root", project.root.path, "--endpoint-url", endpoint])
        XCTAssertEqual(unchecked.status, 2, unchecked.stdout + unchecked.stderr)
        XCTAssertTrue(unchecked.stdout.contains("Resources (CloudFormation drift detection): not compared: CloudFormation drift detection failed: "
                                                + "DetectStackDrift answered HTTP 500"), unchecked.stdout)
        XCTAssertTrue(unchecked.stdout.contains("Role policy (role base-wecare-digital vs generated/iam/preview.json): holds exactly what the specs grant"),
                      unchecked.stdout)
        // A grant added to the role by hand: drift, exit 1, in every format.
        let iam = IAMClient(client: aws)
        try await iam.putRolePolicy(roleName: "base-wecare-digital", policyName: "hand-made",
                                    document: #"{"Version":"2012-10-17","Statement":[{"Sid":"Debug","Effect":"Allow","Action":"dynamodb:*","Resource":"*"}]}"#)
        for format in ["text", "json", "markdown"] {
            let run = try Self.wecare(["drift", "--branch", "feature/drift", "--root", project.root.path, "--endpoint-url", endpoint, "--format", format])
            XCTAssertEqual(run.status, 1, "\(format): " + run.stdout + run.stderr)
            XCTAssertTrue(run.stdout.contains("dynamodb:*"), "\(format): \(run.stdout)")
        }
        // A watch of a stack that is not there is refused at once, not watched.
        let missing = try Self.wecare(["drift", "--env", "preview", "--stack", "base-wecare-digital-preview-gone", "--watch", "1s",
                                       "--root", project.root.path, "--endpoint-url", endpoint])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("stack base-wecare-digital-preview-gone does not exist"), missing.stderr)
        // Another environment's stack named for preview is refused before comparing.
        let refused = try Self.wecare(["drift", "--env", "preview", "--stack", "base-wecare-digital-staging", "--root", project.root.path, "--endpoint-url", endpoint])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("stack base-wecare-digital-staging is named for staging, not for preview"), refused.stderr)
    }
}

extension MotoDriftTests {
    /// The built binary, run as CI runs it (as in CLITests), with test credentials and nothing but `arguments`.
    static func wecare(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try runWecare(arguments, today: testToday)
    }
}

final class EventBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [DriftWatch.Event] = []
    func add(_ e: DriftWatch.Event) { lock.withLock { items.append(e) } }
    var all: [DriftWatch.Event] { lock.withLock { items } }
}

extension IAMClient {
    func deleteRolePolicyForTests(roleName: String, policyName: String) async throws {
        var form = QueryParameters()
        form.set("RoleName", roleName)
        form.set("PolicyName", policyName)
        _ = try await client.query(.iam, action: "DeleteRolePolicy", parameters: form)
    }
}
