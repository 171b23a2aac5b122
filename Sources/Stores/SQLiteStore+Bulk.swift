import Foundation
import GRDB
import MessagingCore

// Bulk jobs, recipients and the durable bulk queue live in the same database as the messages, so that
// "message recorded" and "recipient sent" are one transaction, and parking a chunk can look at its job.

extension SQLiteStore: BulkStore {
    public func insertJob(_ job: BulkJob, contactIds: [String]) async throws -> Bool {
        try await db.write { db in
            do {
                try BulkJobRow(job).insert(db)
            } catch where Self.isUniqueViolation(error) {
                return false
            }
            let insert = try db.makeStatement(sql: "INSERT INTO bulk_recipient (jobId, seq, contactId, status, updatedAt) VALUES (?, ?, ?, 'pending', ?)")
            let at = job.createdAt.timeIntervalSince1970
            for (seq, contactId) in contactIds.enumerated() {
                try insert.execute(arguments: [job.id, seq, contactId, at])
            }
            return true
        }
    }

    public func job(id: String) async throws -> BulkJob? {
        try await db.read { try BulkJobRow.fetchOne($0, key: id)?.job }
    }

    public func updateJob(_ job: BulkJob) async throws {
        try await db.write { try BulkJobRow(job).update($0) }
    }

    public func transitionJob(id: String, from: Set<BulkJobStatus>, to status: BulkJobStatus, at: Date) async throws -> (changed: Bool, job: BulkJob?) {
        try await db.write { db in
            guard var job = try BulkJobRow.fetchOne(db, key: id)?.job else { return (false, nil) }
            guard from.contains(job.status) else { return (false, job) }
            switch status {
            case .paused: job.pausedAt = at
            case .inProgress:
                if job.status == .paused { job.resumedAt = at }
                if job.status == .pending { job.confirmedAt = at }
            case .cancelled: job.cancelledAt = at
            case .completed: job.completedAt = at
            case .pending: break
            }
            job.status = status
            job.updatedAt = at
            try BulkJobRow(job).update(db)
            return (true, job)
        }
    }

    public func deleteJob(id: String) async throws {
        try await db.write { db in
            try db.execute(sql: "DELETE FROM bulk_recipient WHERE jobId = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM bulk_queue WHERE jobId = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM bulk_job WHERE id = ?", arguments: [id])
        }
    }

    public func jobs(status: BulkJobStatus) async throws -> [BulkJob] {
        try await db.read { try BulkJobRow.fetchAll($0, sql: "SELECT * FROM bulk_job WHERE status = ? ORDER BY createdAt, id", arguments: [status.rawValue]).map(\.job) }
    }

    public func listJobs(after cursor: BulkJobCursor?, limit: Int) async throws -> [BulkJob] {
        try await db.read { db in
            guard let cursor else {
                return try BulkJobRow.fetchAll(db, sql: "SELECT * FROM bulk_job ORDER BY createdAt DESC, id DESC LIMIT ?", arguments: [limit]).map(\.job)
            }
            let at = cursor.createdAt.timeIntervalSince1970
            return try BulkJobRow.fetchAll(db, sql: """
                SELECT * FROM bulk_job WHERE createdAt < ? OR (createdAt = ? AND id < ?) ORDER BY createdAt DESC, id DESC LIMIT ?
                """, arguments: [at, at, cursor.id, limit]).map(\.job)
        }
    }

    public func progress(jobId: String) async throws -> BulkProgress {
        try await db.read { db in
            var counts: [RecipientStatus: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM bulk_recipient WHERE jobId = ? GROUP BY status", arguments: [jobId]) {
                if let status = RecipientStatus(rawValue: row["status"]) { counts[status] = row["n"] }
            }
            return BulkProgress(counts: counts)
        }
    }

