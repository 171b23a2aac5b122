import AWSClient
import Foundation
import XCTest

/// Every request the AWS client builds, checked against AWS's own machine-readable models: the
/// `service-2.json` files of botocore (installed with moto by scripts/test). Each operation the client
/// calls has a sample below, a call through the public client against a recording transport; the
/// request it records is checked for the service's protocol, signing name and target prefix, the
/// operation's method, URI, target header and content type, and the input shape: member names,
/// required members, types (blobs base64, timestamps as the protocol writes them) and enums.
///
/// The operations are read from the AWSClient sources (every `operation: "…"`, `action: "…"` and
/// paged action named there), so a new operation without a sample here fails `testEveryOperationHasASample`.
final class AWSModelConformanceTests: XCTestCase {
    typealias Call = @Sendable (AWSClient) async throws -> Void

    struct Sample {
        var service: AWSService
        var operation: String
        var region = "us-east-1"
        var call: Call
    }

    static let json = Data(#"{"m":1}"#.utf8)
    static let queue = "https://sqs.us-east-1.amazonaws.com/809904170947/q"
    static let item: DynamoItem = ["pk": .s("a"), "n": .number(1), "b": .bool(true), "l": .l([.s("x"), .null]), "m": .m(["k": .n("2")])]

    static let samples: [Sample] = [
        // CloudFormation (query)
        Sample(service: .cloudFormation, operation: "CreateStack") {
            _ = try await CloudFormationClient(client: $0).createStack(name: "s", templateBody: "{}", parameters: [.init(key: "P", value: "v")],
                                                                       capabilities: ["CAPABILITY_IAM"], tags: [.init(key: "k", value: "v")])
        },
        Sample(service: .cloudFormation, operation: "CreateChangeSet") {
            _ = try await CloudFormationClient(client: $0).createChangeSet(stackName: "s", changeSetName: "c", type: .update, templateBody: "{}",
                                                                           parameters: [.init(key: "P", value: "v")], capabilities: ["CAPABILITY_IAM"],
                                                                           description: "d", tags: [.init(key: "k", value: "v")])
        },
        Sample(service: .cloudFormation, operation: "DescribeChangeSet") { _ = try await CloudFormationClient(client: $0).describeChangeSet(stackName: "s", changeSetName: "c") },
        Sample(service: .cloudFormation, operation: "ExecuteChangeSet") { try await CloudFormationClient(client: $0).executeChangeSet(stackName: "s", changeSetName: "c") },
        Sample(service: .cloudFormation, operation: "DeleteChangeSet") { try await CloudFormationClient(client: $0).deleteChangeSet(stackName: "s", changeSetName: "c") },
        Sample(service: .cloudFormation, operation: "DescribeStacks") { _ = try await CloudFormationClient(client: $0).describeStack(name: "s") },
        Sample(service: .cloudFormation, operation: "ListStackResources") { _ = try await CloudFormationClient(client: $0).listStackResources(stackName: "s") },
        Sample(service: .cloudFormation, operation: "DescribeStackEvents") { _ = try await CloudFormationClient(client: $0).describeStackEvents(stackName: "s") },
        Sample(service: .cloudFormation, operation: "DeleteStack") { try await CloudFormationClient(client: $0).deleteStack(name: "s") },
        Sample(service: .cloudFormation, operation: "ValidateTemplate") { _ = try await CloudFormationClient(client: $0).validateTemplate(templateBody: "{}") },
        Sample(service: .cloudFormation, operation: "GetTemplate") { _ = try await CloudFormationClient(client: $0).getTemplate(stackName: "s") },
        Sample(service: .cloudFormation, operation: "DetectStackDrift") { _ = try await CloudFormationClient(client: $0).detectStackDrift(stackName: "s") },
        Sample(service: .cloudFormation, operation: "DescribeStackDriftDetectionStatus") {
            _ = try await CloudFormationClient(client: $0).describeStackDriftDetectionStatus(detectionID: "d")
        },
        Sample(service: .cloudFormation, operation: "DescribeStackResourceDrifts") { _ = try await CloudFormationClient(client: $0).describeStackResourceDrifts(stackName: "s") },
        // CloudWatch Logs (JSON 1.1)
        Sample(service: .cloudWatchLogs, operation: "DescribeLogGroups") { _ = try await CloudWatchLogsClient(client: $0).describeLogGroups(prefix: "/aws") },
        Sample(service: .cloudWatchLogs, operation: "ListTagsLogGroup") { _ = try await CloudWatchLogsClient(client: $0).listTagsLogGroup(name: "/wecare/common") },
        // DynamoDB (JSON 1.0)
        Sample(service: .dynamoDB, operation: "ListTagsOfResource") {
            _ = try await DynamoDBClient(client: $0).listTagsOfResource(arn: "arn:aws:dynamodb:us-east-1:123456789012:table/t")
        },
        Sample(service: .dynamoDB, operation: "GetItem") { _ = try await DynamoDBClient(client: $0).getItem(table: "t", key: ["pk": .s("a")]) },
        Sample(service: .dynamoDB, operation: "PutItem") {
            try await DynamoDBClient(client: $0).putItem(table: "t", item: item, condition: "attribute_not_exists(#p)", values: [":v": .n("1")], names: ["#p": "pk"])
        },
        Sample(service: .dynamoDB, operation: "UpdateItem") {
            try await DynamoDBClient(client: $0).updateItem(table: "t", key: ["pk": .s("a")], set: "SET n = :v", condition: "n < :v", values: [":v": .n("1")])
        },
        Sample(service: .dynamoDB, operation: "DeleteItem") { try await DynamoDBClient(client: $0).deleteItem(table: "t", key: ["pk": .s("a")]) },
        Sample(service: .dynamoDB, operation: "Query") {
            _ = try await DynamoDBClient(client: $0).query(table: "t", index: "i", keyCondition: "pk = :v", values: [":v": .s("a")], names: ["#n": "n"], filter: "#n > :v")
        },
        Sample(service: .dynamoDB, operation: "Scan") { _ = try await DynamoDBClient(client: $0).scan(table: "t", filter: "n > :v", values: [":v": .n("1")]) },
        Sample(service: .dynamoDB, operation: "BatchWriteItem") {
            try await DynamoDBClient(client: $0).batchWrite(table: "t", puts: [item], deleteKeys: [["pk": .s("b")]])
        },
        Sample(service: .dynamoDB, operation: "TransactWriteItems") {
            try await DynamoDBClient(client: $0).transactWriteItems([
                .put(table: "t", item: item, condition: "attribute_not_exists(pk)"),
                .update(table: "t", key: ["pk": .s("b")], set: "SET n = :v", condition: "#n < :v", values: [":v": .n("1")], names: ["#n": "n"]),
                .delete(table: "t", key: ["pk": .s("c")]),
            ])
        },
        Sample(service: .dynamoDB, operation: "DescribeTable") { _ = try await DynamoDBClient(client: $0).describeTable(name: "t") },
        Sample(service: .dynamoDB, operation: "DescribeTimeToLive") { _ = try await DynamoDBClient(client: $0).describeTimeToLive(tableName: "t") },
        // IAM (query)
        Sample(service: .iam, operation: "CreateRole") {
            _ = try await IAMClient(client: $0).createRole(name: "r", assumeRolePolicyDocument: "{}", path: "/p/", description: "d")
        },
        Sample(service: .iam, operation: "GetRole") { _ = try await IAMClient(client: $0).getRole(name: "r") },
        Sample(service: .iam, operation: "ListRolePolicies") { _ = try await IAMClient(client: $0).listRolePolicies(roleName: "r") },
        Sample(service: .iam, operation: "GetRolePolicy") { _ = try await IAMClient(client: $0).getRolePolicy(roleName: "r", policyName: "p") },
        Sample(service: .iam, operation: "PutRolePolicy") { try await IAMClient(client: $0).putRolePolicy(roleName: "r", policyName: "p", document: "{}") },
        Sample(service: .iam, operation: "ListAttachedRolePolicies") { _ = try await IAMClient(client: $0).listAttachedRolePolicies(roleName: "r") },
        Sample(service: .iam, operation: "GetPolicy") { _ = try await IAMClient(client: $0).getPolicy(arn: "arn:aws:iam::809904170947:policy/p") },
        Sample(service: .iam, operation: "GetPolicyVersion") {
            _ = try await IAMClient(client: $0).getPolicyVersion(arn: "arn:aws:iam::809904170947:policy/p", versionID: "v1")
        },
        Sample(service: .iam, operation: "CreatePolicy") { _ = try await IAMClient(client: $0).createPolicy(name: "p", document: "{}") },
        Sample(service: .iam, operation: "AttachRolePolicy") {
            try await IAMClient(client: $0).attachRolePolicy(roleName: "r", policyARN: "arn:aws:iam::809904170947:policy/p")
        },
        // Bedrock Agent Runtime (REST-JSON, signed for `bedrock`)
        Sample(service: .bedrockAgentRuntime, operation: "Retrieve") {
            _ = try await BedrockAgentRuntimeClient(client: $0).retrieve(knowledgeBaseID: "FZBPKGTOYE", text: "q", numberOfResults: 3)
        },
        Sample(service: .bedrockAgentRuntime, operation: "InvokeAgent") {
            _ = try await BedrockAgentRuntimeClient(client: $0).invokeAgent(agentID: "HQNT0JXN8G", agentAliasID: "TSTALIASID", sessionID: "s-1", inputText: "q")
        },
        // Lambda (REST-JSON, the payload is the body)
        Sample(service: .lambda, operation: "Invoke") {
            _ = try await LambdaClient(client: $0).invoke(functionName: "f", payload: json, invocationType: .event, qualifier: "live")
        },
        // S3 (REST-XML): outside us-east-1 so that CreateBucket carries its configuration.
        Sample(service: .s3, operation: "CreateBucket", region: "eu-west-1") { try await S3Client(client: $0).createBucket(name: "bucket") },
        Sample(service: .s3, operation: "PutObject") { try await S3Client(client: $0).putObject(bucket: "bucket", key: "a/b c.txt", body: json, contentType: "text/plain") },
        // SESv2 (REST-JSON)
        Sample(service: .sesV2, operation: "SendEmail") {
            _ = try await SESv2Client(client: $0).sendEmail(from: "a@example.com", to: ["b@example.com"], subject: "s", text: "t", html: "<p>h</p>",
                                                            configurationSetName: "c")
        },
        Sample(service: .sesV2, operation: "CreateEmailIdentity") { try await SESv2Client(client: $0).createEmailIdentity("a@example.com") },
        // End User Messaging SMS (JSON 1.0)
        Sample(service: .smsVoiceV2, operation: "SendTextMessage") {
            _ = try await SMSVoiceV2Client(client: $0).sendTextMessage(destinationPhoneNumber: "+15555550100", originationIdentity: "pool", messageBody: "b",
                                                                       messageType: .transactional, configurationSetName: "c", context: ["k": "v"])
        },
        // SNS (query)
        Sample(service: .sns, operation: "CreateTopic") { _ = try await SNSClient(client: $0).createTopic(name: "t", attributes: ["DisplayName": "d"]) },
        Sample(service: .sns, operation: "Publish") {
            _ = try await SNSClient(client: $0).publish(topicARN: "arn:aws:sns:us-east-1:809904170947:t", message: "m", subject: "s")
        },
        // SQS (JSON 1.0, query-compatible)
        Sample(service: .sqs, operation: "ListQueueTags") { _ = try await SQSClient(client: $0).listQueueTags(queueURL: "https://sqs.us-east-1.amazonaws.com/123456789012/q") },
        Sample(service: .sqs, operation: "GetQueueUrl") { _ = try await SQSClient(client: $0).getQueueURL(name: "q") },
        Sample(service: .sqs, operation: "GetQueueAttributes") { _ = try await SQSClient(client: $0).getQueueAttributes(queueURL: queue) },
        Sample(service: .sqs, operation: "CreateQueue") { _ = try await SQSClient(client: $0).createQueue(name: "q", attributes: ["VisibilityTimeout": "30"]) },
        Sample(service: .sqs, operation: "SendMessage") {
            _ = try await SQSClient(client: $0).sendMessage(queueURL: queue, body: "b", delaySeconds: 1, messageGroupID: "g", deduplicationID: "d")
        },
        Sample(service: .sqs, operation: "SendMessageBatch") { _ = try await SQSClient(client: $0).sendMessageBatch(queueURL: queue, bodies: ["a", "b"]) },
        Sample(service: .sqs, operation: "ReceiveMessage") {
            _ = try await SQSClient(client: $0).receiveMessages(queueURL: queue, max: 10, visibilityTimeout: 30, waitSeconds: 1)
        },
        Sample(service: .sqs, operation: "DeleteMessage") { try await SQSClient(client: $0).deleteMessage(queueURL: queue, receiptHandle: "r") },
        Sample(service: .sqs, operation: "ChangeMessageVisibility") {
            try await SQSClient(client: $0).changeMessageVisibility(queueURL: queue, receiptHandle: "r", seconds: 30)
        },
        // SSO portal and SSO OIDC (REST-JSON, unsigned)
        Sample(service: .sso, operation: "GetRoleCredentials") {
            _ = try await SSOClient(client: $0).getRoleCredentials(accessToken: "t", accountID: "809904170947", roleName: "r")
        },
        Sample(service: .ssoOIDC, operation: "CreateToken") { _ = try await SSOOIDCClient(client: $0).createToken(clientID: "c", clientSecret: "s", refreshToken: "r") },
        // STS (query)
        Sample(service: .sts, operation: "AssumeRole") {
            _ = try await STSClient(client: $0).assumeRole(roleARN: "arn:aws:iam::809904170947:role/r", sessionName: "s", externalID: "e", durationSeconds: 900)
        },
        Sample(service: .sts, operation: "AssumeRoleWithWebIdentity") {
            _ = try await STSClient(client: $0).assumeRoleWithWebIdentity(roleARN: "arn:aws:iam::809904170947:role/r", sessionName: "s",
                                                                          webIdentityToken: "t", durationSeconds: 900)
        },
        // End User Messaging Social (REST-JSON)
        Sample(service: .socialMessaging, operation: "SendWhatsAppMessage") {
            _ = try await SocialMessagingClient(client: $0).sendWhatsAppMessage(originationPhoneNumberID: "phone-number-id-a", message: json)
        },
        Sample(service: .socialMessaging, operation: "PostWhatsAppMessageMedia") {
            _ = try await SocialMessagingClient(client: $0).postWhatsAppMessageMedia(originationPhoneNumberID: "phone-number-id-a",
                                                                                     sourceS3File: .init(bucketName: "b", key: "k"))
        },
        Sample(service: .socialMessaging, operation: "GetWhatsAppMessageMedia") {
            _ = try await SocialMessagingClient(client: $0).getWhatsAppMessageMedia(mediaID: "m", originationPhoneNumberID: "phone-number-id-a",
                                                                                    destinationS3File: .init(bucketName: "b", key: "in/"), metadataOnly: false)
        },
    ]

    /// The botocore model directory of each service the client reaches.
    static let modelNames: [String: String] = [
        "CloudFormation": "cloudformation", "CloudWatch Logs": "logs", "DynamoDB": "dynamodb", "IAM": "iam", "Lambda": "lambda", "S3": "s3",
        "SESv2": "sesv2", "Pinpoint SMS Voice V2": "pinpoint-sms-voice-v2", "SNS": "sns", "SQS": "sqs", "SSO": "sso", "SSO OIDC": "sso-oidc",
        "STS": "sts", "SocialMessaging": "socialmessaging", "Bedrock Agent Runtime": "bedrock-agent-runtime",
    ]

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every operation name the AWSClient sources send.
    static func operationsInSources() throws -> Set<String> {
        let folder = packageRoot.appendingPathComponent("Sources/AWSClient")
        var names: Set<String> = []
        let pattern = try NSRegularExpression(pattern: #"(?:operation: |action: |pages\()"([A-Z][A-Za-z0-9]+)""#)
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".swift") {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                names.insert(String(text[Range(match.range(at: 1), in: text)!]))
            }
        }
        return names
    }

