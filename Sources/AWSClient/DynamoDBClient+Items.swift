import Foundation

/// One DynamoDB attribute value as the wire carries it: `{"S": "…"}`, `{"N": "12.5"}`, `{"BOOL": true}`,
/// `{"NULL": true}`, `{"L": […]}`, `{"M": {…}}`.
public indirect enum DynamoValue: Sendable, Equatable, Codable {
    case s(String)
    case n(String)
    case bool(Bool)
    case null
    case l([DynamoValue])
    case m([String: DynamoValue])

    public static func number(_ value: Double) -> DynamoValue {
        .n(value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value))
    }

    public static func number(_ value: Int) -> DynamoValue { .n(String(value)) }

    public var string: String? { if case .s(let s) = self { s } else { nil } }
    public var double: Double? { if case .n(let n) = self { Double(n) } else { nil } }
    public var int: Int? { if case .n(let n) = self { Int(n) ?? Double(n).map { Int($0) } } else { nil } }
    public var bool: Bool? { if case .bool(let b) = self { b } else { nil } }

    private enum Key: String, CodingKey { case S, N, BOOL, NULL, L, M }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        if let s = try c.decodeIfPresent(String.self, forKey: .S) { self = .s(s) }
        else if let n = try c.decodeIfPresent(String.self, forKey: .N) { self = .n(n) }
        else if let b = try c.decodeIfPresent(Bool.self, forKey: .BOOL) { self = .bool(b) }
        else if c.contains(.NULL) { self = .null }
        else if let l = try c.decodeIfPresent([DynamoValue].self, forKey: .L) { self = .l(l) }
        else if let m = try c.decodeIfPresent([String: DynamoValue].self, forKey: .M) { self = .m(m) }
        else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "an attribute value of a type this client does not read"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        switch self {
        case .s(let s): try c.encode(s, forKey: .S)
        case .n(let n): try c.encode(n, forKey: .N)
        case .bool(let b): try c.encode(b, forKey: .BOOL)
        case .null: try c.encode(true, forKey: .NULL)
        case .l(let l): try c.encode(l, forKey: .L)
        case .m(let m): try c.encode(m, forKey: .M)
        }
    }
}

public typealias DynamoItem = [String: DynamoValue]

/// Item operations: the runtime's DynamoDB store reads and writes through these.
extension DynamoDBClient {
    /// A write with an optional condition, one element of `transactWriteItems`.
    public enum TransactWrite: Sendable, Equatable {
        case put(table: String, item: DynamoItem, condition: String? = nil, values: DynamoItem = [:], names: [String: String]? = nil)
        case update(table: String, key: DynamoItem, set: String, condition: String? = nil, values: DynamoItem = [:], names: [String: String]? = nil)
        case delete(table: String, key: DynamoItem)
    }

    /// A query's page of items and where the next page starts.
    public struct Page: Sendable, Equatable {
        public var items: [DynamoItem]
        public var lastEvaluatedKey: DynamoItem?
    }

    public func getItem(table: String, key: DynamoItem, consistent: Bool = true) async throws -> DynamoItem? {
        let output: ItemOutput = try await client.json(
            .dynamoDB, operation: "GetItem", input: GetItemInput(TableName: table, Key: key, ConsistentRead: consistent))
        return output.Item
    }

    /// Puts `item`; with a `condition` (e.g. `attribute_not_exists(id)`) a failed check throws
    /// `AWSError` with code `ConditionalCheckFailedException`.
    public func putItem(table: String, item: DynamoItem, condition: String? = nil, values: DynamoItem? = nil, names: [String: String]? = nil) async throws {
        let _: EmptyShape = try await client.json(
            .dynamoDB, operation: "PutItem",
            input: PutItemInput(TableName: table, Item: item, ConditionExpression: condition, ExpressionAttributeValues: values,
                                ExpressionAttributeNames: names))
    }

    /// `set` is an update expression (`SET a = :a, b = :b`), its values named in `values`.
    public func updateItem(table: String, key: DynamoItem, set: String, condition: String? = nil, values: DynamoItem,
                           names: [String: String]? = nil) async throws {
        let _: EmptyShape = try await client.json(
            .dynamoDB, operation: "UpdateItem",
            input: UpdateItemInput(TableName: table, Key: key, UpdateExpression: set, ConditionExpression: condition,
                                   ExpressionAttributeValues: values, ExpressionAttributeNames: names))
    }

    public func deleteItem(table: String, key: DynamoItem) async throws {
        let _: EmptyShape = try await client.json(.dynamoDB, operation: "DeleteItem", input: DeleteItemInput(TableName: table, Key: key))
    }

