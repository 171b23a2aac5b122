/// DynamoDB (AWS JSON 1.0, `DynamoDB_20120810`): table descriptions for drift checks.
public struct DynamoDBClient: Sendable {
    public let client: AWSClient
    private let service = AWSService.dynamoDB

    public init(client: AWSClient) {
        self.client = client
    }

    public struct KeySchemaElement: Codable, Sendable, Equatable {
        public var attributeName: String
        /// `HASH` or `RANGE`.
        public var keyType: String

        public init(attributeName: String, keyType: String) {
            self.attributeName = attributeName
            self.keyType = keyType
        }

        enum CodingKeys: String, CodingKey {
            case attributeName = "AttributeName", keyType = "KeyType"
        }
    }

    public struct AttributeDefinition: Codable, Sendable, Equatable {
        public var attributeName: String
        /// `S`, `N` or `B`.
        public var attributeType: String

        public init(attributeName: String, attributeType: String) {
            self.attributeName = attributeName
            self.attributeType = attributeType
        }

        enum CodingKeys: String, CodingKey {
            case attributeName = "AttributeName", attributeType = "AttributeType"
        }
    }

    public struct GlobalSecondaryIndex: Codable, Sendable, Equatable {
        public var indexName: String
        public var keySchema: [KeySchemaElement]
        /// `ALL`, `KEYS_ONLY` or `INCLUDE`.
        public var projectionType: String?

        public init(indexName: String, keySchema: [KeySchemaElement], projectionType: String? = nil) {
            self.indexName = indexName
            self.keySchema = keySchema
            self.projectionType = projectionType
        }

        enum CodingKeys: String, CodingKey {
            case indexName = "IndexName", keySchema = "KeySchema", projection = "Projection"
        }

        enum ProjectionKeys: String, CodingKey {
            case projectionType = "ProjectionType"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            indexName = try container.decode(String.self, forKey: .indexName)
            keySchema = try container.decode([KeySchemaElement].self, forKey: .keySchema)
            projectionType = try? container.nestedContainer(keyedBy: ProjectionKeys.self, forKey: .projection)
                .decodeIfPresent(String.self, forKey: .projectionType)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(indexName, forKey: .indexName)
            try container.encode(keySchema, forKey: .keySchema)
            var projection = container.nestedContainer(keyedBy: ProjectionKeys.self, forKey: .projection)
            try projection.encodeIfPresent(projectionType, forKey: .projectionType)
        }
    }

    public struct TableDescription: Sendable, Equatable {
        public var tableName: String
        public var tableStatus: String?
        public var keySchema: [KeySchemaElement]
        public var attributeDefinitions: [AttributeDefinition]
        public var globalSecondaryIndexes: [GlobalSecondaryIndex]
        /// `PAY_PER_REQUEST` or `PROVISIONED` (AWS leaves the summary out for provisioned tables).
        public var billingMode: String
        public var tableARN: String?

        public init(
            tableName: String, tableStatus: String? = nil, keySchema: [KeySchemaElement],
            attributeDefinitions: [AttributeDefinition], globalSecondaryIndexes: [GlobalSecondaryIndex] = [],
            billingMode: String, tableARN: String? = nil
        ) {
            self.tableName = tableName
            self.tableStatus = tableStatus
            self.keySchema = keySchema
            self.attributeDefinitions = attributeDefinitions
            self.globalSecondaryIndexes = globalSecondaryIndexes
            self.billingMode = billingMode
            self.tableARN = tableARN
        }
    }

    public struct TimeToLive: Sendable, Equatable {
        /// `ENABLING`, `ENABLED`, `DISABLING` or `DISABLED`.
        public var status: String
        public var attributeName: String?

        public init(status: String, attributeName: String? = nil) {
            self.status = status
            self.attributeName = attributeName
        }
    }

    public func describeTable(name: String) async throws -> TableDescription {
        let output: DescribeTableOutput = try await client.json(
            service, operation: "DescribeTable", input: TableNameInput(tableName: name))
        let table = output.table
        return TableDescription(
            tableName: table.tableName,
            tableStatus: table.tableStatus,
            keySchema: table.keySchema ?? [],
            attributeDefinitions: table.attributeDefinitions ?? [],
            globalSecondaryIndexes: table.globalSecondaryIndexes ?? [],
            billingMode: table.billingModeSummary?.billingMode ?? "PROVISIONED",
            tableARN: table.tableArn
        )
    }

    /// A table's (or index's) tags, by ARN.
    public func listTagsOfResource(arn: String) async throws -> [String: String] {
        var tags: [String: String] = [:]
        var nextToken: String?
        repeat {
            let output: TagsOutput = try await client.json(service, operation: "ListTagsOfResource", input: TagsInput(resourceArn: arn, nextToken: nextToken))
            for tag in output.tags ?? [] { tags[tag.key] = tag.value }
            nextToken = output.nextToken
        } while nextToken != nil
        return tags
    }

    public func describeTimeToLive(tableName: String) async throws -> TimeToLive {
        let output: DescribeTimeToLiveOutput = try await client.json(
            service, operation: "DescribeTimeToLive", input: TableNameInput(tableName: tableName))
        return TimeToLive(
            status: output.description.timeToLiveStatus ?? "DISABLED",
            attributeName: output.description.attributeName
        )
    }

    // MARK: - Wire shapes

    private struct TagsInput: Encodable {
        var resourceArn: String
        var nextToken: String?
        enum CodingKeys: String, CodingKey { case resourceArn = "ResourceArn", nextToken = "NextToken" }
    }

    private struct TagsOutput: Decodable {
        var tags: [Tag]?
        var nextToken: String?
        enum CodingKeys: String, CodingKey { case tags = "Tags", nextToken = "NextToken" }

        struct Tag: Decodable {
            var key: String
            var value: String
            enum CodingKeys: String, CodingKey { case key = "Key", value = "Value" }
        }
    }

    private struct TableNameInput: Encodable {
        var tableName: String
        enum CodingKeys: String, CodingKey { case tableName = "TableName" }
    }

    private struct DescribeTableOutput: Decodable {
        var table: Table
        enum CodingKeys: String, CodingKey { case table = "Table" }

        struct Table: Decodable {
            var tableName: String
            var tableStatus: String?
            var keySchema: [KeySchemaElement]?
            var attributeDefinitions: [AttributeDefinition]?
            var globalSecondaryIndexes: [GlobalSecondaryIndex]?
            var billingModeSummary: BillingModeSummary?
            var tableArn: String?

            enum CodingKeys: String, CodingKey {
                case tableName = "TableName", tableStatus = "TableStatus", keySchema = "KeySchema"
                case attributeDefinitions = "AttributeDefinitions", globalSecondaryIndexes = "GlobalSecondaryIndexes"
                case billingModeSummary = "BillingModeSummary", tableArn = "TableArn"
            }
        }

        struct BillingModeSummary: Decodable {
            var billingMode: String?
            enum CodingKeys: String, CodingKey { case billingMode = "BillingMode" }
        }
    }

    private struct DescribeTimeToLiveOutput: Decodable {
        var description: Description
        enum CodingKeys: String, CodingKey { case description = "TimeToLiveDescription" }

        struct Description: Decodable {
            var timeToLiveStatus: String?
            var attributeName: String?
            enum CodingKeys: String, CodingKey {
                case timeToLiveStatus = "TimeToLiveStatus", attributeName = "AttributeName"
            }
        }
    }
}