    func testEveryOperationHasASample() throws {
        let sent = try Self.operationsInSources()
        let sampled = Set(Self.samples.map(\.operation))
        XCTAssertGreaterThan(sent.count, 50, "the scan of Sources/AWSClient finds the operations")
        XCTAssertEqual(sent.subtracting(sampled).sorted(), [], "operations the client sends with no sample in AWSModelConformanceTests.samples")
        XCTAssertEqual(sampled.subtracting(sent).sorted(), [], "samples of operations the client no longer sends")
    }

    func testEveryRequestAgreesWithAWSModels() async throws {
        let models = try BotocoreModels.load(Array(Set(Self.modelNames.values)).sorted())
        var problems: [String] = []
        for sample in Self.samples {
            let transport = RecordingTransport()
            let client = TestClients.client(transport: transport, region: sample.region)
            _ = try? await sample.call(client)
            guard let request = transport.requests.first else {
                problems.append("\(sample.operation): no request recorded")
                continue
            }
            guard let model = Self.modelNames[sample.service.serviceID].flatMap({ models[$0] }) else {
                problems.append("\(sample.service.serviceID): no botocore model named for it")
                continue
            }
            problems += ModelConformance(model: model, service: sample.service, region: sample.region)
                .problems(request, operation: sample.operation).map { "\(sample.service.name) \(sample.operation): \($0)" }
        }
        XCTAssertEqual(problems, [], problems.joined(separator: "\n"))
    }

