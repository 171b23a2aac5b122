import AWSClient
import Foundation
import XCTest

/// Every protocol's error shape becomes the same `AWSError`.
final class ErrorParsingTests: XCTestCase {
    func testAWSJSONErrorWithNamespacedType() async throws {
        let transport = RecordingTransport([], fallback: AWSHTTPResponse(
            statusCode: 400,
            headers: ["x-amzn-RequestId": "req-1"],
            body: Data(#"{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found"}"#.utf8)))
        let dynamo = DynamoDBClient(client: TestClients.client(transport: transport))
        let error = try await expectAWSError { _ = try await dynamo.describeTable(name: "Missing") }
        XCTAssertEqual(error, AWSError(
            service: "DynamoDB", operation: "DescribeTable", statusCode: 400,
            code: "ResourceNotFoundException", message: "Requested resource not found", requestID: "req-1"))
        XCTAssertEqual(transport.requests.count, 1, "client errors are not retried")
    }

    func testSQSQueryCompatibleError() async throws {
        let transport = RecordingTransport([], fallback: AWSHTTPResponse(
            statusCode: 400,
            headers: ["x-amzn-query-error": "AWS.SimpleQueueService.NonExistentQueue;Sender"],
            body: Data(#"{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."}"#.utf8)))
        let sqs = SQSClient(client: TestClients.client(transport: transport))
        let error = try await expectAWSError { _ = try await sqs.getQueueURL(name: "nope") }
        XCTAssertEqual(error.code, "QueueDoesNotExist")
        XCTAssertEqual(error.queryErrorCode, "AWS.SimpleQueueService.NonExistentQueue")
        XCTAssertEqual(error.message, "The specified queue does not exist.")
    }

    func testRESTJSONErrorTypeHeaderWins() async throws {
        let transport = RecordingTransport([], fallback: AWSHTTPResponse(
            statusCode: 404,
            headers: ["x-amzn-ErrorType": "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.socialmessaging/",
                      "x-amzn-RequestId": "req-2"],
            body: Data(#"{"message":"Phone number not found"}"#.utf8)))
        let social = SocialMessagingClient(client: TestClients.client(transport: transport))
        let error = try await expectAWSError {
            _ = try await social.sendWhatsAppMessage(originationPhoneNumberID: "phone-number-id-x", message: Data("{}".utf8))
        }
        XCTAssertEqual(error, AWSError(
            service: "SocialMessaging", operation: "SendWhatsAppMessage", statusCode: 404,
            code: "ResourceNotFoundException", message: "Phone number not found", requestID: "req-2"))
    }

    func testQueryXMLErrorEnvelope() async throws {
        let transport = RecordingTransport([], fallback: AWSHTTPResponse(statusCode: 400, body: Data("""
            <ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
              <Error>
                <Type>Sender</Type>
                <Code>InsufficientCapabilitiesException</Code>
                <Message>Requires capabilities : [CAPABILITY_IAM]</Message>
              </Error>
              <RequestId>b9b4b068-3a41-11e5-94eb-example</RequestId>
            </ErrorResponse>
            """.utf8)))
        let cloudFormation = CloudFormationClient(client: TestClients.client(transport: transport))
        let error = try await expectAWSError { try await cloudFormation.executeChangeSet(stackName: "s", changeSetName: "c") }
        XCTAssertEqual(error, AWSError(
            service: "CloudFormation", operation: "ExecuteChangeSet", statusCode: 400,
            code: "InsufficientCapabilitiesException", message: "Requires capabilities : [CAPABILITY_IAM]",
            requestID: "b9b4b068-3a41-11e5-94eb-example"))
    }

    func testDescribeStacksTreatsDoesNotExistAsNil() async throws {
        let transport = RecordingTransport([], fallback: AWSHTTPResponse(statusCode: 400, body: Data("""
            <ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
              <Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id messaging-stack does not exist</Message></Error>
              <RequestId>b9b4b068-3a41-11e5-94eb-example</RequestId>
            </ErrorResponse>
            """.utf8)))
        let cloudFormation = CloudFormationClient(client: TestClients.client(transport: transport))
        let stack = try await cloudFormation.describeStack(name: "messaging-stack")
        XCTAssertNil(stack)
    }

    func testS3RESTXMLError() async throws {
        let transport = RecordingTransport([], fallback: AWSHTTPResponse(statusCode: 409, body: Data("""
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>BucketAlreadyOwnedByYou</Code><Message>Your previous request to create the named bucket succeeded.</Message>
            <BucketName>media</BucketName><RequestId>4442587FB7D0A2F9</RequestId></Error>
            """.utf8)))
        let s3 = S3Client(client: TestClients.client(transport: transport))
        let error = try await expectAWSError { try await s3.createBucket(name: "media") }
        XCTAssertEqual(error.code, "BucketAlreadyOwnedByYou")
        XCTAssertEqual(error.requestID, "4442587FB7D0A2F9")
        XCTAssertEqual(error.statusCode, 409)
    }

    func testBodilessServerErrorStillHasACode() {
        let error = AWSErrorParser.parse(AWSHTTPResponse(statusCode: 503), service: .s3, operation: "PutObject")
        XCTAssertEqual(error.code, "ServiceUnavailable")
        XCTAssertTrue(error.isRetryable)
    }

    func testDescriptionNamesServiceOperationAndRequestID() {
        let error = AWSError(service: "SQS", operation: "SendMessage", statusCode: 400, code: "InvalidParameterValue",
                             message: "bad", requestID: "r-1")
        XCTAssertEqual(error.description, "SQS.SendMessage failed with HTTP 400 InvalidParameterValue: bad (request id r-1)")
    }

    private struct NoErrorThrown: Error {}

    private func expectAWSError(
        _ body: () async throws -> Void,
        file: StaticString = #filePath,
        line: UInt = #line
    ) async throws -> AWSError {
        do {
            try await body()
        } catch let error as AWSError {
            return error
        }
        XCTFail("expected an AWSError", file: file, line: line)
        throw NoErrorThrown()
    }
}
