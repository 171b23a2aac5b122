/// CloudWatch Logs (AWS JSON 1.1, `Logs_20140328`): log group retention checks.
public struct CloudWatchLogsClient: Sendable {
    public let client: AWSClient
    private let service = AWSService.cloudWatchLogs

    public init(client: AWSClient) {
        self.client = client
    }

    public struct LogGroup: Codable, Sendable, Equatable {
        public var name: String
        /// nil means "never expire".
        public var retentionInDays: Int?
        public var arn: String?

        public init(name: String, retentionInDays: Int? = nil, arn: String? = nil) {
            self.name = name
            self.retentionInDays = retentionInDays
            self.arn = arn
        }

        enum CodingKeys: String, CodingKey {
            case name = "logGroupName", retentionInDays, arn
        }
    }

    /// Every log group whose name starts with `prefix` (following `nextToken` pages).
    public func describeLogGroups(prefix: String) async throws -> [LogGroup] {
        var groups: [LogGroup] = []
        var nextToken: String?
        repeat {
            let output: Output = try await client.json(
                service, operation: "DescribeLogGroups", input: Input(logGroupNamePrefix: prefix, nextToken: nextToken))
            groups += output.logGroups ?? []
            nextToken = output.nextToken
        } while nextToken != nil
        return groups
    }

    /// A log group's tags, by name.
    public func listTagsLogGroup(name: String) async throws -> [String: String] {
        let output: TagsOutput = try await client.json(service, operation: "ListTagsLogGroup", input: TagsInput(logGroupName: name))
        return output.tags ?? [:]
    }

    // Logs uses camelCase member names on the wire, so these need no coding keys.
    private struct TagsInput: Encodable {
        var logGroupName: String
    }

    private struct TagsOutput: Decodable {
        var tags: [String: String]?
    }

    private struct Input: Encodable {
        var logGroupNamePrefix: String
        var nextToken: String?
    }

    private struct Output: Decodable {
        var logGroups: [LogGroup]?
        var nextToken: String?
    }
}