    /// S3 links are presigned, not sent: the link's request is GetObject's, signed in its query for S3.
    func testThePresignedGetObjectLinkAgreesWithAWSModels() async throws {
        let models = try BotocoreModels.load(["s3"])
        let url = try await S3Client(client: TestClients.client(transport: RecordingTransport())).presignedGetObjectURL(bucket: "bucket", key: "in/a b.jpg")
        var request = try XCTUnwrap(AWSHTTPRequest(method: "GET", url: url))
        let signing = request.query.filter { $0.name.hasPrefix("X-Amz-") }
        request.query.removeAll { $0.name.hasPrefix("X-Amz-") }
        XCTAssertEqual(ModelConformance(model: models["s3"]!, service: .s3, region: "us-east-1").problems(request, operation: "GetObject", checkingSignature: false), [])
        XCTAssertEqual(signing.first { $0.name == "X-Amz-Credential" }?.value.hasSuffix("/us-east-1/s3/aws4_request"), true)
    }

    /// The checker itself: requests that disagree with the model are caught.
    func testTheCheckerFindsDisagreements() throws {
        let models = try BotocoreModels.load(["dynamodb", "s3", "sesv2", "sqs", "sts"])
        let dynamo = ModelConformance(model: models["dynamodb"]!, service: .dynamoDB, region: "us-east-1")
        var request = AWSJSONProtocol.request(service: .dynamoDB, operation: "GetItem", body: Data(#"{"TableName":"t","Key":{"pk":{"S":"a"}},"Consistent":true}"#.utf8))
        XCTAssertEqual(dynamo.problems(request, operation: "GetItem", checkingSignature: false), ["GetItemInput: unknown member Consistent"])
        request.body = Data(#"{"Key":{"pk":{"S":"a"}},"ConsistentRead":"yes"}"#.utf8)
        XCTAssertEqual(dynamo.problems(request, operation: "GetItem", checkingSignature: false).sorted(),
                       ["GetItemInput.ConsistentRead: expected a boolean", "GetItemInput: required member TableName missing"])
        request = AWSJSONProtocol.request(service: .dynamoDB, operation: "GetItems", body: Data("{}".utf8))
        XCTAssertEqual(dynamo.problems(request, operation: "GetItems", checkingSignature: false), ["no operation GetItems in the model"])
        request = AWSJSONProtocol.request(service: .dynamoDB, operation: "Query", body: Data(#"{"TableName":"t","Select":"EVERYTHING","Limit":1.5}"#.utf8))
        XCTAssertEqual(dynamo.problems(request, operation: "Query", checkingSignature: false).sorted(),
                       ["QueryInput.Limit: expected an integer", "QueryInput.Select: \"EVERYTHING\" is not one of ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES, SPECIFIC_ATTRIBUTES, COUNT"])
        var renamed = AWSService.dynamoDB
        renamed.signingName = "dynamo"
        request = AWSJSONProtocol.request(service: .dynamoDB, operation: "DeleteItem", body: Data(#"{"TableName":"t","Key":{}}"#.utf8))
        XCTAssertEqual(ModelConformance(model: models["dynamodb"]!, service: renamed, region: "us-east-1").problems(request, operation: "DeleteItem", checkingSignature: false),
                       ["signing name dynamo, the model's dynamodb"])
        let sqs = ModelConformance(model: models["sqs"]!, service: .sqs, region: "us-east-1")
        request = AWSJSONProtocol.request(service: .sqs, operation: "SendMessage", body: Data(#"{"QueueUrl":"q","MessageBody":"b"}"#.utf8))
        request.headers["X-Amz-Target"] = "SQS.SendMessage"
        request.headers["Content-Type"] = "application/json"
        XCTAssertEqual(sqs.problems(request, operation: "SendMessage", checkingSignature: false),
                       ["X-Amz-Target SQS.SendMessage, the model's AmazonSQS.SendMessage", "Content-Type application/json, the model's application/x-amz-json-1.0"])
        let sts = ModelConformance(model: models["sts"]!, service: .sts, region: "us-east-1")
        let ses = ModelConformance(model: models["sesv2"]!, service: .sesV2, region: "us-east-1")
        request = RESTJSONProtocol.request(method: "PUT", path: "/v2/email/identity", body: Data(#"{"EmailIdentity":"a@example.com","Tags":[{"Key":"k"}]}"#.utf8))
        XCTAssertEqual(ses.problems(request, operation: "CreateEmailIdentity", checkingSignature: false),
                       ["method PUT, the model's POST", "path /v2/email/identity is not /v2/email/identities", "CreateEmailIdentityRequest.Tags[0]: required member Value missing"])
        let s3 = ModelConformance(model: models["s3"]!, service: .s3, region: "eu-west-1")
        request = AWSHTTPRequest(method: "PUT", host: "s3.eu-west-1.amazonaws.com", path: "/bucket", body: Data("<BucketConfiguration><Location>eu-west-1</Location></BucketConfiguration>".utf8))
        XCTAssertEqual(s3.problems(request, operation: "CreateBucket", checkingSignature: false),
                       ["CreateBucketRequest.CreateBucketConfiguration: the body's root element is not CreateBucketConfiguration",
                        "CreateBucketRequest.CreateBucketConfiguration: unknown element BucketConfiguration"])
        request = AWSQueryProtocol.request(action: "AssumeRole", version: "2011-06-15", parameters: {
            var form = QueryParameters()
            form.set("RoleArn", "arn")
            form.set("RoleSessionName", "s")
            form.set("DurationSeconds", "soon")
            form.set("Tags.member.1.Key", "k")
            form.set("Tags.member.1.Colour", "v")
            return form
        }())
        XCTAssertEqual(sts.problems(request, operation: "AssumeRole").sorted(),
                       ["AssumeRoleRequest.DurationSeconds: expected an integer, got soon", "AssumeRoleRequest.Tags.member.1: unknown member Colour",
                        "AssumeRoleRequest.Tags.member.1: required member Value missing", "unsigned, but the model requires a signature"].sorted())
    }
}
