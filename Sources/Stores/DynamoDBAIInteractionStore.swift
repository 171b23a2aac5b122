import AWSClient
import Foundation
import MessagingCore

/// AI interactions in the AIInteractions table (`AI_INTERACTIONS_TABLE`): one item per suggestion, keyed
/// by `interactionId`, with the attributes the specs list (`messageId` for the byMessage index, `query`,
/// `response`, `approved`, `feedback`, `timestamp`), `status` and `contactId` to filter on, and `record`,
/// the whole interaction as JSON. Decisions are conditional writes on `status`.
public struct DynamoDBAIInteractionStore: AIInteractionStore {
    let db: DynamoDBClient
    let table: String

    public init(client: DynamoDBClient, table: String) {
        db = client
        self.table = table
    }

    func item(_ i: AIInteraction) throws -> DynamoItem {
        var item: DynamoItem = [
            "interactionId": .s(i.id), "messageId": .s(i.messageId), "contactId": .s(i.contactId), "query": .s(i.query),
            "response": .s(i.finalText ?? i.suggestion), "approved": .bool([.approved, .edited, .sent, .dryRun].contains(i.status)),
            "status": .s(i.status.rawValue), "timestamp": .number(i.createdAt.timeIntervalSince1970),
            "record": .s(String(decoding: try SQLiteStore.aiEncoder.encode(i), as: UTF8.self)),
        ]
        if let f = i.feedback { item["feedback"] = .s("\(f.rating)" + (f.comment.map { ": \($0)" } ?? "")) }
        return item
    }

    static func interaction(_ item: DynamoItem) throws -> AIInteraction? {
        guard let record = item["record"]?.string else { return nil }
        return try SQLiteStore.aiDecoder.decode(AIInteraction.self, from: Data(record.utf8))
    }

    public func insertInteraction(_ interaction: AIInteraction) async throws {
        do {
            try await db.putItem(table: table, item: try item(interaction), condition: "attribute_not_exists(interactionId)")
        } catch where DynamoDBStore.conditionFailed(error) {
            throw StoreError.duplicate(interaction.id)
        }
    }

    public func interaction(id: String) async throws -> AIInteraction? {
        try await db.getItem(table: table, key: ["interactionId": .s(id)]).flatMap(Self.interaction)
    }

    public func updateInteraction(_ interaction: AIInteraction, ifStatus: AIStatus?) async throws -> Bool {
        do {
            if let ifStatus {
                try await db.putItem(table: table, item: try item(interaction), condition: "#status = :expected",
                                     values: [":expected": .s(ifStatus.rawValue)], names: ["#status": "status"])
            } else {
                try await db.putItem(table: table, item: try item(interaction), condition: "attribute_exists(interactionId)")
            }
            return true
        } catch where DynamoDBStore.conditionFailed(error) {
            return false
        }
    }

    /// A scan, filtered on the server: the interaction log is read by people reviewing suggestions, a
    /// few pages at a time, not on a hot path.
    public func interactions(status: AIStatus?, contactId: String?, before: Date?, limit: Int) async throws -> [AIInteraction] {
        var conditions: [String] = []
        var values: DynamoItem = [:]
        var names: [String: String] = [:]
        if let status { conditions.append("#status = :status"); values[":status"] = .s(status.rawValue); names["#status"] = "status" }
        if let contactId { conditions.append("contactId = :contact"); values[":contact"] = .s(contactId) }
        if let before { conditions.append("#ts < :before"); values[":before"] = .number(before.timeIntervalSince1970); names["#ts"] = "timestamp" }
        let items = try await db.scanAll(table: table, filter: conditions.isEmpty ? nil : conditions.joined(separator: " AND "),
                                         values: values.isEmpty ? nil : values, names: names.isEmpty ? nil : names)
        return Array(try items.compactMap(Self.interaction).sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }.prefix(limit))
    }
}
