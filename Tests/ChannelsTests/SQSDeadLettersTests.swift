import AWSClient
import Channels
import Foundation
import MessagingCore
import TestSupport
import XCTest

/// What AWS dead-letters on SQS joins the DLQ table when the DLQ is listed, against moto on 127.0.0.1.
final class SQSDeadLettersTests: XCTestCase {
    private static let server = MotoServer()

    override class func tearDown() {
        server.stop()
        super.tearDown()
    }

    func testInboundEventsAndBulkChunksBecomeDLQEntriesAndLeaveTheQueues() async throws {
        let client = AWSClient(configuration: AWSClientConfiguration(region: "us-east-1", endpointOverride: try await Self.server.start(),
                                                                     credentialsProvider: AWSCredentials(accessKeyID: "testing", secretAccessKey: "testing"),
                                                                     retryPolicy: .none))
        let sqs = SQSClient(client: client)
        let inbound = try await sqs.createQueue(name: "inbound-dlq-\(UUID().uuidString.prefix(8))")
        let bulk = try await sqs.createQueue(name: "bulk-dlq-\(UUID().uuidString.prefix(8))")
        // A failed asynchronous invocation of the inbound handler: the SNS event it was given, two records.
        let event = #"{"Records":[{"EventSource":"aws:sns","Sns":{"MessageId":"sns-1","TopicArn":"arn:aws:sns:us-east-1:1:t","Message":"{\"a\":1}"}},"#
            + #"{"EventSource":"aws:sns","Sns":{"MessageId":"sns-2","TopicArn":"arn:aws:sns:us-east-1:1:t","Message":"{\"b\":2}"}}]}"#
        _ = try await sqs.sendMessage(queueURL: inbound, body: event)
        _ = try await sqs.sendMessage(queueURL: inbound, body: "not an event")
        let chunk = BulkChunk(jobId: "job-9", index: 3, firstSeq: 300, count: 100)
        _ = try await sqs.sendMessage(queueURL: bulk, body: chunk.json)

        let store = InMemoryStore()
        let deps = CoreDependencies(store: store, gateway: LocalChannelGateway(), clock: SystemClock(), ids: UUIDSource(), events: Silent())
        let settings = CoreSettings(environment: "test", sendMode: .dryRun, allowlist: [], metaApiVersion: "v20.0", smsPoolId: "pool",
                                    emailSender: "a@example.com", mediaBucket: "b", incomingPrefix: "in/", outgoingPrefix: "out/")
        let dlq = DLQService(deps, settings: settings, source: SQSDeadLetters(sqs: sqs, inboundQueueURL: inbound, bulkQueueURL: bulk))
        let entries = try await dlq.list()
        XCTAssertEqual(Set(entries.map(\.originalMessageId)).subtracting(["sns-1", "sns-2", "job-9:3"]).count, 1, "the unreadable body under its SQS id")
        XCTAssertEqual(entries.first { $0.originalMessageId == "sns-1" }?.payload, #"{"a":1}"#)
        XCTAssertEqual(entries.first { $0.originalMessageId == "sns-2" }?.queue, DLQService.inboundQueue)
        XCTAssertEqual(entries.first { $0.originalMessageId == "job-9:3" }?.queue, DLQService.bulkQueue)
        XCTAssertEqual(entries.first { $0.originalMessageId == "job-9:3" }?.payload, chunk.json)
        XCTAssertTrue(entries.allSatisfy { $0.error.hasPrefix("dead-lettered by AWS") })

        let again = try await dlq.list()
        XCTAssertEqual(again.count, 4, "the queues were emptied: nothing is imported twice")
        let left = try await sqs.receiveMessages(queueURL: inbound, max: 10, visibilityTimeout: 0)
        XCTAssertEqual(left, [])
    }
}

private struct Silent: EventSink { func record(_ level: EventLevel, _ event: String, _ fields: [String: String]) {} }