    public func isSettled(jobId: String) async throws -> Bool {
        try await db.read { db in
            try Bool.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM bulk_recipient WHERE jobId = ? AND status IN ('pending', 'sending'))",
                              arguments: [jobId]) ?? false
        }
    }

    public func recipients(jobId: String, fromSeq: Int, limit: Int) async throws -> [BulkRecipient] {
        try await db.read { db in
            try BulkRecipientRow.fetchAll(db, sql: "SELECT * FROM bulk_recipient WHERE jobId = ? AND seq >= ? ORDER BY seq LIMIT ?",
                                          arguments: [jobId, fromSeq, limit]).map(\.recipient)
        }
    }

    public func claimRecipient(jobId: String, seq: Int, lease: Lease, at: Date) async throws -> Bool {
        try await db.write { db in
            try db.execute(sql: """
                UPDATE bulk_recipient SET status = 'sending', owner = ?, leaseUntil = ?, updatedAt = ?
                WHERE jobId = ? AND seq = ? AND (status = 'pending' OR (status = 'sending' AND owner = ?))
                """, arguments: [lease.owner, lease.until.timeIntervalSince1970, at.timeIntervalSince1970, jobId, seq, lease.owner])
            return db.changesCount == 1
        }
    }

    public func finishRecipient(jobId: String, seq: Int, owner: String?, status: RecipientStatus, message: Message?, error: String?, at: Date) async throws {
        try await db.write { db in
            var messageId = message?.id
            if let message {
                do {
                    try MessageRow(message).insertCached(db)
                } catch where Self.isUniqueViolation(error) {
                    // Already recorded under this idempotency key: the first record stands.
                    messageId = try String.fetchOne(db, sql: "SELECT id FROM message WHERE idempotencyKey = ?", arguments: [message.idempotencyKey])
                }
            }
            // From `sending` while the owner holds it; a provider's answer also settles an interrupted recipient.
            try db.execute(sql: """
                UPDATE bulk_recipient SET status = ?, messageId = coalesce(?, messageId), error = ?, updatedAt = ?
                WHERE jobId = ? AND seq = ? AND ((status = 'sending' AND (? IS NULL OR owner = ?)) OR (? AND status = 'interrupted'))
                """, arguments: [status.rawValue, messageId, error, at.timeIntervalSince1970, jobId, seq, owner, owner, message != nil])
        }
    }

    public func releaseRecipient(jobId: String, seq: Int, owner: String?, at: Date) async throws {
        try await db.write { db in
            try db.execute(sql: """
                UPDATE bulk_recipient SET status = 'pending', owner = NULL, leaseUntil = NULL, updatedAt = ?
                WHERE jobId = ? AND seq = ? AND status = 'sending' AND (? IS NULL OR owner = ?)
                """, arguments: [at.timeIntervalSince1970, jobId, seq, owner, owner])
        }
    }

    public func cancelPending(jobId: String, at: Date) async throws -> Int {
        try await db.write { db in
            try db.execute(sql: "UPDATE bulk_recipient SET status = 'cancelled', updatedAt = ? WHERE jobId = ? AND status = 'pending'",
                           arguments: [at.timeIntervalSince1970, jobId])
            return db.changesCount
        }
    }

    public func sendingRecipients(leaseExpiredBy: Date?) async throws -> [BulkRecipient] {
        try await db.read { db in
            try BulkRecipientRow.fetchAll(db, sql: "SELECT * FROM bulk_recipient WHERE status = 'sending' AND (? IS NULL OR coalesce(leaseUntil, 0) < ?)",
                                          arguments: [leaseExpiredBy?.timeIntervalSince1970, leaseExpiredBy?.timeIntervalSince1970]).map(\.recipient)
        }
    }

    public func unsentTemplateRecipients() async throws -> Int {
        try await db.read { db in
            try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM bulk_recipient r JOIN bulk_job j ON j.id = r.jobId
                WHERE j.status IN ('in_progress', 'paused') AND j.channel = 'whatsapp'
                  AND json_extract(j.content, '$.templateName') IS NOT NULL AND r.status IN ('pending', 'sending')
                """) ?? 0
        }
    }

    public func pendingChunks(jobId: String, size: Int) async throws -> [BulkChunk] {
        try await db.read { db in
            guard let total = try Int.fetchOne(db, sql: "SELECT totalRecipients FROM bulk_job WHERE id = ?", arguments: [jobId]) else { return [] }
            let indexes = try Int.fetchAll(db, sql: "SELECT DISTINCT seq / ? FROM bulk_recipient WHERE jobId = ? AND status = 'pending' ORDER BY 1",
                                           arguments: [size, jobId])
            return indexes.map { BulkChunk(jobId: jobId, index: $0, firstSeq: $0 * size, count: min(size, total - $0 * size)) }
        }
    }
}

extension SQLiteStore: BulkQueue {
    public func enqueue(_ chunks: [BulkChunk]) async throws {
        try await db.write { db in
            let insert = try db.makeStatement(sql: "INSERT OR IGNORE INTO bulk_queue (dedupeKey, jobId, chunkIndex, body, visibleAt) VALUES (?, ?, ?, ?, 0)")
            for chunk in chunks { try insert.execute(arguments: [chunk.key, chunk.jobId, chunk.index, chunk.json]) }
        }
    }

    /// Jobs running together share the workers: the lowest chunk index of any job goes first, so a
    /// large job queued earlier does not hold back a later one until it ends.
    public func receive(visibility: TimeInterval, now: Date) async throws -> QueuedChunk? {
        // Idle workers poll: a read answers "nothing" without taking the writer.
        let any = try await db.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM bulk_queue WHERE parked = 0 AND visibleAt <= ?)", arguments: [now.timeIntervalSince1970]) ?? false
        }
        guard any else { return nil }
        let taken: (Int64, String, Int)? = try await db.write { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT id, body, receiveCount FROM bulk_queue WHERE parked = 0 AND visibleAt <= ? ORDER BY chunkIndex, id LIMIT 1
                """, arguments: [now.timeIntervalSince1970]) else { return nil }
            let id: Int64 = row["id"], count: Int = row["receiveCount"]
            try db.execute(sql: "UPDATE bulk_queue SET visibleAt = ?, receiveCount = ? WHERE id = ?",
                           arguments: [now.timeIntervalSince1970 + visibility, count + 1, id])
            return (id, row["body"], count + 1)
        }
        guard let (id, body, count) = taken else { return nil }
        return QueuedChunk(receipt: "\(id):\(count)", chunk: try BulkChunk(json: body), receiveCount: count)
    }

    public func delete(_ chunk: QueuedChunk) async throws {
        let (id, count) = try Self.receipt(chunk)
        try await db.write { try $0.execute(sql: "DELETE FROM bulk_queue WHERE id = ? AND receiveCount = ?", arguments: [id, count]) }
    }

    public func retry(_ chunk: QueuedChunk, at: Date) async throws {
        let (id, count) = try Self.receipt(chunk)
        try await db.write { db in
            try db.execute(sql: "UPDATE bulk_queue SET visibleAt = ? WHERE id = ? AND receiveCount = ?", arguments: [at.timeIntervalSince1970, id, count])
        }
    }

    public func park(_ chunk: QueuedChunk) async throws -> Bool {
        let (id, count) = try Self.receipt(chunk)
        return try await db.write { db in
            // One transaction with the job's status: a resume cannot slip between the check and the park.
            try db.execute(sql: """
                UPDATE bulk_queue SET parked = 1 WHERE id = ? AND receiveCount = ?
                  AND EXISTS (SELECT 1 FROM bulk_job WHERE bulk_job.id = bulk_queue.jobId AND bulk_job.status = 'paused')
                """, arguments: [id, count])
            return db.changesCount == 1
        }
    }

    public func unpark(jobId: String) async throws {
        try await db.write { try $0.execute(sql: "UPDATE bulk_queue SET parked = 0, visibleAt = 0, receiveCount = 0 WHERE jobId = ? AND parked = 1", arguments: [jobId]) }
    }

    public func deleteAll(jobId: String) async throws {
        try await db.write { try $0.execute(sql: "DELETE FROM bulk_queue WHERE jobId = ?", arguments: [jobId]) }
    }

    public func releaseInFlight() async throws {
        // A delivery a dead process held is not a failure of the chunk: the count starts again.
        try await db.write { try $0.execute(sql: "UPDATE bulk_queue SET visibleAt = 0, receiveCount = 0 WHERE parked = 0") }
    }

    static func receipt(_ chunk: QueuedChunk) throws -> (Int64, Int) {
        let parts = chunk.receipt.split(separator: ":")
        guard parts.count == 2, let id = Int64(parts[0]), let count = Int(parts[1]) else { throw StoreError.notFound("receipt \(chunk.receipt)") }
        return (id, count)
    }
}

