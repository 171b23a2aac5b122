import AWSClient
import Channels
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import MessagingCore
import Stores
import TestSupport
import XCTest

/// The bulk queue on SQS and reports on S3, against moto on 127.0.0.1.
final class AWSBulkAdaptersTests: XCTestCase {
    private static let server = MotoServer()

    override class func tearDown() {
        server.stop()
        super.tearDown()
    }

    private func client() async throws -> AWSClient {
        AWSClient(configuration: AWSClientConfiguration(region: "us-east-1", endpointOverride: try await Self.server.start(),
                                                        credentialsProvider: AWSCredentials(accessKeyID: "testing", secretAccessKey: "testing"),
                                                        retryPolicy: .none))
    }

    func testTheSQSQueueKeepsTheQueueProtocol() async throws {
        let sqs = SQSClient(client: try await client())
        let url = try await sqs.createQueue(name: "bulk-\(UUID().uuidString.prefix(8))")
        let queue = SQSBulkQueue(sqs: sqs, queueURL: url, waitSeconds: 0)
        let chunks = BulkChunk.split(jobId: "job-1", total: 2_450, size: 100)
        XCTAssertEqual(chunks.count, 25)
        try await queue.enqueue(chunks)   // three SendMessageBatch calls of at most 10

        var seen: [BulkChunk] = []
        while let q = try await queue.receive(visibility: 30, now: Date()) {
            XCTAssertEqual(q.receiveCount, 1)
            seen.append(q.chunk)
            try await queue.delete(q)
        }
        XCTAssertEqual(Set(seen), Set(chunks), "every chunk once, as queued")

        try await queue.enqueue([chunks[0]])
        let taken = try await queue.receive(visibility: 30, now: Date())
        let first = try XCTUnwrap(taken)
        let hidden = try await queue.receive(visibility: 30, now: Date())
        XCTAssertNil(hidden, "a taken chunk is hidden")
        try await queue.retry(first, at: Date())
        let retaken = try await queue.receive(visibility: 30, now: Date())
        let again = try XCTUnwrap(retaken)
        XCTAssertEqual(again.chunk, chunks[0])
        XCTAssertEqual(again.receiveCount, 2, "the receive count drives the bulk DLQ")
        let parked = try await queue.park(again)
        XCTAssertTrue(parked)
        let nothing = try await queue.receive(visibility: 30, now: Date())
        XCTAssertNil(nothing, "a parked chunk is gone")
        // Deleted, not hidden: a paused job's chunk never comes back to count receives towards the DLQ.
        try? await queue.retry(again, at: Date())   // SQS refuses the receipt of a deleted message
        let back = try await queue.receive(visibility: 30, now: Date())
        XCTAssertNil(back, "the parked chunk's message was deleted, so it cannot be made visible again")

        _ = try await sqs.sendMessage(queueURL: url, body: "not a chunk")
        do {
            _ = try await queue.receive(visibility: 30, now: Date())
            XCTFail("a body that is not a chunk is an error")
        } catch let e as ProviderError {
            XCTAssertEqual(e.code, "NotABulkChunk")
        }
    }

    func testABulkJobRunsOnSQSAndReportsToS3() async throws {
        let aws = try await client()
        let sqs = SQSClient(client: aws), s3 = S3Client(client: aws)
        let url = try await sqs.createQueue(name: "bulk-\(UUID().uuidString.prefix(8))")
        let bucket = "reports-\(UUID().uuidString.prefix(8).lowercased())"
        try await s3.createBucket(name: bucket)
        let directory = try temporaryDirectory()
        let store = try SQLiteStore(path: directory.appendingPathComponent("db.sqlite").path)
        let now = Date()
        var ids: [String] = []
        for i in 0..<150 {
            try await store.insertContact(Contact(id: "c\(i)", name: nil, phone: "+1425555\(String(format: "%04d", i))", email: nil, optInSms: true,
                                                  createdAt: now, updatedAt: now))
            ids.append("c\(i)")
        }
        struct Silent: EventSink { func record(_ level: EventLevel, _ event: String, _ fields: [String: String]) {} }
        let deps = CoreDependencies(store: store, gateway: LocalChannelGateway(), clock: SystemClock(), ids: UUIDSource(), events: Silent())
        let settings = CoreSettings(environment: "preview", sendMode: .dryRun, allowlist: [], metaApiVersion: "v20.0", smsPoolId: "pool",
                                    emailSender: "one@wecare.digital", mediaBucket: bucket, incomingPrefix: "in/", outgoingPrefix: "out/",
                                    reportsPrefix: "preview/base-wecare-digital/reports/")
        let bulk = BulkDependencies(store: store, queue: SQSBulkQueue(sqs: sqs, queueURL: url, waitSeconds: 0), objects: S3ObjectStore(s3: s3))
        let service = BulkService(deps, settings: settings, bulk: bulk)
        let job = try await service.create(channel: .sms, recipients: .contacts(ids), content: BulkContent(text: "hi"), createdBy: "u1")
        _ = try await service.confirm(job.job.id)
        let worker = BulkWorker(deps, settings: settings, bulk: bulk)
        while await worker.runOnce() {}
        let done = try await service.view(job.job.id)
        XCTAssertEqual(done.job.status, .completed)
        XCTAssertEqual(done.progress.sent, 150)
        let key = try XCTUnwrap(done.job.reportKey)
        XCTAssertEqual(key, "preview/base-wecare-digital/reports/\(job.job.id)-complete.json")
        let (data, response) = try await URLSession.shared.data(from: try await s3.presignedGetObjectURL(bucket: bucket, key: key))
        XCTAssertEqual((response as? HTTPURLResponse)?.statusCode, 200)
        let report = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        XCTAssertEqual(report?["sentCount"] as? Int, 150)
        XCTAssertEqual((report?["recipients"] as? [Any])?.count, 150)
    }
}
