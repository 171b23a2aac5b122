/// SNS (query protocol, API 2010-03-31).
public struct SNSClient: Sendable {
    public let client: AWSClient
    private let service = AWSService.sns

    public init(client: AWSClient) {
        self.client = client
    }

    /// Creates the topic (idempotent for the same name and attributes); returns its ARN.
    public func createTopic(name: String, attributes: [String: String] = [:]) async throws -> String {
        var form = QueryParameters()
        form.set("Name", name)
        form.setMap("Attributes", attributes)
        let result = try await client.query(service, action: "CreateTopic", parameters: form)
        guard let arn = result.string("TopicArn") else {
            throw AWSClientError.invalidResponse(service: service.name, operation: "CreateTopic", reason: "missing TopicArn")
        }
        return arn
    }

    /// Returns the message id.
    public func publish(topicARN: String, message: String, subject: String? = nil) async throws -> String {
        var form = QueryParameters()
        form.set("TopicArn", topicARN)
        form.set("Message", message)
        form.set("Subject", subject)
        let result = try await client.query(service, action: "Publish", parameters: form)
        guard let id = result.string("MessageId") else {
            throw AWSClientError.invalidResponse(service: service.name, operation: "Publish", reason: "missing MessageId")
        }
        return id
    }
}
