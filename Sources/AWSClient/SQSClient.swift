/// SQS (AWS JSON 1.0, `AmazonSQS`, query-compatible).
public struct SQSClient: Sendable {
    public let client: AWSClient
    private let service = AWSService.sqs

    public init(client: AWSClient) {
        self.client = client
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

    // MARK: - Wire shapes

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