struct BulkJobRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "bulk_job"
    var id: String, channel: String, status: String, content: String, totalRecipients: Int, createdBy: String
    var createdAt: Double, updatedAt: Double, confirmedAt: Double?, pausedAt: Double?, resumedAt: Double?, cancelledAt: Double?
    var completedAt: Double?, reportKey: String?

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = .sortedKeys
        return e
    }()

    init(_ j: BulkJob) {
        id = j.id; channel = j.channel.rawValue; status = j.status.rawValue
        content = String(decoding: (try? Self.encoder.encode(j.content)) ?? Data("{}".utf8), as: UTF8.self)
        totalRecipients = j.totalRecipients; createdBy = j.createdBy
        createdAt = j.createdAt.timeIntervalSince1970; updatedAt = j.updatedAt.timeIntervalSince1970
        confirmedAt = j.confirmedAt?.timeIntervalSince1970; pausedAt = j.pausedAt?.timeIntervalSince1970
        resumedAt = j.resumedAt?.timeIntervalSince1970; cancelledAt = j.cancelledAt?.timeIntervalSince1970
        completedAt = j.completedAt?.timeIntervalSince1970; reportKey = j.reportKey
    }

    var job: BulkJob {
        let date = { (t: Double?) in t.map(Date.init(timeIntervalSince1970:)) }
        return BulkJob(id: id, channel: Channel(rawValue: channel) ?? .whatsapp, status: BulkJobStatus(rawValue: status) ?? .cancelled,
                       content: (try? JSONDecoder().decode(BulkContent.self, from: Data(content.utf8))) ?? BulkContent(),
                       totalRecipients: totalRecipients, createdBy: createdBy, createdAt: Date(timeIntervalSince1970: createdAt),
                       updatedAt: Date(timeIntervalSince1970: updatedAt), confirmedAt: date(confirmedAt), pausedAt: date(pausedAt),
                       resumedAt: date(resumedAt), cancelledAt: date(cancelledAt), completedAt: date(completedAt), reportKey: reportKey)
    }
}

struct BulkRecipientRow: Codable, FetchableRecord {
    var jobId: String, seq: Int, contactId: String, status: String, messageId: String?, error: String?, updatedAt: Double
    var owner: String?, leaseUntil: Double?

    var recipient: BulkRecipient {
        BulkRecipient(jobId: jobId, seq: seq, contactId: contactId, status: RecipientStatus(rawValue: status) ?? .failed, messageId: messageId,
                      error: error, updatedAt: Date(timeIntervalSince1970: updatedAt),
                      lease: owner.map { Lease(owner: $0, until: Date(timeIntervalSince1970: leaseUntil ?? 0)) })
    }
}
