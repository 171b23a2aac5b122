/// SQS (AWS JSON 1.0, `AmazonSQS`, query-compatible).
public struct SQSClient: Sendable {
    public let client: AWSClient
    private let service = AWSService.sqs

    public init(client: AWSClient) {
        self.client = client
    }

    public func listQueueTags(queueURL: String) async throws -> [String: String] {
        let output: TagsOutput = try await client.json(service, operation: "ListQueueTags", input: QueueURLInput(queueURL: queueURL))
        return output.tags ?? [:]
    }

    public func getQueueURL(name: String) async throws -> String {
        let output: QueueURLOutput = try await client.json(
            service, operation: "GetQueueUrl", input: QueueNameInput(queueName: name))
        return output.queueURL
    }

    /// Every attribute of the queue (`AttributeNames: ["All"]`), e.g. `QueueArn`, `VisibilityTimeout`.
    public func getQueueAttributes(queueURL: String) async throws -> [String: String] {
        let output: AttributesOutput = try await client.json(
            service, operation: "GetQueueAttributes", input: AttributesInput(queueURL: queueURL))
        return output.attributes ?? [:]
    }

    /// Creates the queue (or returns the existing one with identical attributes); returns its URL.
    public func createQueue(name: String, attributes: [String: String] = [:]) async throws -> String {
        let input = CreateQueueInput(queueName: name, attributes: attributes.isEmpty ? nil : attributes)
        let output: QueueURLOutput = try await client.json(service, operation: "CreateQueue", input: input)
        return output.queueURL
    }

    /// Returns the message id.
    public func sendMessage(
        queueURL: String,
        body: String,
        delaySeconds: Int? = nil,
        messageGroupID: String? = nil,
        deduplicationID: String? = nil
    ) async throws -> String {
        let input = SendMessageInput(
            queueURL: queueURL, messageBody: body, delaySeconds: delaySeconds,
            messageGroupID: messageGroupID, deduplicationID: deduplicationID)
        let output: SendMessageOutput = try await client.json(service, operation: "SendMessage", input: input)
        return output.messageID
    }

    /// Sends up to 10 bodies in one call; returns the ids (`0`, `1`, … by position) that failed, with the reason.
    public func sendMessageBatch(queueURL: String, bodies: [String]) async throws -> [String: String] {
        let input = SendBatchInput(queueURL: queueURL, entries: bodies.enumerated().map { .init(id: String($0.offset), messageBody: $0.element) })
        let output: SendBatchOutput = try await client.json(service, operation: "SendMessageBatch", input: input)
        return Dictionary((output.failed ?? []).map { ($0.id, "\($0.code): \($0.message ?? "")") }, uniquingKeysWith: { a, _ in a })
    }

    /// One received message: its body, the handle that deletes it, and how often it has been received.
    public struct ReceivedMessage: Sendable, Equatable {
        public var messageID: String
        public var receiptHandle: String
        public var body: String
        public var receiveCount: Int
    }

    /// Receives up to `max` messages, hiding them for `visibilityTimeout` seconds; waits up to `waitSeconds` for one.
    public func receiveMessages(queueURL: String, max: Int = 1, visibilityTimeout: Int, waitSeconds: Int = 0) async throws -> [ReceivedMessage] {
        let input = ReceiveInput(queueURL: queueURL, maxNumberOfMessages: max, visibilityTimeout: visibilityTimeout, waitTimeSeconds: waitSeconds)
        let output: ReceiveOutput = try await client.json(service, operation: "ReceiveMessage", input: input)
        return (output.messages ?? []).map {
            ReceivedMessage(messageID: $0.messageID, receiptHandle: $0.receiptHandle, body: $0.body,
                            receiveCount: Int($0.attributes?["ApproximateReceiveCount"] ?? "") ?? 1)
        }
    }

    public func deleteMessage(queueURL: String, receiptHandle: String) async throws {
        let _: EmptyShape = try await client.json(service, operation: "DeleteMessage", input: ReceiptInput(queueURL: queueURL, receiptHandle: receiptHandle))
    }

    /// Hides a received message for `seconds` from now (0 makes it visible at once; at most 12 hours).
    public func changeMessageVisibility(queueURL: String, receiptHandle: String, seconds: Int) async throws {
        let input = VisibilityInput(queueURL: queueURL, receiptHandle: receiptHandle, visibilityTimeout: seconds)
        let _: EmptyShape = try await client.json(service, operation: "ChangeMessageVisibility", input: input)
    }

