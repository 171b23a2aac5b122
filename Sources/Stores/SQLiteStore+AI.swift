import Foundation
import GRDB
import MessagingCore

// AI interactions locally: the interaction as JSON, filtered and paged by its columns.

extension SQLiteStore: AIInteractionStore {
    static let aiEncoder: JSONEncoder = {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .secondsSince1970
        e.outputFormatting = .sortedKeys
        return e
    }()
    static let aiDecoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .secondsSince1970
        return d
    }()

    public func insertInteraction(_ interaction: AIInteraction) async throws {
        let body = String(decoding: try Self.aiEncoder.encode(interaction), as: UTF8.self)
        do {
            try await db.write { db in
                try db.execute(sql: "INSERT INTO ai_interaction (id, messageId, contactId, status, createdAt, body) VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [interaction.id, interaction.messageId, interaction.contactId, interaction.status.rawValue,
                                           interaction.createdAt.timeIntervalSince1970, body])
            }
        } catch let e as DatabaseError where e.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
            throw StoreError.duplicate(interaction.id)
        }
    }

    public func interaction(id: String) async throws -> AIInteraction? {
        let body = try await db.read { try String.fetchOne($0, sql: "SELECT body FROM ai_interaction WHERE id = ?", arguments: [id]) }
        return try body.map { try Self.aiDecoder.decode(AIInteraction.self, from: Data($0.utf8)) }
    }

    public func updateInteraction(_ interaction: AIInteraction, ifStatus: AIStatus?) async throws -> Bool {
        let body = String(decoding: try Self.aiEncoder.encode(interaction), as: UTF8.self)
        let id = interaction.id, status = interaction.status.rawValue
        return try await db.write { db in
            var sql = "UPDATE ai_interaction SET status = ?, body = ? WHERE id = ?"
            var arguments: StatementArguments = [status, body, id]
            if let ifStatus {
                sql += " AND status = ?"
                arguments += [ifStatus.rawValue]
            }
            try db.execute(sql: sql, arguments: arguments)
            return db.changesCount == 1
        }
    }

    public func interactions(status: AIStatus?, contactId: String?, before: Date?, limit: Int) async throws -> [AIInteraction] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let status { conditions.append("status = ?"); arguments += [status.rawValue] }
        if let contactId { conditions.append("contactId = ?"); arguments += [contactId] }
        if let before { conditions.append("createdAt < ?"); arguments += [before.timeIntervalSince1970] }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        arguments += [limit]
        let given = arguments
        let bodies = try await db.read { db in
            try String.fetchAll(db, sql: "SELECT body FROM ai_interaction \(filter) ORDER BY createdAt DESC, id DESC LIMIT ?", arguments: given)
        }
        return try bodies.map { try Self.aiDecoder.decode(AIInteraction.self, from: Data($0.utf8)) }
    }
}
