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

    /// The CloudFormation stack that already manages the resource (its `aws:cloudformation:stack-name` tag), if any.
    public func owningStack(of live: LiveResource) async throws -> String? {
        let tags: [String: String]
        switch live {
        case .table(let t):
            guard let arn = t.tableARN else { return nil }
            tags = try await DynamoDBClient(client: client).listTagsOfResource(arn: arn)
        case .queue(let url, _): tags = try await SQSClient(client: client).listQueueTags(queueURL: url)
        case .logGroup(let g): tags = try await CloudWatchLogsClient(client: client).listTagsLogGroup(name: g.name)
        }
        return tags["aws:cloudformation:stack-name"]
    }
}