    // MARK: - Wire shapes

    private struct SendBatchInput: Encodable {
        struct Entry: Encodable {
            var id: String
            var messageBody: String
            enum CodingKeys: String, CodingKey { case id = "Id", messageBody = "MessageBody" }
        }
        var queueURL: String
        var entries: [Entry]
        enum CodingKeys: String, CodingKey { case queueURL = "QueueUrl", entries = "Entries" }
    }

    private struct SendBatchOutput: Decodable {
        struct Failure: Decodable {
            var id: String
            var code: String
            var message: String?
            enum CodingKeys: String, CodingKey { case id = "Id", code = "Code", message = "Message" }
        }
        var failed: [Failure]?
        enum CodingKeys: String, CodingKey { case failed = "Failed" }
    }

    private struct ReceiveInput: Encodable {
        var queueURL: String
        var maxNumberOfMessages: Int
        var visibilityTimeout: Int
        var waitTimeSeconds: Int
        var messageSystemAttributeNames = ["ApproximateReceiveCount"]
        enum CodingKeys: String, CodingKey {
            case queueURL = "QueueUrl", maxNumberOfMessages = "MaxNumberOfMessages", visibilityTimeout = "VisibilityTimeout"
            case waitTimeSeconds = "WaitTimeSeconds", messageSystemAttributeNames = "MessageSystemAttributeNames"
        }
    }

    private struct ReceiveOutput: Decodable {
        struct Message: Decodable {
            var messageID: String
            var receiptHandle: String
            var body: String
            var attributes: [String: String]?
            enum CodingKeys: String, CodingKey { case messageID = "MessageId", receiptHandle = "ReceiptHandle", body = "Body", attributes = "Attributes" }
        }
        var messages: [Message]?
        enum CodingKeys: String, CodingKey { case messages = "Messages" }
    }

    private struct ReceiptInput: Encodable {
        var queueURL: String
        var receiptHandle: String
        enum CodingKeys: String, CodingKey { case queueURL = "QueueUrl", receiptHandle = "ReceiptHandle" }
    }

    private struct VisibilityInput: Encodable {
        var queueURL: String
        var receiptHandle: String
        var visibilityTimeout: Int
        enum CodingKeys: String, CodingKey { case queueURL = "QueueUrl", receiptHandle = "ReceiptHandle", visibilityTimeout = "VisibilityTimeout" }
    }

    private struct QueueURLInput: Encodable {
        var queueURL: String
        enum CodingKeys: String, CodingKey { case queueURL = "QueueUrl" }
    }

    private struct TagsOutput: Decodable {
        var tags: [String: String]?
        enum CodingKeys: String, CodingKey { case tags = "Tags" }
    }

    private struct QueueNameInput: Encodable {
        var queueName: String
        enum CodingKeys: String, CodingKey { case queueName = "QueueName" }
    }

    private struct QueueURLOutput: Decodable {
        var queueURL: String
        enum CodingKeys: String, CodingKey { case queueURL = "QueueUrl" }
    }

    private struct AttributesInput: Encodable {
        var queueURL: String
        var attributeNames = ["All"]
        enum CodingKeys: String, CodingKey { case queueURL = "QueueUrl", attributeNames = "AttributeNames" }
    }

    private struct AttributesOutput: Decodable {
        var attributes: [String: String]?
        enum CodingKeys: String, CodingKey { case attributes = "Attributes" }
    }

    private struct CreateQueueInput: Encodable {
        var queueName: String
        var attributes: [String: String]?
        enum CodingKeys: String, CodingKey { case queueName = "QueueName", attributes = "Attributes" }
    }

    private struct SendMessageInput: Encodable {
        var queueURL: String
        var messageBody: String
        var delaySeconds: Int?
        var messageGroupID: String?
        var deduplicationID: String?
        enum CodingKeys: String, CodingKey {
            case queueURL = "QueueUrl", messageBody = "MessageBody", delaySeconds = "DelaySeconds"
            case messageGroupID = "MessageGroupId", deduplicationID = "MessageDeduplicationId"
        }
    }

    private struct SendMessageOutput: Decodable {
        var messageID: String
        enum CodingKeys: String, CodingKey { case messageID = "MessageId" }
    }
}
