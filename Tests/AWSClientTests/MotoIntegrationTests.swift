import TestSupport
import AWSClient
import Foundation
import XCTest

/// End to end against a local moto server on 127.0.0.1; nothing leaves the machine.
final class MotoIntegrationTests: XCTestCase {
    private static let server = MotoServer()

    override class func tearDown() {
        server.stop()
        super.tearDown()
    }

    /// A client whose every service goes to moto. A start failure fails the test with moto's reason.
    private func motoClient() async throws -> AWSClient {
        let endpoint = try await Self.server.start()
        return AWSClient(configuration: AWSClientConfiguration(
            region: "us-east-1",
            endpointOverride: endpoint,
            credentialsProvider: AWSCredentials(accessKeyID: "testing", secretAccessKey: "testing"),
            retryPolicy: .none
        ))
    }

    func testSQSCreateQueueReadAttributesAndSend() async throws {
        let sqs = SQSClient(client: try await motoClient())
        let url = try await sqs.createQueue(name: "inbound-\(UUID().uuidString.prefix(8))", attributes: ["VisibilityTimeout": "45"])
        let attributes = try await sqs.getQueueAttributes(queueURL: url)
        XCTAssertEqual(attributes["VisibilityTimeout"], "45")
        XCTAssertTrue(attributes["QueueArn"]?.hasPrefix("arn:aws:sqs:us-east-1:") == true, "\(attributes)")
        let name = try XCTUnwrap(url.split(separator: "/").last)
        let found = try await sqs.getQueueURL(name: String(name))
        XCTAssertEqual(found, url)
        let messageID = try await sqs.sendMessage(queueURL: url, body: "hello")
        XCTAssertFalse(messageID.isEmpty)

        do {
            _ = try await sqs.getQueueURL(name: "does-not-exist")
            XCTFail("expected QueueDoesNotExist")
        } catch let error as AWSError {
            XCTAssertEqual(error.statusCode, 400)
            XCTAssertTrue(error.code.contains("QueueDoesNotExist") || error.code.contains("NonExistentQueue"), error.description)
        }
    }

    func testCloudFormationStackLifecycle() async throws {
        let cloudFormation = CloudFormationClient(client: try await motoClient())
        let stackName = "moto-stack-\(UUID().uuidString.prefix(8).lowercased())"
        let template = """
            {"Resources":{"Queue":{"Type":"AWS::SQS::Queue","Properties":{"QueueName":"\(stackName)-queue"}}},
             "Outputs":{"QueueUrl":{"Value":{"Ref":"Queue"}}}}
            """
        _ = try await cloudFormation.validateTemplate(templateBody: template)
        let missing = try await cloudFormation.describeStack(name: stackName)
        XCTAssertNil(missing)

        let stackID = try await cloudFormation.createStack(name: stackName, templateBody: template)
        XCTAssertTrue(stackID.contains(stackName))
        let stack = try await waitForStack(stackName, toReach: "CREATE_COMPLETE", cloudFormation)
        XCTAssertEqual(stack.outputs.first?.key, "QueueUrl")
        XCTAssertTrue(stack.outputs.first?.value.contains("\(stackName)-queue") == true, "\(stack.outputs)")

        let events = try await cloudFormation.describeStackEvents(stackName: stackName)
        XCTAssertFalse(events.isEmpty)
        // moto records stack-level events only; real CloudFormation adds one per resource.
        XCTAssertEqual(events.first?.logicalResourceID, stackName)
        XCTAssertEqual(events.first?.resourceType, "AWS::CloudFormation::Stack")
        XCTAssertEqual(events.first?.status, "CREATE_COMPLETE", "\(events)")
        XCTAssertTrue(events.contains { $0.status == "CREATE_IN_PROGRESS" }, "\(events)")
        XCTAssertEqual(events, events.sorted { $0.timestamp > $1.timestamp }, "newest first")

        try await cloudFormation.deleteStack(name: stackName)
    }