    /// One page of a query on the table or one of its indexes.
    /// `consistent` reads the table strongly consistently (not possible on a global secondary index).
    public func query(table: String, index: String? = nil, keyCondition: String, values: DynamoItem, names: [String: String]? = nil,
                      filter: String? = nil, forward: Bool = true, limit: Int? = nil, startKey: DynamoItem? = nil,
                      consistent: Bool = false) async throws -> Page {
        let output: PageOutput = try await client.json(
            .dynamoDB, operation: "Query",
            input: QueryInput(TableName: table, IndexName: index, KeyConditionExpression: keyCondition, FilterExpression: filter,
                              ExpressionAttributeValues: values, ExpressionAttributeNames: names, ScanIndexForward: forward, Limit: limit,
                              ExclusiveStartKey: startKey, ConsistentRead: consistent ? true : nil))
        return Page(items: output.Items ?? [], lastEvaluatedKey: output.LastEvaluatedKey)
    }

    /// One page of a scan, filtered after reading.
    public func scan(table: String, filter: String? = nil, values: DynamoItem? = nil, names: [String: String]? = nil,
                     startKey: DynamoItem? = nil) async throws -> Page {
        let output: PageOutput = try await client.json(
            .dynamoDB, operation: "Scan",
            input: ScanInput(TableName: table, FilterExpression: filter, ExpressionAttributeValues: values, ExpressionAttributeNames: names,
                             ExclusiveStartKey: startKey))
        return Page(items: output.Items ?? [], lastEvaluatedKey: output.LastEvaluatedKey)
    }

    /// Every page of a query, read one after the other.
    public func queryAll(table: String, index: String? = nil, keyCondition: String, values: DynamoItem, names: [String: String]? = nil,
                         filter: String? = nil, consistent: Bool = false) async throws -> [DynamoItem] {
        try await allPages { start in
            try await query(table: table, index: index, keyCondition: keyCondition, values: values, names: names, filter: filter, startKey: start,
                            consistent: consistent)
        }
    }

    /// Every page of a scan, read one after the other.
    public func scanAll(table: String, filter: String? = nil, values: DynamoItem? = nil, names: [String: String]? = nil) async throws -> [DynamoItem] {
        try await allPages { start in try await scan(table: table, filter: filter, values: values, names: names, startKey: start) }
    }

    private func allPages(_ page: (DynamoItem?) async throws -> Page) async throws -> [DynamoItem] {
        var items: [DynamoItem] = []
        var start: DynamoItem?
        repeat {
            let next = try await page(start)
            items += next.items
            start = next.lastEvaluatedKey
        } while start != nil
        return items
    }

    /// What BatchWriteItem still left unprocessed after every retry.
    public struct UnprocessedWrites: Error, CustomStringConvertible {
        public var table: String
        public var count: Int
        public var description: String { "DynamoDB left \(count) write(s) to \(table) unprocessed after \(DynamoDBClient.batchAttempts) attempts (throttled?)" }
    }

    static let batchAttempts = 8
    /// Batches in flight at once: a 100,000-item write is 4,000 calls, too slow one after the other.
    static let batchesInFlight = 8

    /// Puts and deletes in batches of 25 (BatchWriteItem), up to `batchesInFlight` at once, sending again
    /// what DynamoDB left unprocessed (with a growing pause, `batchAttempts` times at most). Not atomic:
    /// each item is written on its own.
    public func batchWrite(table: String, puts: [DynamoItem] = [], deleteKeys: [DynamoItem] = []) async throws {
        let requests = puts.map { BatchRequest(PutRequest: .init(Item: $0)) } + deleteKeys.map { BatchRequest(DeleteRequest: .init(Key: $0)) }
        let batches = stride(from: 0, to: requests.count, by: 25).map { Array(requests[$0..<min($0 + 25, requests.count)]) }
        try await Self.forEach(batches, inFlight: Self.batchesInFlight) { [client] batch in
            var pending = [table: batch]
            for attempt in 0..<Self.batchAttempts {
                if attempt > 0 { try await Task.sleep(for: .milliseconds(min(50 << attempt, 2_000))) }
                let output: BatchWriteOutput = try await client.json(.dynamoDB, operation: "BatchWriteItem", input: BatchWriteInput(RequestItems: pending))
                pending = (output.UnprocessedItems ?? [:]).filter { !$0.value.isEmpty }
                if pending.isEmpty { return }
            }
            throw UnprocessedWrites(table: table, count: pending.values.map(\.count).reduce(0, +))
        }
    }

