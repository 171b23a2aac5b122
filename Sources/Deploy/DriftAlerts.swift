import AWSClient

/// Where `--watch` sends each change besides printing it: a seam, so tests see exactly what would be published.
public protocol DriftAlerts: Sendable {
    func publish(subject: String, message: String) async throws
}

/// An SNS topic (`--alert-topic ARN`): one message per round that changed something.
public struct SNSDriftAlerts: DriftAlerts {
    public let sns: SNSClient
    public let topicARN: String

    public init(sns: SNSClient, topicARN: String) {
        self.sns = sns
        self.topicARN = topicARN
    }

    public func publish(subject: String, message: String) async throws {
        // SNS refuses a subject over 100 characters.
        _ = try await sns.publish(topicARN: topicARN, message: message, subject: String(subject.prefix(100)))
    }
}