    func testCloudFormationChangeSetCreateAndExecute() async throws {
        let cloudFormation = CloudFormationClient(client: try await motoClient())
        let stackName = "moto-cs-\(UUID().uuidString.prefix(8).lowercased())"
        let template = #"{"Resources":{"Queue":{"Type":"AWS::SQS::Queue","Properties":{"QueueName":"\#(stackName)-q"}}}}"#
        let created = try await cloudFormation.createChangeSet(
            stackName: stackName, changeSetName: "cs-1", type: .create, templateBody: template,
            parameters: [], capabilities: ["CAPABILITY_IAM"])
        XCTAssertFalse(created.changeSetID.isEmpty)
        let changeSet = try await cloudFormation.describeChangeSet(stackName: stackName, changeSetName: "cs-1")
        XCTAssertEqual(changeSet.changes.first?.logicalResourceID, "Queue", "\(changeSet)")
        XCTAssertEqual(changeSet.changes.first?.action, "Add")
        try await cloudFormation.executeChangeSet(stackName: stackName, changeSetName: "cs-1")
        _ = try await waitForStack(stackName, toReach: "CREATE_COMPLETE", cloudFormation)
    }

    func testS3CreateBucketPutObjectAndFetchPresignedURL() async throws {
        let s3 = S3Client(client: try await motoClient())
        let bucket = "media-\(UUID().uuidString.prefix(8).lowercased())"
        try await s3.createBucket(name: bucket)
        try await s3.putObject(bucket: bucket, key: "inbound/hello world.txt", body: Data("hi there".utf8), contentType: "text/plain")
        let url = try await s3.presignedGetObjectURL(bucket: bucket, key: "inbound/hello world.txt", expires: 3600)
        XCTAssertEqual(url.host, "127.0.0.1")
        // The transport's plain GET, as the service fetches the Cognito JWKS.
        let response = try await AsyncHTTPClientTransport().get(url)
        XCTAssertEqual(response.statusCode, 200)
        XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "hi there")
    }

    func testSESv2SendEmailFromVerifiedIdentity() async throws {
        let ses = SESv2Client(client: try await motoClient())
        try await ses.createEmailIdentity("sender@example.com")
        let messageID = try await ses.sendEmail(
            from: "sender@example.com", to: ["recipient@example.com"], subject: "Hello", text: "Hi there", html: "<p>Hi</p>")
        XCTAssertFalse(messageID.isEmpty)
    }

    func testSNSAndIAM() async throws {
        let client = try await motoClient()
        let sns = SNSClient(client: client)
        let topic = try await sns.createTopic(name: "events")
        XCTAssertTrue(topic.hasSuffix(":events"))
        let messageID = try await sns.publish(topicARN: topic, message: "hello", subject: "s")
        XCTAssertFalse(messageID.isEmpty)

        let iam = IAMClient(client: client)
        let roleName = "app-\(UUID().uuidString.prefix(8))"
        let missing = try await iam.getRole(name: roleName)
        XCTAssertNil(missing)
        let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
        let created = try await iam.createRole(name: roleName, assumeRolePolicyDocument: policy)
        let fetched = try await iam.getRole(name: roleName)
        XCTAssertEqual(fetched?.arn, created.arn)
    }

    private func waitForStack(
        _ name: String,
        toReach status: String,
        _ cloudFormation: CloudFormationClient
    ) async throws -> CloudFormationClient.Stack {
        for _ in 0..<60 {
            if let stack = try await cloudFormation.describeStack(name: name) {
                if stack.status == status { return stack }
                if stack.status.hasSuffix("_FAILED") || stack.status.contains("ROLLBACK") {
                    XCTFail("stack \(name) ended in \(stack.status): \(stack.statusReason ?? "")")
                    return stack
                }
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        struct Timeout: Error {}
        XCTFail("stack \(name) did not reach \(status) in 15 s")
        throw Timeout()
    }
}
