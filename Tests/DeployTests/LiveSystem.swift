import AWSClient
import Foundation

/// The client's live system as seeds 000 and 001 list it, made by hand in an emulator the way the account has it
/// today (before any wecare stack): the contacts and bulk jobs tables, the four queues and the common log group under
/// production's names, with 000's settings (DLQs and the bulk queue at 300 s visibility, 14 days of logs) and data in them.
enum LiveSystem {
    static let contacts = "base-wecare-digital-ContactsTable"
    static let bulkJobs = "base-wecare-digital-BulkJobsTable"
    static let queues = ["base-wecare-digital-bulk-queue", "base-wecare-digital-bulk-dlq", "base-wecare-digital-inbound-dlq", "base-wecare-digital-outbound-dlq"]
    static let logGroup = "/base-wecare-digital/common"

    /// - Parameters:
    ///   - bulkJobsKey: the bulk jobs table's partition key (`jobId`, as the spec has it).
    ///   - leaveOut: physical names not to create.
    static func create(_ aws: AWSClient, bulkJobsKey: String = "jobId", leaveOut: Set<String> = []) async throws {
        typealias Key = DynamoDBClient.KeySchemaElement
        typealias Attribute = DynamoDBClient.AttributeDefinition
        if !leaveOut.contains(contacts) {
            // One index live (byPhone); the spec adds byEmail, which the update after the import creates in place.
            try await createTable(aws, CreateTable(tableName: contacts, keySchema: [Key(attributeName: "contactId", keyType: "HASH")],
                                                   attributeDefinitions: [Attribute(attributeName: "contactId", attributeType: "S"), Attribute(attributeName: "phone", attributeType: "S")],
                                                   globalSecondaryIndexes: [.init(indexName: "byPhone", keySchema: [Key(attributeName: "phone", keyType: "HASH")], projectionType: "ALL")]))
        }
        if !leaveOut.contains(bulkJobs) {
            try await createTable(aws, CreateTable(tableName: bulkJobs, keySchema: [Key(attributeName: bulkJobsKey, keyType: "HASH")],
                                                   attributeDefinitions: [Attribute(attributeName: bulkJobsKey, attributeType: "S")]))
        }
        let sqs = SQSClient(client: aws)
        var dlqARN = "arn:aws:sqs:us-east-1:809904170947:base-wecare-digital-bulk-dlq"
        for name in queues.reversed() where !leaveOut.contains(name) {
            var attributes = ["VisibilityTimeout": "300", "MessageRetentionPeriod": name.hasSuffix("bulk-queue") ? "86400" : "604800"]
            if name.hasSuffix("bulk-queue") { attributes["RedrivePolicy"] = #"{"deadLetterTargetArn":"\#(dlqARN)","maxReceiveCount":3}"# }
            let url = try await sqs.createQueue(name: name, attributes: attributes)
            if name.hasSuffix("bulk-dlq") { dlqARN = try await sqs.getQueueAttributes(queueURL: url)["QueueArn"] ?? dlqARN }
        }
        if !leaveOut.contains(logGroup) {
            let _: EmptyShape = try await aws.json(.cloudWatchLogs, operation: "CreateLogGroup", input: ["logGroupName": logGroup])
            let _: EmptyShape = try await aws.json(.cloudWatchLogs, operation: "PutRetentionPolicy", input: Retention(logGroupName: logGroup, retentionInDays: 14))
        }
    }

    /// Writes what the live system holds: three contacts, a bulk job, and two chunks already dead-lettered.
    static func writeData(_ aws: AWSClient) async throws {
        let dynamo = DynamoDBClient(client: aws)
        for (id, phone) in [("c-1", "+919330994400"), ("c-2", "+919903300044"), ("c-3", "+14155550100")] {
            try await dynamo.putItem(table: contacts, item: ["contactId": .s(id), "phone": .s(phone), "name": .s("contact \(id)")])
        }
        try await dynamo.putItem(table: bulkJobs, item: ["jobId": .s("job-1"), "status": .s("PAUSED"), "totalRecipients": .number(250)])
        let sqs = SQSClient(client: aws)
        let dlq = try await sqs.getQueueURL(name: "base-wecare-digital-bulk-dlq")
        for n in 1...2 { _ = try await sqs.sendMessage(queueURL: dlq, body: #"{"jobId":"job-1","chunk":\#(n)}"#) }
    }

    /// What the live system holds now: contact ids, bulk job ids, messages waiting in the bulk DLQ.
    static func data(_ aws: AWSClient) async throws -> (contacts: [String], jobs: [String], deadLettered: String?) {
        let dynamo = DynamoDBClient(client: aws)
        let contactIDs = try await dynamo.scanAll(table: contacts).compactMap { $0["contactId"]?.string }.sorted()
        let jobIDs = try await dynamo.scanAll(table: bulkJobs).compactMap { $0["jobId"]?.string }.sorted()
        let sqs = SQSClient(client: aws)
        let waiting = try await sqs.getQueueAttributes(queueURL: try await sqs.getQueueURL(name: "base-wecare-digital-bulk-dlq"))["ApproximateNumberOfMessages"]
        return (contactIDs, jobIDs, waiting)
    }

    private struct CreateTable: Encodable {
        var tableName: String
        var keySchema: [DynamoDBClient.KeySchemaElement]
        var attributeDefinitions: [DynamoDBClient.AttributeDefinition]
        var globalSecondaryIndexes: [DynamoDBClient.GlobalSecondaryIndex]?
        var billingMode = "PAY_PER_REQUEST"

        enum CodingKeys: String, CodingKey {
            case tableName = "TableName", keySchema = "KeySchema", attributeDefinitions = "AttributeDefinitions"
            case globalSecondaryIndexes = "GlobalSecondaryIndexes", billingMode = "BillingMode"
        }
    }

    private struct Retention: Encodable {
        var logGroupName: String
        var retentionInDays: Int
    }

    private static func createTable(_ aws: AWSClient, _ input: CreateTable) async throws {
        let _: EmptyShape = try await aws.json(.dynamoDB, operation: "CreateTable", input: input)
    }
}
