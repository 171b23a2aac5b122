import AWSClient

/// A resource as it is in the account, read before anything is imported.
public enum LiveResource: Sendable, Equatable {
    case table(DynamoDBClient.TableDescription)
    case queue(url: String, attributes: [String: String])
    case logGroup(CloudWatchLogsClient.LogGroup)
}
