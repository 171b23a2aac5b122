import AWSClient
import Foundation
import XCTest

/// Backoff with full jitter, exact because sleep and randomness are injected.
final class RetryTests: XCTestCase {
    private let throttled = AWSHTTPResponse(
        statusCode: 400, body: Data(#"{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"Rate exceeded"}"#.utf8))
    private let ok = AWSHTTPResponse(statusCode: 200, body: Data(#"{"TimeToLiveDescription":{"TimeToLiveStatus":"DISABLED"}}"#.utf8))

    func testThrottleThenSuccessRetriesOnceAfterJitteredDelay() async throws {
        let transport = RecordingTransport([.response(throttled), .response(ok)])
        let sleeps = SleepRecorder()
        let dynamo = DynamoDBClient(client: TestClients.client(transport: transport, sleeps: sleeps, random: 0.5))
        let ttl = try await dynamo.describeTimeToLive(tableName: "t")
        XCTAssertEqual(ttl.status, "DISABLED")
        XCTAssertEqual(transport.requests.count, 2)
        XCTAssertEqual(sleeps.sleeps, [.milliseconds(50)])  // 0.5 × 100 ms
    }

    func testThreeRetriesThenTheLastErrorIsThrown() async throws {
        let serverError = AWSHTTPResponse(statusCode: 500, body: Data(#"{"__type":"InternalServerError","message":"boom"}"#.utf8))
        let transport = RecordingTransport([], fallback: serverError)
        let sleeps = SleepRecorder()
        let dynamo = DynamoDBClient(client: TestClients.client(transport: transport, sleeps: sleeps, random: 0.5))
        do {
            _ = try await dynamo.describeTimeToLive(tableName: "t")
            XCTFail("expected failure")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "InternalServerError")
            XCTAssertEqual(error.statusCode, 500)
        }
        XCTAssertEqual(transport.requests.count, 4, "one attempt plus three retries")
        XCTAssertEqual(sleeps.sleeps, [.milliseconds(50), .milliseconds(100), .milliseconds(200)])
    }

    func testNonRetryableErrorIsThrownAtOnce() async throws {
        let invalid = AWSHTTPResponse(statusCode: 400, body: Data(#"{"__type":"ValidationException","message":"bad"}"#.utf8))
        let transport = RecordingTransport([.response(invalid), .response(ok)])
        let sleeps = SleepRecorder()
        let dynamo = DynamoDBClient(client: TestClients.client(transport: transport, sleeps: sleeps))
        do {
            _ = try await dynamo.describeTimeToLive(tableName: "t")
            XCTFail("expected failure")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "ValidationException")
        }
        XCTAssertEqual(transport.requests.count, 1)
        XCTAssertEqual(sleeps.sleeps, [])
    }

    func testTransportFailureIsRetriedAndEachAttemptIsSignedAgain() async throws {
        let transport = RecordingTransport([.failure(RecordingTransport.ConnectionLost()), .response(ok)])
        let sleeps = SleepRecorder()
        let dynamo = DynamoDBClient(client: TestClients.client(transport: transport, sleeps: sleeps, random: 0))
        _ = try await dynamo.describeTimeToLive(tableName: "t")
        XCTAssertEqual(transport.requests.count, 2)
        XCTAssertNotNil(transport.requests[1].headers["Authorization"])
        XCTAssertEqual(sleeps.sleeps, [.zero])
    }

    func testTransportFailureAfterRetriesIsReportedAsTransportFailed() async throws {
        let transport = RecordingTransport(Array(repeating: .failure(RecordingTransport.ConnectionLost()), count: 4))
        let dynamo = DynamoDBClient(client: TestClients.client(transport: transport))
        do {
            _ = try await dynamo.describeTimeToLive(tableName: "t")
            XCTFail("expected failure")
        } catch AWSClientError.transportFailed(let service, let operation, _) {
            XCTAssertEqual(service, "DynamoDB")
            XCTAssertEqual(operation, "DescribeTimeToLive")
        }
        XCTAssertEqual(transport.requests.count, 4)
    }

    func testEveryListedThrottlingCodeIsRetryable() {
        for code in ["ThrottlingException", "Throttling", "ThrottledRequestException", "TooManyRequestsException",
                     "RequestLimitExceeded", "ProvisionedThroughputExceededException", "SlowDown"] {
            XCTAssertTrue(AWSError(service: "S", operation: "O", statusCode: 400, code: code, message: "").isRetryable, code)
        }
        XCTAssertTrue(AWSError(service: "S", operation: "O", statusCode: 429, code: "Whatever", message: "").isRetryable)
        XCTAssertFalse(AWSError(service: "S", operation: "O", statusCode: 403, code: "AccessDenied", message: "").isRetryable)
    }

    func testDelayIsCappedAtMaxDelay() {
        let policy = RetryPolicy(baseDelay: .seconds(1), maxDelay: .seconds(5), random: { 1 }, sleep: { _ in })
        XCTAssertEqual(policy.delay(beforeRetry: 0), .seconds(1))
        XCTAssertEqual(policy.delay(beforeRetry: 2), .seconds(4))
        XCTAssertEqual(policy.delay(beforeRetry: 10), .seconds(5))
    }
}