    /// Runs `body` on every element, at most `inFlight` calls at once; the first error ends it.
    public static func forEach<T: Sendable>(_ elements: [T], inFlight: Int, _ body: @escaping @Sendable (T) async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (i, element) in elements.enumerated() {
                if i >= inFlight { try await group.next() }
                group.addTask { try await body(element) }
            }
            try await group.waitForAll()
        }
    }

    /// How many items of a query match, without returning them (`Select: COUNT`), over every page.
    public func count(table: String, index: String? = nil, keyCondition: String, values: DynamoItem, names: [String: String]? = nil) async throws -> Int {
        var total = 0
        var start: DynamoItem?
        repeat {
            let output: CountOutput = try await client.json(
                .dynamoDB, operation: "Query",
                input: CountInput(TableName: table, IndexName: index, KeyConditionExpression: keyCondition, ExpressionAttributeValues: values,
                                  ExpressionAttributeNames: names, ExclusiveStartKey: start))
            total += output.Count
            start = output.LastEvaluatedKey
        } while start != nil
        return total
    }

    /// All of the writes or none. A failed condition throws `AWSError` with code
    /// `TransactionCanceledException`; `cancellationReasons(_:)` reads which element failed.
    public func transactWriteItems(_ writes: [TransactWrite]) async throws {
        let _: EmptyShape = try await client.json(
            .dynamoDB, operation: "TransactWriteItems", input: TransactWriteInput(TransactItems: writes.map(TransactWriteElement.init)))
    }

    /// The per-element reasons of a cancelled transaction, in order (`None` for elements that passed),
    /// as AWS lists them in the message: `… [ConditionalCheckFailed, None]`.
    public static func cancellationReasons(_ error: AWSError) -> [String] {
        guard error.code == "TransactionCanceledException", let open = error.message.lastIndex(of: "["),
              let close = error.message.lastIndex(of: "]"), open < close else { return [] }
        return error.message[error.message.index(after: open)..<close].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    // MARK: - Wire shapes (field names are the wire's)

    private struct GetItemInput: Encodable {
        var TableName: String
        var Key: DynamoItem
        var ConsistentRead: Bool
    }

    private struct PutItemInput: Encodable {
        var TableName: String
        var Item: DynamoItem
        var ConditionExpression: String?
        var ExpressionAttributeValues: DynamoItem?
        var ExpressionAttributeNames: [String: String]?
    }

    private struct UpdateItemInput: Encodable {
        var TableName: String
        var Key: DynamoItem
        var UpdateExpression: String
        var ConditionExpression: String?
        var ExpressionAttributeValues: DynamoItem
        var ExpressionAttributeNames: [String: String]?
    }

    private struct DeleteItemInput: Encodable {
        var TableName: String
        var Key: DynamoItem
    }

    private struct QueryInput: Encodable {
        var TableName: String
        var IndexName: String?
        var KeyConditionExpression: String
        var FilterExpression: String?
        var ExpressionAttributeValues: DynamoItem
        var ExpressionAttributeNames: [String: String]?
        var ScanIndexForward: Bool
        var Limit: Int?
        var ExclusiveStartKey: DynamoItem?
        var ConsistentRead: Bool?
    }

    private struct ScanInput: Encodable {
        var TableName: String
        var FilterExpression: String?
        var ExpressionAttributeValues: DynamoItem?
        var ExpressionAttributeNames: [String: String]?
        var ExclusiveStartKey: DynamoItem?
    }

    private struct TransactWriteInput: Encodable {
        var TransactItems: [TransactWriteElement]
    }

    private struct TransactWriteElement: Encodable {
        struct PutShape: Encodable {
            var TableName: String
            var Item: DynamoItem
            var ConditionExpression: String?
            var ExpressionAttributeValues: DynamoItem?
            var ExpressionAttributeNames: [String: String]?
        }
        struct UpdateShape: Encodable {
            var TableName: String
            var Key: DynamoItem
            var UpdateExpression: String
            var ConditionExpression: String?
            var ExpressionAttributeValues: DynamoItem?
            var ExpressionAttributeNames: [String: String]?
        }
        struct DeleteShape: Encodable {
            var TableName: String
            var Key: DynamoItem
        }
        var Put: PutShape?
        var Update: UpdateShape?
        var Delete: DeleteShape?

        init(_ write: TransactWrite) {
            switch write {
            case .put(let table, let item, let condition, let values, let names):
                Put = PutShape(TableName: table, Item: item, ConditionExpression: condition, ExpressionAttributeValues: values.isEmpty ? nil : values,
                               ExpressionAttributeNames: names)
            case .update(let table, let key, let set, let condition, let values, let names):
                Update = UpdateShape(TableName: table, Key: key, UpdateExpression: set, ConditionExpression: condition,
                                     ExpressionAttributeValues: values.isEmpty ? nil : values, ExpressionAttributeNames: names)
            case .delete(let table, let key):
                Delete = DeleteShape(TableName: table, Key: key)
            }
        }
    }

    private struct BatchRequest: Codable, Sendable {
        struct Put: Codable { var Item: DynamoItem }
        struct Delete: Codable { var Key: DynamoItem }
        var PutRequest: Put?
        var DeleteRequest: Delete?
    }

    private struct BatchWriteInput: Encodable {
        var RequestItems: [String: [BatchRequest]]
    }

    private struct BatchWriteOutput: Decodable {
        var UnprocessedItems: [String: [BatchRequest]]?
    }

    private struct CountInput: Encodable {
        var TableName: String
        var IndexName: String?
        var KeyConditionExpression: String
        var ExpressionAttributeValues: DynamoItem
        var ExpressionAttributeNames: [String: String]?
        var ExclusiveStartKey: DynamoItem?
        var Select = "COUNT"
    }

    private struct CountOutput: Decodable {
        var Count: Int
        var LastEvaluatedKey: DynamoItem?
    }

    private struct ItemOutput: Decodable {
        var Item: DynamoItem?
    }

    private struct PageOutput: Decodable {
        var Items: [DynamoItem]?
        var LastEvaluatedKey: DynamoItem?
    }

}
