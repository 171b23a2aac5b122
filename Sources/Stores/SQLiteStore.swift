import Foundation
import GRDB
import MessagingCore

/// The embedded default store: SQLite in WAL mode, with the unique constraints the core relies on
/// (one live contact per phone, one message per WhatsApp id) so that concurrent deliveries cannot
/// store a message twice.
public final class SQLiteStore: MessagingStore, Sendable {
    let db: DatabasePool
    let inbound: GroupCommit
    let checkpointer: Checkpointer

    /// Opens (creating if needed) the database at `path` and migrates it.
    public convenience init(path: String) throws {
        try self.init(path: path, checkpointInterval: 0.25, restartFrames: Checkpointer.restartFrames)
    }

    /// With the checkpoints' rhythm set: every `checkpointInterval` a passive round on the checkpointer's
    /// thread; after a round that leaves `restartFrames` or more in the WAL, the writer copies the rest
    /// so that the WAL starts over (`WALRestart`). The writer's own automatic checkpoint is far out
    /// (`walSafetyPages`, by default twice `restartFrames`): reached only if the two cannot keep up.
    init(path: String, checkpointInterval: TimeInterval, restartFrames: Int, walSafetyPages: Int? = nil) throws {
        var config = Configuration()
        config.busyMode = .timeout(5)
        // Every reader connection keeps its own page cache: a few readers serve a 2-core service as well as many, in less memory.
        config.maximumReaderCount = 3
        // WAL with synchronous=NORMAL: a commit survives a process crash (what the crash tests kill),
        // and only a power loss can drop the last commits; fsync on every commit would cap ingestion.
        // Checkpoints run on a thread of their own (Checkpointer), not inside a commit.
        let safety = walSafetyPages ?? 2 * restartFrames
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = \(safety)") }
        db = try DatabasePool(path: path, configuration: config)
        try Self.migrator.migrate(db)
        let walRestart = WALRestart()
        inbound = GroupCommit(db: db, walRestart: walRestart)
        checkpointer = try Checkpointer(path: path, every: checkpointInterval, restartFrames: restartFrames, restart: walRestart)
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE contact (
                    id TEXT PRIMARY KEY, name TEXT, phone TEXT, email TEXT,
                    optInWhatsApp BOOLEAN NOT NULL, optInSms BOOLEAN NOT NULL, optInEmail BOOLEAN NOT NULL,
                    lastInboundMessageAt DOUBLE, createdAt DOUBLE NOT NULL, updatedAt DOUBLE NOT NULL, deletedAt DOUBLE);
                CREATE UNIQUE INDEX contact_live_phone ON contact(phone) WHERE deletedAt IS NULL AND phone IS NOT NULL;
                CREATE TABLE message (
                    id TEXT PRIMARY KEY, contactId TEXT NOT NULL, channel TEXT NOT NULL, direction TEXT NOT NULL, status TEXT NOT NULL,
                    kind TEXT NOT NULL, content TEXT, templateName TEXT, subject TEXT, timestamp DOUBLE NOT NULL, providerMessageId TEXT,
                    whatsappMessageId TEXT, phoneNumberId TEXT, mediaId TEXT, s3Key TEXT, errorDetails TEXT, wouldBeRequest TEXT,
                    segments INTEGER, expiresAt INTEGER NOT NULL);
                CREATE UNIQUE INDEX message_whatsapp_id ON message(whatsappMessageId) WHERE whatsappMessageId IS NOT NULL;
                CREATE INDEX message_contact_time ON message(contactId, timestamp DESC);
                CREATE INDEX message_provider_id ON message(providerMessageId);
                CREATE TABLE media (fileId TEXT PRIMARY KEY, messageId TEXT NOT NULL, s3Key TEXT NOT NULL, contentType TEXT NOT NULL,
                    size INTEGER, whatsappMediaId TEXT NOT NULL, uploadedAt DOUBLE NOT NULL);
                CREATE TABLE dlq (id TEXT PRIMARY KEY, originalMessageId TEXT NOT NULL, queue TEXT NOT NULL, payload TEXT NOT NULL,
                    error TEXT NOT NULL, retryCount INTEGER NOT NULL, lastAttemptAt DOUBLE NOT NULL, expiresAt INTEGER NOT NULL);
                CREATE TABLE audit (id TEXT PRIMARY KEY, userId TEXT NOT NULL, action TEXT NOT NULL, resourceType TEXT NOT NULL,
                    resourceId TEXT, outcome TEXT NOT NULL, details TEXT, timestamp DOUBLE NOT NULL, expiresAt INTEGER NOT NULL);
                CREATE INDEX audit_time ON audit(timestamp DESC);
                """)
        }
        m.registerMigration("v2-bulk") { db in
            try db.execute(sql: """
                ALTER TABLE message ADD COLUMN idempotencyKey TEXT;
                CREATE UNIQUE INDEX message_idempotency ON message(idempotencyKey) WHERE idempotencyKey IS NOT NULL;
                CREATE INDEX message_channel_time ON message(channel, timestamp);
                CREATE TABLE bulk_job (id TEXT PRIMARY KEY, channel TEXT NOT NULL, status TEXT NOT NULL, content TEXT NOT NULL,
                    totalRecipients INTEGER NOT NULL, createdBy TEXT NOT NULL, createdAt DOUBLE NOT NULL, updatedAt DOUBLE NOT NULL,
                    confirmedAt DOUBLE, pausedAt DOUBLE, resumedAt DOUBLE, cancelledAt DOUBLE, completedAt DOUBLE, reportKey TEXT);
                CREATE INDEX bulk_job_status ON bulk_job(status);
                CREATE TABLE bulk_recipient (jobId TEXT NOT NULL, seq INTEGER NOT NULL, contactId TEXT NOT NULL, status TEXT NOT NULL,
                    messageId TEXT, error TEXT, updatedAt DOUBLE NOT NULL, PRIMARY KEY (jobId, seq)) WITHOUT ROWID;
                CREATE INDEX bulk_recipient_job_status ON bulk_recipient(jobId, status);
                CREATE TABLE bulk_queue (id INTEGER PRIMARY KEY, dedupeKey TEXT NOT NULL UNIQUE, jobId TEXT NOT NULL, chunkIndex INTEGER NOT NULL,
                    body TEXT NOT NULL, visibleAt DOUBLE NOT NULL, receiveCount INTEGER NOT NULL DEFAULT 0, parked BOOLEAN NOT NULL DEFAULT 0);
                CREATE INDEX bulk_queue_order ON bulk_queue(parked, chunkIndex, id);
                CREATE INDEX bulk_queue_job ON bulk_queue(jobId);
                """)
        }
        m.registerMigration("v3-config") { db in
            try db.execute(sql: "CREATE TABLE system_config (configKey TEXT PRIMARY KEY, configValue TEXT NOT NULL, updatedBy TEXT NOT NULL, updatedAt DOUBLE NOT NULL)")
        }
        m.registerMigration("v4-leases") { db in
            try db.execute(sql: """
                ALTER TABLE bulk_recipient ADD COLUMN owner TEXT;
                ALTER TABLE bulk_recipient ADD COLUMN leaseUntil DOUBLE;
                """)
        }
        // Inbound kept whole: typed details and reactions on messages, a window per contact and business
        // number (filled from the inbound messages already stored), statuses parked before their message.
        m.registerMigration("v5-inbound") { db in
            try db.execute(sql: """
                ALTER TABLE message ADD COLUMN inbound TEXT;
                ALTER TABLE message ADD COLUMN reaction TEXT;
                CREATE TABLE inbound_window (contactId TEXT NOT NULL, phoneNumberId TEXT NOT NULL, lastInboundAt DOUBLE NOT NULL,
                    PRIMARY KEY (contactId, phoneNumberId)) WITHOUT ROWID;
                INSERT INTO inbound_window (contactId, phoneNumberId, lastInboundAt)
                    SELECT contactId, phoneNumberId, MAX(timestamp) FROM message
                    WHERE channel = 'whatsapp' AND direction = 'inbound' AND phoneNumberId IS NOT NULL GROUP BY contactId, phoneNumberId;
                CREATE TABLE parked_status (lookupKey TEXT PRIMARY KEY, whatsappMessageId TEXT NOT NULL, providerMessageId TEXT,
                    status TEXT NOT NULL, rank INTEGER NOT NULL, error TEXT, expiresAt INTEGER NOT NULL);
                CREATE TABLE parked_reaction (whatsappMessageId TEXT PRIMARY KEY, emoji TEXT, reactedAt DOUBLE NOT NULL, expiresAt INTEGER NOT NULL);
                """)
        }
        // AI suggestions (Req 15): the interaction as JSON, with the columns it is filtered and paged by.
        m.registerMigration("v6-ai") { db in
            try db.execute(sql: """
                CREATE TABLE ai_interaction (id TEXT PRIMARY KEY, messageId TEXT NOT NULL, contactId TEXT NOT NULL, status TEXT NOT NULL,
                    createdAt DOUBLE NOT NULL, body TEXT NOT NULL);
                CREATE INDEX ai_interaction_created ON ai_interaction(createdAt);
                """)
        }
        // The provider-id and channel-time indexes serve outbound lookups only (`message(providerId:)`,
        // `businessConversations`), so inbound rows stay out of them: an ingested message is written into
        // four B-trees instead of six.
        m.registerMigration("v7-outbound-indexes") { db in
            try db.execute(sql: """
                DROP INDEX message_provider_id;
                CREATE INDEX message_provider_id ON message(providerMessageId) WHERE direction = 'outbound';
                DROP INDEX message_channel_time;
                CREATE INDEX message_channel_time ON message(channel, timestamp) WHERE direction = 'outbound';
                """)
        }
        return m
    }

    /// A unique index or a primary key refused the row (SQLite tells the two apart; a TEXT primary key
    /// such as a job's id is the second).
    static func isUniqueViolation(_ error: Error) -> Bool {
        let code = (error as? DatabaseError)?.extendedResultCode
        return code == .SQLITE_CONSTRAINT_UNIQUE || code == .SQLITE_CONSTRAINT_PRIMARYKEY
    }

    // MARK: Contacts

    public func insertContact(_ contact: Contact) async throws {
        do {
            try await db.write { try ContactRow(contact).insert($0) }
        } catch where Self.isUniqueViolation(error) {
            throw StoreError.duplicate(contact.phone ?? contact.id)
        }
    }

    public func updateContact(_ contact: Contact) async throws {
        do {
            try await db.write { db in
                guard try ContactRow.fetchOne(db, key: contact.id) != nil else { throw StoreError.notFound(contact.id) }
                try ContactRow(contact).update(db)
            }
        } catch where Self.isUniqueViolation(error) {
            throw StoreError.duplicate(contact.phone ?? contact.id)
        }
    }

    public func contact(id: String) async throws -> Contact? {
        try await db.read { try ContactRow.fetchOne($0, key: id)?.contact }
    }

    public func contact(phone: String) async throws -> Contact? {
        try await db.read { db in
            try ContactRow.fetchOne(db.cachedStatement(sql: "SELECT * FROM contact WHERE phone = ? AND deletedAt IS NULL"), arguments: [phone])?.contact
        }
    }

    public func searchContacts(_ query: String, limit: Int) async throws -> [Contact] {
        let pattern = "%" + query.lowercased().replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
        return try await db.read { db in
            try ContactRow.fetchAll(db, sql: """
                SELECT * FROM contact WHERE deletedAt IS NULL
                  AND (lower(coalesce(name, '')) LIKE ?1 ESCAPE '\\' OR coalesce(phone, '') LIKE ?1 ESCAPE '\\' OR lower(coalesce(email, '')) LIKE ?1 ESCAPE '\\')
                ORDER BY coalesce(name, ''), id LIMIT ?2
                """, arguments: [pattern, limit]).map(\.contact)
        }
    }

    public func contactIds(matching query: String, optedIn: Channel?, limit: Int) async throws -> [String] {
        let pattern = "%" + query.lowercased().replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
        let optIn = optedIn.map { " AND " + ["whatsapp": "optInWhatsApp", "sms": "optInSms", "email": "optInEmail"][$0.rawValue]! } ?? ""
        return try await db.read { db in
            try String.fetchAll(db, sql: """
                SELECT id FROM contact WHERE deletedAt IS NULL\(optIn)
                  AND (?1 = '%%' OR lower(coalesce(name, '')) LIKE ?1 ESCAPE '\\' OR coalesce(phone, '') LIKE ?1 ESCAPE '\\'
                       OR lower(coalesce(email, '')) LIKE ?1 ESCAPE '\\')
                ORDER BY createdAt, id LIMIT ?2
                """, arguments: [pattern, limit])
        }
    }

    // MARK: Messages

    public func insertMessage(_ message: Message) async throws -> Bool {
        do {
            try await db.write { try MessageRow(message).insertCached($0) }
            return true
        } catch where Self.isUniqueViolation(error) {
            return false
        }
    }

    public func recordInbound(_ message: Message, sender: Contact, updatedAt: Date) async throws -> InboundRecord {
        try await inbound.recordInbound(message, sender: sender, updatedAt: updatedAt)
    }

    public func updateMessage(_ message: Message, ifStatusIn allowed: Set<MessageStatus>?) async throws -> Bool {
        try await db.write { db in
            // One write transaction: the status read here is the one replaced.
            guard let old = try MessageRow.fetchOne(db, key: message.id)?.message else { throw StoreError.notFound(message.id) }
            if let allowed, !allowed.contains(old.status) { return false }
            var message = message
            message.reaction = old.reaction
            try MessageRow(message).update(db)
            return true
        }
    }

    public func message(id: String) async throws -> Message? {
        try await db.read { try MessageRow.fetchOne($0, key: id)?.message }
    }

    public func message(whatsappId: String) async throws -> Message? {
        try await db.read { try MessageRow.fetchOne($0, sql: "SELECT * FROM message WHERE whatsappMessageId = ?", arguments: [whatsappId])?.message }
    }

    public func message(idempotencyKey: String) async throws -> Message? {
        try await db.read { try MessageRow.fetchOne($0, sql: "SELECT * FROM message WHERE idempotencyKey = ?", arguments: [idempotencyKey])?.message }
    }

    public func businessConversations(since: Date) async throws -> Int {
        try await db.read { db in
            try Int.fetchOne(db, sql: Self.businessConversationsSQL, arguments: [since.timeIntervalSince1970]) ?? 0
        }
    }

    /// Both outbound lookups name `direction = 'outbound'`, which lets them use the partial indexes of
    /// migration v7 (`SQLiteQueryPlanTests` holds them to it).
    static let businessConversationsSQL = """
        SELECT COUNT(DISTINCT contactId) FROM message
        WHERE channel = 'whatsapp' AND timestamp > ? AND direction = 'outbound' AND kind = 'template' AND status != 'failed'
        """
    static let outboundByProviderIdSQL = "SELECT * FROM message WHERE providerMessageId = ? AND direction = 'outbound' LIMIT 1"

    public func message(providerId: String) async throws -> Message? {
        try await db.read { db in try MessageRow.fetchOne(db, sql: Self.outboundByProviderIdSQL, arguments: [providerId])?.message }
    }

    public func setReaction(messageId: String, emoji: String?) async throws {
        try await db.write { db in
            try db.execute(sql: "UPDATE message SET reaction = ? WHERE id = ?", arguments: [emoji, messageId])
            guard db.changesCount == 1 else { throw StoreError.notFound(messageId) }
        }
    }

    public func inboundWindows(contactId: String) async throws -> [String: Date] {
        try await db.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT phoneNumberId, lastInboundAt FROM inbound_window WHERE contactId = ?", arguments: [contactId])
            return Dictionary(rows.map { (row: Row) -> (String, Date) in (row["phoneNumberId"], Date(timeIntervalSince1970: row["lastInboundAt"])) },
                              uniquingKeysWith: { max($0, $1) })
        }
    }

    // MARK: Parked statuses (one row under each id a status can be found by)

    static func parkedKeys(_ s: ParkedStatus) -> [String] { ["w:" + s.whatsappMessageId] + (s.providerMessageId.map { ["p:" + $0] } ?? []) }

    public func parkStatus(_ status: ParkedStatus) async throws {
        try await db.write { db in
            for key in Self.parkedKeys(status) {
                try db.execute(sql: """
                    INSERT INTO parked_status (lookupKey, whatsappMessageId, providerMessageId, status, rank, error, expiresAt) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(lookupKey) DO UPDATE SET whatsappMessageId = excluded.whatsappMessageId, providerMessageId = excluded.providerMessageId,
                        status = excluded.status, rank = excluded.rank, error = excluded.error, expiresAt = excluded.expiresAt
                    WHERE excluded.rank > parked_status.rank
                    """, arguments: [key, status.whatsappMessageId, status.providerMessageId, status.status.rawValue, status.status.rank,
                                     status.error, status.expiresAt])
            }
        }
    }

    public func parkedStatus(whatsappId: String) async throws -> ParkedStatus? { try await parked("w:" + whatsappId) }
    public func parkedStatus(providerId: String) async throws -> ParkedStatus? { try await parked("p:" + providerId) }

    private func parked(_ key: String) async throws -> ParkedStatus? {
        try await db.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM parked_status WHERE lookupKey = ?", arguments: [key]),
                  let status = MessageStatus(rawValue: row["status"]) else { return nil }
            return ParkedStatus(whatsappMessageId: row["whatsappMessageId"], providerMessageId: row["providerMessageId"], status: status,
                                error: row["error"], expiresAt: row["expiresAt"])
        }
    }

    public func parkReaction(_ reaction: ParkedReaction) async throws {
        try await db.write { db in
            try db.execute(sql: """
                INSERT INTO parked_reaction (whatsappMessageId, emoji, reactedAt, expiresAt) VALUES (?, ?, ?, ?)
                ON CONFLICT(whatsappMessageId) DO UPDATE SET emoji = excluded.emoji, reactedAt = excluded.reactedAt, expiresAt = excluded.expiresAt
                WHERE excluded.reactedAt > parked_reaction.reactedAt
                """, arguments: [reaction.whatsappMessageId, reaction.emoji, reaction.reactedAt.timeIntervalSince1970, reaction.expiresAt])
        }
    }

    public func parkedReaction(whatsappId: String) async throws -> ParkedReaction? {
        try await db.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM parked_reaction WHERE whatsappMessageId = ?", arguments: [whatsappId]) else { return nil }
            return ParkedReaction(whatsappMessageId: row["whatsappMessageId"], emoji: row["emoji"], reactedAt: Date(timeIntervalSince1970: row["reactedAt"]),
                                  expiresAt: row["expiresAt"])
        }
    }

    public func deleteParkedReaction(whatsappId: String) async throws {
        try await db.write { try $0.execute(sql: "DELETE FROM parked_reaction WHERE whatsappMessageId = ?", arguments: [whatsappId]) }
    }

    public func deleteParkedStatus(_ status: ParkedStatus) async throws {
        try await db.write { db in
            for key in Self.parkedKeys(status) { try db.execute(sql: "DELETE FROM parked_status WHERE lookupKey = ?", arguments: [key]) }
        }
    }

    public func messages(contactId: String, before: Date?, limit: Int, now: Date) async throws -> [Message] {
        try await db.read { db in
            try MessageRow.fetchAll(db, sql: """
                SELECT * FROM message WHERE contactId = ? AND expiresAt > ? AND timestamp < ?
                ORDER BY timestamp DESC, id DESC LIMIT ?
                """, arguments: [contactId, Int(now.timeIntervalSince1970), (before ?? .distantFuture).timeIntervalSince1970, limit]).map(\.message)
        }
    }

    public func insertMedia(_ media: MediaRecord) async throws {
        try await db.write { try MediaRow(media).insert($0) }
    }

    // MARK: DLQ and audit

    public func insertDLQ(_ entry: DLQEntry) async throws { try await db.write { try DLQRow(entry).insert($0) } }
    public func updateDLQ(_ entry: DLQEntry) async throws { try await db.write { try DLQRow(entry).update($0) } }
    public func deleteDLQ(id: String) async throws { _ = try await db.write { try DLQRow.deleteOne($0, key: id) } }

    public func dlqEntries(limit: Int, now: Date) async throws -> [DLQEntry] {
        try await db.read { db in
            try DLQRow.fetchAll(db, sql: "SELECT * FROM dlq WHERE expiresAt > ? ORDER BY lastAttemptAt, id LIMIT ?",
                                arguments: [Int(now.timeIntervalSince1970), limit]).map(\.entry)
        }
    }

    public func dlqCount(now: Date) async throws -> Int {
        try await db.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM dlq WHERE expiresAt > ?", arguments: [Int(now.timeIntervalSince1970)]) ?? 0 }
    }

    public func appendAudit(_ entry: AuditEntry) async throws { try await db.write { try AuditRow(entry).insert($0) } }

    public func audit(limit: Int, now: Date) async throws -> [AuditEntry] {
        try await db.read { db in
            try AuditRow.fetchAll(db, sql: "SELECT * FROM audit WHERE expiresAt > ? ORDER BY timestamp DESC, id DESC LIMIT ?",
                                  arguments: [Int(now.timeIntervalSince1970), limit]).map(\.entry)
        }
    }

    public func purgeExpired(now: Date) async throws -> Int {
        let cutoff = Int(now.timeIntervalSince1970)
        return try await db.write { db in
            var n = 0
            for table in ["message", "dlq", "audit", "parked_status", "parked_reaction"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE expiresAt <= ?", arguments: [cutoff])
                n += db.changesCount
            }
            return n
        }
    }
}
