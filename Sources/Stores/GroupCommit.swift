import Foundation
import GRDB
import MessagingCore

/// Group commit for inbound records: the records of concurrent requests are written in one transaction,
/// so SQLite's single writer commits once for many events instead of once each. Each caller still
/// returns only after the transaction holding its record has committed, so an acknowledged event is
/// never lost. An idle store writes a lone record at once: batching only happens under load.
final class GroupCommit: @unchecked Sendable {
    private struct Pending {
        var message: Message
        var updatedAt: Date
        var continuation: CheckedContinuation<Bool, any Error>
    }

    private let db: DatabasePool
    private let lock = NSLock()
    private var pending: [Pending] = []
    private var draining = false

    init(db: DatabasePool) { self.db = db }

    /// Inserts the message and moves its contact's window forward; false when the WhatsApp id is stored.
    func recordInbound(_ message: Message, updatedAt: Date) async throws -> Bool {
        try await withCheckedThrowingContinuation { continuation in
            let start = lock.withLock {
                pending.append(Pending(message: message, updatedAt: updatedAt, continuation: continuation))
                defer { draining = true }
                return !draining
            }
            if start { Task { await self.drain() } }
        }
    }

    private func drain() async {
        while true {
            let batch: [Pending] = lock.withLock {
                let taken = pending
                pending = []
                if taken.isEmpty { draining = false }
                return taken
            }
            if batch.isEmpty { return }
            do {
                let stored = try await db.write { db in try batch.map { try Self.write($0.message, updatedAt: $0.updatedAt, db) } }
                for (item, result) in zip(batch, stored) { item.continuation.resume(returning: result) }
            } catch {
                for item in batch { item.continuation.resume(throwing: error) }
            }
        }
    }

    /// One record inside the batch's transaction. A duplicate fails only its own statement in SQLite,
    /// not the transaction, so the other records of the batch stand.
    private static func write(_ message: Message, updatedAt: Date, _ db: Database) throws -> Bool {
        do {
            try MessageRow(message).insert(db)
        } catch where SQLiteStore.isUniqueViolation(error) {
            return false
        }
        let t = message.timestamp.timeIntervalSince1970
        // Cached: compiling the statement for every event cost more than running it.
        try db.cachedStatement(sql: """
            UPDATE contact SET lastInboundMessageAt = ?, updatedAt = ?
            WHERE id = ? AND (lastInboundMessageAt IS NULL OR lastInboundMessageAt < ?)
            """).execute(arguments: [t, updatedAt.timeIntervalSince1970, message.contactId, t])
        return true
    }
}
