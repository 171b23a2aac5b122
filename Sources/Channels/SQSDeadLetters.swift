import AWSClient
import Foundation
import LambdaRuntime
import MessagingCore

/// The SQS queues AWS dead-letters to, as the core's dead-letter source: the inbound handler's
/// (a failed asynchronous invocation lands there as the SNS event it was given, one letter per record)
/// and the bulk queue's redrive target (a chunk that kept failing). Each message is deleted only after
/// its letters are stored; one drain takes at most `limit` messages, so a listing stays quick.
public struct SQSDeadLetters: DeadLetterSource {
    let sqs: SQSClient
    let inboundQueueURL: String?
    let bulkQueueURL: String?
    let limit: Int

    public init(sqs: SQSClient, inboundQueueURL: String?, bulkQueueURL: String?, limit: Int = 100) {
        self.sqs = sqs
        self.inboundQueueURL = inboundQueueURL
        self.bulkQueueURL = bulkQueueURL
        self.limit = limit
    }

    public func drain(_ keep: @Sendable (DeadLetter) async throws -> Void) async throws {
        let queues = [(inboundQueueURL, DLQService.inboundQueue), (bulkQueueURL, DLQService.bulkQueue)].compactMap { url, name in url.map { ($0, name) } }
        for (url, name) in queues {
            var taken = 0
            while taken < limit {
                let batch = try await sqs.receiveMessages(queueURL: url, max: min(10, limit - taken), visibilityTimeout: 60)
                if batch.isEmpty { break }
                for message in batch {
                    for letter in Self.letters(message, queue: name) { try await keep(letter) }
                    try await sqs.deleteMessage(queueURL: url, receiptHandle: message.receiptHandle)
                }
                taken += batch.count
            }
        }
    }

    /// An SNS event's records (Lambda's dead letter is the event it could not handle), a bulk chunk, or,
    /// when the body is neither, the body itself under the SQS message id, kept for a person to look at.
    static func letters(_ message: SQSClient.ReceivedMessage, queue: String) -> [DeadLetter] {
        let error = "dead-lettered by AWS after \(message.receiveCount) receive(s)"
        if queue == DLQService.bulkQueue, let chunk = try? BulkChunk(json: message.body) {
            return [DeadLetter(queue: queue, originalMessageId: chunk.key, payload: message.body, error: error)]
        }
        if case .sns(let records) = LambdaEvent.decode(Data(message.body.utf8)), !records.isEmpty {
            return records.map { DeadLetter(queue: queue, originalMessageId: $0.messageId, payload: $0.message, error: error) }
        }
        return [DeadLetter(queue: queue, originalMessageId: message.messageID, payload: message.body, error: error + "; not an SNS event or a bulk chunk")]
    }
}
