import AWSClient
import Foundation
import MessagingCore

/// The bulk queue on SQS (Req 8.3), behind the same protocol as the SQLite queue. The receipt is SQS's
/// receipt handle. SQS cannot find messages by job, so what the SQLite queue does by job is left to the
/// workers here: a paused job's chunk is deleted (resume queues the job's pending recipients again), a
/// cancelled job's chunks are deleted by the worker that takes them, and a dead worker's chunks come back
/// when their visibility timeout ends. A standard queue may deliver a chunk twice; the recipients' state
/// machine makes the second delivery send nobody again. Parking used to hide the chunk and let it come
/// back, and SQS counts every return as a receive: a long pause moved chunks to the bulk DLQ.
public struct SQSBulkQueue: BulkQueue {
    let sqs: SQSClient
    let queueURL: String
    let waitSeconds: Int

    public init(sqs: SQSClient, queueURL: String, waitSeconds: Int = 1) {
        self.sqs = sqs
        self.queueURL = queueURL
        self.waitSeconds = waitSeconds
    }

    public func enqueue(_ chunks: [BulkChunk]) async throws {
        for start in stride(from: 0, to: chunks.count, by: 10) {
            let batch = chunks[start..<min(start + 10, chunks.count)]
            let failed = try await sqs.sendMessageBatch(queueURL: queueURL, bodies: batch.map(\.json))
            guard failed.isEmpty else { throw ProviderError(code: "SendMessageBatch", message: failed.sorted { $0.key < $1.key }.map(\.value).joined(separator: "; ")) }
        }
    }

    public func receive(visibility: TimeInterval, now: Date) async throws -> QueuedChunk? {
        guard let m = try await sqs.receiveMessages(queueURL: queueURL, visibilityTimeout: Int(visibility.rounded(.up)), waitSeconds: waitSeconds).first else {
            return nil
        }
        do {
            return QueuedChunk(receipt: m.receiptHandle, chunk: try BulkChunk(json: m.body), receiveCount: m.receiveCount)
        } catch {
            // Not a chunk: SQS's redrive policy moves it to the bulk DLQ after its receive limit.
            throw ProviderError(code: "NotABulkChunk", message: "message \(m.messageID) on the bulk queue is not a chunk: \(error)")
        }
    }

    public func delete(_ chunk: QueuedChunk) async throws {
        try await sqs.deleteMessage(queueURL: queueURL, receiptHandle: chunk.receipt)
    }

    public func retry(_ chunk: QueuedChunk, at: Date) async throws {
        let seconds = min(max(Int(at.timeIntervalSinceNow.rounded(.up)), 0), 43_200)
        try await sqs.changeMessageVisibility(queueURL: queueURL, receiptHandle: chunk.receipt, seconds: seconds)
    }

    /// Deletes the chunk: SQS cannot hold it aside without counting receives, and resume queues it again.
    public func park(_ chunk: QueuedChunk) async throws -> Bool {
        try await sqs.deleteMessage(queueURL: queueURL, receiptHandle: chunk.receipt)
        return true
    }

    public func unpark(jobId: String) async throws {}
    public func deleteAll(jobId: String) async throws {}
    public func releaseInFlight() async throws {}
}

/// Bulk reports to S3 (Req 8.8).
public struct S3ObjectStore: ObjectStore {
    let s3: S3Client

    public init(s3: S3Client) { self.s3 = s3 }

    public func put(bucket: String, key: String, data: Data, contentType: String) async throws {
        _ = try await s3.putObject(bucket: bucket, key: key, body: data, contentType: contentType)
    }
}
