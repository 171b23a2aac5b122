import Foundation
import GRDB
import MessagingCore

/// Group commit for inbound records: the records of concurrent requests are written in one transaction,
/// so SQLite's single writer commits once for many events instead of once each. Each caller still
/// returns only after the transaction holding its record has committed, so an acknowledged event is
/// never lost. An idle store writes a lone record at once: batching only happens under load.
///
/// The writes run on one thread of their own, synchronously: handing each batch to GRDB's asynchronous
/// API and back cost more thread switches than the transaction cost time.
final class GroupCommit: Sendable {
    private let queue: PendingRecords

    init(db: DatabasePool, walRestart: WALRestart) {
        queue = PendingRecords()
        let thread = Thread { [queue] in
            while let batch = queue.next() {
                Self.commit(batch, db)
                walRestart.completeIfRequested(db)
            }
        }
        thread.name = "wecare-inbound-writer"
        thread.start()
    }

    // The thread ends once the records handed in before are written.
    deinit { queue.close() }

    func recordInbound(_ message: Message, sender: Contact, updatedAt: Date) async throws -> InboundRecord {
        try await withCheckedThrowingContinuation { continuation in
            queue.add(PendingRecords.Record(message: message, sender: sender, updatedAt: updatedAt, continuation: continuation))
        }
    }

    private static func commit(_ batch: [PendingRecords.Record], _ db: DatabasePool) {
        do {
            let results = try db.writeWithoutTransaction { db in try transaction(db) { try batch.map { try write($0, db) } } }
            for (record, result) in zip(batch, results) { record.continuation.resume(returning: result) }
        } catch {
            for record in batch { record.continuation.resume(throwing: error) }
        }
    }

    /// `body` in one transaction, begun and ended by cached statements: GRDB's own `write` compiles its
    /// BEGIN and COMMIT again for every transaction.
    private static func transaction<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        try BoundStatement(db, "BEGIN IMMEDIATE").run([])
        do {
            let result = try body()
            try BoundStatement(db, "COMMIT").run([])
            return result
        } catch {
            // A failed BEGIN leaves no transaction to undo.
            if db.isInsideTransaction { try? BoundStatement(db, "ROLLBACK").run([]) }
            throw error
        }
    }

    /// One record inside the batch's transaction. A duplicate fails only its own statement in SQLite,
    /// not the transaction, so the other records of the batch stand. Statements are cached (compiling
    /// them for every event cost more than running them) and bound through `BoundStatement`.
    private static func write(_ record: PendingRecords.Record, _ db: Database) throws -> InboundRecord {
        var (message, sender) = (record.message, record.sender)
        var created = false
        if let phone = sender.phone,
           let id = try BoundStatement(db, "SELECT id FROM contact WHERE phone = ? AND deletedAt IS NULL").text([.text(phone)]) {
            message.contactId = id
        } else {
            try ContactRow(sender).insert(db)
            message.contactId = sender.id
            created = true
        }
        do {
            try MessageRow(message).insertCached(db)
        } catch where SQLiteStore.isUniqueViolation(error) {
            return InboundRecord(stored: false, contactId: message.contactId, createdContact: created)
        }
        let t = message.timestamp.timeIntervalSince1970
        // The newest message's profile name is the contact's name.
        try BoundStatement(db, """
            UPDATE contact SET lastInboundMessageAt = ?, updatedAt = ?, name = coalesce(?, name)
            WHERE id = ? AND (lastInboundMessageAt IS NULL OR lastInboundMessageAt < ?)
            """).run([.real(t), .real(record.updatedAt.timeIntervalSince1970), .text(sender.name), .text(message.contactId), .real(t)])
        if let number = message.windowNumber {
            try BoundStatement(db, """
                INSERT INTO inbound_window (contactId, phoneNumberId, lastInboundAt) VALUES (?, ?, ?)
                ON CONFLICT(contactId, phoneNumberId) DO UPDATE SET lastInboundAt = excluded.lastInboundAt
                WHERE excluded.lastInboundAt > inbound_window.lastInboundAt
                """).run([.text(message.contactId), .text(number), .real(t)])
        }
        return InboundRecord(stored: true, contactId: message.contactId, createdContact: created)
    }
}

/// The records waiting for the writer thread, and its wake-up.
private final class PendingRecords: @unchecked Sendable {
    struct Record {
        var message: Message
        var sender: Contact
        var updatedAt: Date
        var continuation: CheckedContinuation<InboundRecord, any Error>
    }

    private let condition = NSCondition()
    private var records: [Record] = []
    private var closed = false

    func add(_ record: Record) {
        condition.lock()
        records.append(record)
        condition.signal()
        condition.unlock()
    }

    /// Everything waiting, once there is something; nil once closed and drained.
    func next() -> [Record]? {
        condition.lock()
        defer { condition.unlock() }
        while records.isEmpty && !closed { condition.wait() }
        if records.isEmpty { return nil }
        defer { records = [] }
        return records
    }

    func close() {
        condition.lock()
        closed = true
        condition.signal()
        condition.unlock()
    }
}
