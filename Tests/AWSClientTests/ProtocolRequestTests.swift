import AWSClient
import Foundation
import XCTest

/// The exact requests each protocol puts on the wire, captured by a recording transport.
final class ProtocolRequestTests: XCTestCase {
    // MARK: AWS JSON

    func testSQSSendMessageIsAWSJSON10WithQueryMode() async throws {
        let transport = RecordingTransport(json: #"{"MessageId":"m-1","MD5OfMessageBody":"5d41402abc4b2a76b9719d911017c592"}"#)
        let sqs = SQSClient(client: TestClients.client(transport: transport))
        let id = try await sqs.sendMessage(queueURL: "https://sqs.us-east-1.amazonaws.com/123456789012/inbound", body: "hello")
        XCTAssertEqual(id, "m-1")
        let request = try XCTUnwrap(transport.lastRequest)
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.url?.absoluteString, "https://sqs.us-east-1.amazonaws.com/")
        XCTAssertEqual(request.headers["X-Amz-Target"], "AmazonSQS.SendMessage")
        XCTAssertEqual(request.headers["Content-Type"], "application/x-amz-json-1.0")
        XCTAssertEqual(request.headers["x-amzn-query-mode"], "true")
        XCTAssertEqual(request.headers["X-Amz-Date"], "20250108T233043Z")
        XCTAssertEqual(
            request.bodyText,
            #"{"MessageBody":"hello","QueueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/inbound"}"#)
        let authorization = try XCTUnwrap(request.headers["Authorization"])
        XCTAssertTrue(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250108/us-east-1/sqs/aws4_request, "))
        XCTAssertTrue(authorization.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-target;x-amzn-query-mode,"))
    }

    func testSQSGetQueueAttributesAsksForAll() async throws {
        let transport = RecordingTransport(json: #"{"Attributes":{"QueueArn":"arn:aws:sqs:us-east-1:123456789012:q","VisibilityTimeout":"30"}}"#)
        let sqs = SQSClient(client: TestClients.client(transport: transport))
        let attributes = try await sqs.getQueueAttributes(queueURL: "https://sqs.us-east-1.amazonaws.com/123456789012/q")
        XCTAssertEqual(attributes["VisibilityTimeout"], "30")
        XCTAssertEqual(transport.lastRequest?.jsonBody["AttributeNames"] as? [String], ["All"])
        XCTAssertEqual(transport.lastRequest?.headers["X-Amz-Target"], "AmazonSQS.GetQueueAttributes")
    }

    func testCloudWatchLogsIsAWSJSON11() async throws {
        let transport = RecordingTransport(json: #"{"logGroups":[{"logGroupName":"/app/api","retentionInDays":14,"arn":"arn:x"},{"logGroupName":"/app/worker"}]}"#)
        let logs = CloudWatchLogsClient(client: TestClients.client(transport: transport))
        let groups = try await logs.describeLogGroups(prefix: "/app/")
        XCTAssertEqual(groups, [
            .init(name: "/app/api", retentionInDays: 14, arn: "arn:x"),
            .init(name: "/app/worker"),
        ])
        let request = try XCTUnwrap(transport.lastRequest)
        XCTAssertEqual(request.headers["Content-Type"], "application/x-amz-json-1.1")
        XCTAssertEqual(request.headers["X-Amz-Target"], "Logs_20140328.DescribeLogGroups")
        XCTAssertEqual(request.host, "logs.us-east-1.amazonaws.com")
        XCTAssertEqual(request.bodyText, #"{"logGroupNamePrefix":"/app/"}"#)
    }

    func testDynamoDBDescribeTableParsesSchema() async throws {
        let transport = RecordingTransport(json: """
            {"Table":{"TableName":"Messages","TableStatus":"ACTIVE",
            "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],
            "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"S"},{"AttributeName":"gsi1pk","AttributeType":"S"}],
            "GlobalSecondaryIndexes":[{"IndexName":"gsi1","KeySchema":[{"AttributeName":"gsi1pk","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"},"IndexStatus":"ACTIVE"}],
            "BillingModeSummary":{"BillingMode":"PAY_PER_REQUEST"},"ItemCount":0}}
            """)
        let dynamo = DynamoDBClient(client: TestClients.client(transport: transport, region: "eu-west-1"))
        let table = try await dynamo.describeTable(name: "Messages")
        XCTAssertEqual(table.keySchema, [.init(attributeName: "pk", keyType: "HASH"), .init(attributeName: "sk", keyType: "RANGE")])
        XCTAssertEqual(table.attributeDefinitions.count, 3)
        XCTAssertEqual(table.globalSecondaryIndexes, [
            .init(indexName: "gsi1", keySchema: [.init(attributeName: "gsi1pk", keyType: "HASH")], projectionType: "ALL"),
        ])
        XCTAssertEqual(table.billingMode, "PAY_PER_REQUEST")
        let request = try XCTUnwrap(transport.lastRequest)
        XCTAssertEqual(request.headers["X-Amz-Target"], "DynamoDB_20120810.DescribeTable")
        XCTAssertEqual(request.host, "dynamodb.eu-west-1.amazonaws.com")
        XCTAssertEqual(request.bodyText, #"{"TableName":"Messages"}"#)
        XCTAssertTrue(request.headers["Authorization"]?.contains("/eu-west-1/dynamodb/aws4_request") == true)
    }

    func testDynamoDBDescribeTimeToLive() async throws {
        let transport = RecordingTransport(json: #"{"TimeToLiveDescription":{"TimeToLiveStatus":"ENABLED","AttributeName":"expiresAt"}}"#)
        let dynamo = DynamoDBClient(client: TestClients.client(transport: transport))
        let ttl = try await dynamo.describeTimeToLive(tableName: "Messages")
        XCTAssertEqual(ttl, .init(status: "ENABLED", attributeName: "expiresAt"))
        XCTAssertEqual(transport.lastRequest?.headers["X-Amz-Target"], "DynamoDB_20120810.DescribeTimeToLive")
    }

    func testSMSVoiceV2SendTextMessage() async throws {
        let transport = RecordingTransport(json: #"{"MessageId":"sms-1"}"#)
        let sms = SMSVoiceV2Client(client: TestClients.client(transport: transport))
        let id = try await sms.sendTextMessage(
            destinationPhoneNumber: "+14255550150", originationIdentity: "pool-1234567890abcdef0123456789abcdef",
            messageBody: "Your code is 123456")
        XCTAssertEqual(id, "sms-1")
        let request = try XCTUnwrap(transport.lastRequest)
        XCTAssertEqual(request.host, "sms-voice.us-east-1.amazonaws.com")
        XCTAssertEqual(request.headers["X-Amz-Target"], "PinpointSMSVoiceV2.SendTextMessage")
        XCTAssertEqual(request.headers["Content-Type"], "application/x-amz-json-1.0")
        XCTAssertEqual(
            request.bodyText,
            #"{"DestinationPhoneNumber":"+14255550150","MessageBody":"Your code is 123456","MessageType":"TRANSACTIONAL","OriginationIdentity":"pool-1234567890abcdef0123456789abcdef"}"#)
        XCTAssertTrue(request.headers["Authorization"]?.contains("/us-east-1/sms-voice/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target,") == true)
    }

    // MARK: REST-JSON

    func testSocialMessagingSendWhatsAppMessageBase64sTheMessage() async throws {
        let transport = RecordingTransport(json: #"{"messageId":"4bee7d29-70f5-4a49-b84e-facf4424fe58"}"#)
        let social = SocialMessagingClient(client: TestClients.client(transport: transport))
        let message = #"{"messaging_product":"whatsapp","recipient_type":"individual","to":"14255550150","type":"text","text":{"preview_url":false,"body":"Hello from AWS"}}"#
        let id = try await social.sendWhatsAppMessage(
            originationPhoneNumberID: "phone-number-id-976c72a700aac43eaf573ae050example",
            message: Data(message.utf8), metaAPIVersion: "v20.0")
        XCTAssertEqual(id, "4bee7d29-70f5-4a49-b84e-facf4424fe58")
        let request = try XCTUnwrap(transport.lastRequest)
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.url?.absoluteString, "https://social-messaging.us-east-1.amazonaws.com/v1/whatsapp/send")
        XCTAssertEqual(request.headers["Content-Type"], "application/json")
        XCTAssertNil(request.headers["X-Amz-Target"])
        // The same base64 text as the botocore sample in the reference file (section 1.3).
        XCTAssertEqual(
            request.jsonBody["message"] as? String,
            "eyJtZXNzYWdpbmdfcHJvZHVjdCI6IndoYXRzYXBwIiwicmVjaXBpZW50X3R5cGUiOiJpbmRpdmlkdWFsIiwidG8iOiIxNDI1NTU1MDE1MCIsInR5cGUiOiJ0ZXh0IiwidGV4dCI6eyJwcmV2aWV3X3VybCI6ZmFsc2UsImJvZHkiOiJIZWxsbyBmcm9tIEFXUyJ9fQ==")
        XCTAssertEqual(request.jsonBody["originationPhoneNumberId"] as? String, "phone-number-id-976c72a700aac43eaf573ae050example")
        XCTAssertEqual(request.jsonBody["metaApiVersion"] as? String, "v20.0")
        XCTAssertTrue(request.headers["Authorization"]?.contains(
            "Credential=AKIDEXAMPLE/20250108/us-east-1/social-messaging/aws4_request, SignedHeaders=content-type;host;x-amz-date,") == true)
    }

    func testSocialMessagingMediaOperations() async throws {
        let transport = RecordingTransport([
            .response(AWSHTTPResponse(statusCode: 200, body: Data(#"{"mediaId":"530339869524171"}"#.utf8))),
            .response(AWSHTTPResponse(statusCode: 200, body: Data(#"{"mimeType":"image/jpeg","fileSize":123}"#.utf8))),
        ])
        let social = SocialMessagingClient(client: TestClients.client(transport: transport))
        let phone = "phone-number-id-976c72a700aac43eaf573ae050example"
        let mediaID = try await social.postWhatsAppMessageMedia(
            originationPhoneNumberID: phone, sourceS3File: .init(bucketName: "amzn-s3-demo-bucket", key: "media/photo.jpg"))
        XCTAssertEqual(mediaID, "530339869524171")
        let info = try await social.getWhatsAppMessageMedia(
            mediaID: mediaID, originationPhoneNumberID: phone,
            destinationS3File: .init(bucketName: "amzn-s3-demo-bucket", key: "inbound/530339869524171"), metadataOnly: false)
        XCTAssertEqual(info, .init(mimeType: "image/jpeg", fileSize: 123))
        let requests = transport.requests
        XCTAssertEqual(requests.map(\.path), ["/v1/whatsapp/media", "/v1/whatsapp/media/get"])
        XCTAssertEqual(
            requests[0].bodyText,
            #"{"originationPhoneNumberId":"phone-number-id-976c72a700aac43eaf573ae050example","sourceS3File":{"bucketName":"amzn-s3-demo-bucket","key":"media/photo.jpg"}}"#)
        XCTAssertEqual(
            requests[1].bodyText,
            #"{"destinationS3File":{"bucketName":"amzn-s3-demo-bucket","key":"inbound/530339869524171"},"mediaId":"530339869524171","metadataOnly":false,"originationPhoneNumberId":"phone-number-id-976c72a700aac43eaf573ae050example"}"#)
    }

    func testSESv2SendEmail() async throws {
        let transport = RecordingTransport(json: #"{"MessageId":"ses-1"}"#)
        let ses = SESv2Client(client: TestClients.client(transport: transport))
        let id = try await ses.sendEmail(
            from: "sender@example.com", to: ["recipient@example.com"], subject: "Hello", text: "Hi there",
            html: "<p>Hi there</p>")
        XCTAssertEqual(id, "ses-1")
        let request = try XCTUnwrap(transport.lastRequest)
        XCTAssertEqual(request.url?.absoluteString, "https://email.us-east-1.amazonaws.com/v2/email/outbound-emails")
        XCTAssertEqual(
            request.bodyText,
            #"{"Content":{"Simple":{"Body":{"Html":{"Charset":"UTF-8","Data":"<p>Hi there</p>"},"Text":{"Charset":"UTF-8","Data":"Hi there"}},"Subject":{"Charset":"UTF-8","Data":"Hello"}}},"Destination":{"ToAddresses":["recipient@example.com"]},"FromEmailAddress":"sender@example.com"}"#)
        XCTAssertTrue(request.headers["Authorization"]?.contains("/us-east-1/ses/aws4_request,") == true)
    }

    // MARK: Query / XML

    func testCloudFormationCreateChangeSetIsFormEncodedWithMemberLists() async throws {
        let transport = RecordingTransport([], fallback: AWSHTTPResponse(statusCode: 200, body: Data("""
            <CreateChangeSetResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
              <CreateChangeSetResult>
                <Id>arn:aws:cloudformation:us-east-1:123456789012:changeSet/cs-1/abc</Id>
                <StackId>arn:aws:cloudformation:us-east-1:123456789012:stack/messaging-stack/def</StackId>
              </CreateChangeSetResult>
              <ResponseMetadata><RequestId>b9b4b068-3a41-11e5-94eb-example</RequestId></ResponseMetadata>
            </CreateChangeSetResponse>
            """.utf8)))
        let cloudFormation = CloudFormationClient(client: TestClients.client(transport: transport))
        let created = try await cloudFormation.createChangeSet(
            stackName: "messaging-stack", changeSetName: "cs-1", type: .update, templateBody: "Resources: {}",
            parameters: [.init(key: "Env", value: "prod")], capabilities: ["CAPABILITY_IAM"])
        XCTAssertEqual(created.changeSetID, "arn:aws:cloudformation:us-east-1:123456789012:changeSet/cs-1/abc")
        XCTAssertEqual(created.stackID, "arn:aws:cloudformation:us-east-1:123456789012:stack/messaging-stack/def")
        let request = try XCTUnwrap(transport.lastRequest)
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.url?.absoluteString, "https://cloudformation.us-east-1.amazonaws.com/")
        XCTAssertEqual(request.headers["Content-Type"], "application/x-www-form-urlencoded; charset=utf-8")
        XCTAssertEqual(
            request.bodyText,
            "Action=CreateChangeSet&Version=2010-05-15&StackName=messaging-stack&ChangeSetName=cs-1"
                + "&ChangeSetType=UPDATE&TemplateBody=Resources%3A%20%7B%7D"
                + "&Capabilities.member.1=CAPABILITY_IAM"
                + "&Parameters.member.1.ParameterKey=Env&Parameters.member.1.ParameterValue=prod")
        XCTAssertTrue(request.headers["Authorization"]?.contains(
            "/us-east-1/cloudformation/aws4_request, SignedHeaders=content-type;host;x-amz-date,") == true)
    }

    func testIAMIsGlobalAndSignedForUSEast1() async throws {
        let transport = RecordingTransport([], fallback: AWSHTTPResponse(statusCode: 200, body: Data("""
            <GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetRoleResult><Role>
            <Path>/</Path><RoleName>app</RoleName><RoleId>AROAEXAMPLE</RoleId><Arn>arn:aws:iam::123456789012:role/app</Arn>
            </Role></GetRoleResult></GetRoleResponse>
            """.utf8)))
        let iam = IAMClient(client: TestClients.client(transport: transport, region: "eu-west-1"))
        let role = try await iam.getRole(name: "app")
        XCTAssertEqual(role, .init(name: "app", roleID: "AROAEXAMPLE", arn: "arn:aws:iam::123456789012:role/app"))
        let request = try XCTUnwrap(transport.lastRequest)
        XCTAssertEqual(request.host, "iam.amazonaws.com")
        XCTAssertEqual(request.bodyText, "Action=GetRole&Version=2010-05-08&RoleName=app")
        XCTAssertTrue(request.headers["Authorization"]?.contains("/20250108/us-east-1/iam/aws4_request") == true)
    }

    func testSNSCreateTopicAndPublish() async throws {
        let transport = RecordingTransport([
            .response(AWSHTTPResponse(statusCode: 200, body: Data(
                "<CreateTopicResponse><CreateTopicResult><TopicArn>arn:aws:sns:us-east-1:123456789012:events</TopicArn></CreateTopicResult></CreateTopicResponse>".utf8))),
            .response(AWSHTTPResponse(statusCode: 200, body: Data(
                "<PublishResponse><PublishResult><MessageId>msg-1</MessageId></PublishResult></PublishResponse>".utf8))),
        ])
        let sns = SNSClient(client: TestClients.client(transport: transport))
        let arn = try await sns.createTopic(name: "events")
        let id = try await sns.publish(topicARN: arn, message: "hello world", subject: "Hi")
        XCTAssertEqual(id, "msg-1")
        XCTAssertEqual(transport.requests.map(\.bodyText), [
            "Action=CreateTopic&Version=2010-03-31&Name=events",
            "Action=Publish&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3Aevents&Message=hello%20world&Subject=Hi",
        ])
    }

    // MARK: S3 and endpoint override

    func testEndpointOverrideSendsEveryServiceToOneURLButKeepsSigningNames() async throws {
        let transport = RecordingTransport(json: #"{"MessageId":"ses-1"}"#)
        let client = TestClients.client(transport: transport, region: "eu-central-1", endpointOverride: URL(string: "http://127.0.0.1:5123")!)
        _ = try await SESv2Client(client: client).sendEmail(from: "a@example.com", to: ["b@example.com"], subject: "s", text: "t")
        let request = try XCTUnwrap(transport.lastRequest)
        XCTAssertEqual(request.url?.absoluteString, "http://127.0.0.1:5123/v2/email/outbound-emails")
        XCTAssertTrue(request.headers["Authorization"]?.contains("/eu-central-1/ses/aws4_request") == true)
    }

    func testS3PutObjectIsPathStyleWithOverrideAndSignsPayloadHash() async throws {
        let transport = RecordingTransport([], fallback: AWSHTTPResponse(statusCode: 200, headers: ["ETag": "\"abc\""]))
        let s3 = S3Client(client: TestClients.client(transport: transport, endpointOverride: URL(string: "http://127.0.0.1:5123")!))
        let etag = try await s3.putObject(bucket: "media", key: "inbound/a b.txt", body: Data("hi".utf8), contentType: "text/plain")
        XCTAssertEqual(etag, "\"abc\"")
        let request = try XCTUnwrap(transport.lastRequest)
        XCTAssertEqual(request.method, "PUT")
        XCTAssertEqual(request.url?.absoluteString, "http://127.0.0.1:5123/media/inbound/a%20b.txt")
        XCTAssertEqual(request.headers["x-amz-content-sha256"], "8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4")
        XCTAssertTrue(request.headers["Authorization"]?.contains(
            "/us-east-1/s3/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date,") == true)
    }

    func testS3IsVirtualHostedWithoutOverride() async throws {
        let transport = RecordingTransport([], fallback: AWSHTTPResponse(statusCode: 200))
        let s3 = S3Client(client: TestClients.client(transport: transport, region: "eu-west-1"))
        try await s3.createBucket(name: "media")
        let request = try XCTUnwrap(transport.lastRequest)
        XCTAssertEqual(request.url?.absoluteString, "https://media.s3.eu-west-1.amazonaws.com/")
        XCTAssertEqual(
            request.bodyText,
            #"<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>"#)
    }

    func testS3PresignedGetObjectURL() async throws {
        let s3 = S3Client(client: TestClients.client(transport: RecordingTransport()))
        let url = try await s3.presignedGetObjectURL(bucket: "media", key: "inbound/photo.jpg", expires: 3600)
        let components = try XCTUnwrap(URLComponents(url: url, resolvingAgainstBaseURL: false))
        XCTAssertEqual(components.host, "media.s3.us-east-1.amazonaws.com")
        XCTAssertEqual(components.path, "/inbound/photo.jpg")
        let query = Dictionary(uniqueKeysWithValues: (components.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        XCTAssertEqual(query["X-Amz-Expires"], "3600")
        XCTAssertEqual(query["X-Amz-Date"], "20250108T233043Z")
        XCTAssertEqual(query["X-Amz-SignedHeaders"], "host")
        XCTAssertEqual(query["X-Amz-Credential"], "AKIDEXAMPLE/20250108/us-east-1/s3/aws4_request")
        XCTAssertEqual(query["X-Amz-Signature"]?.count, 64)
    }
}
