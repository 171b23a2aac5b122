import AWSClient

/// Reads live resources with read-only calls: DescribeTable, GetQueueUrl and GetQueueAttributes, DescribeLogGroups.
public struct LiveResourceReader: Sendable {
    public let client: AWSClient

    public init(client: AWSClient) { self.client = client }

    /// The resource as it is, or nil when the account has none of that name.
    public func read(_ resource: AdoptedResource) async throws -> LiveResource? {
        switch resource.kind {
        case .table:
            do {
                return .table(try await DynamoDBClient(client: client).describeTable(name: resource.physicalName))
            } catch let error as AWSError where error.code.hasSuffix("ResourceNotFoundException") {
                return nil
            }
        case .queue:
            let sqs = SQSClient(client: client)
            let url: String
            do {
                url = try await sqs.getQueueURL(name: resource.physicalName)
            } catch let error as AWSError where error.code.contains("NonExistentQueue") || error.code.contains("QueueDoesNotExist") {
                return nil
            }
            return .queue(url: url, attributes: try await sqs.getQueueAttributes(queueURL: url))
        case .logGroup:
            let groups = try await CloudWatchLogsClient(client: client).describeLogGroups(prefix: resource.physicalName)
            return groups.first { $0.name == resource.physicalName }.map { .logGroup($0) }
        }
    }
}
