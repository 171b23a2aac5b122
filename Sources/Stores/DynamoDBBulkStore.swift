import AWSClient
import Foundation
import MessagingCore

/// Bulk jobs and their recipients on the BulkJobs and BulkRecipients tables, for the AWS environments,
/// where the job-create, job-control and worker functions are separate processes.
///
/// Each step of the exactly-once protocol is one conditional write: a claim moves a recipient from
/// `pending` to `sending` under a lease (owner and expiry) only if it is pending or already held by the
/// same owner; a finish moves it from `sending` while its owner holds it and records its message (with
/// its idempotency-key marker) in the same TransactWriteItems. A job is written after its
/// recipients, so a job that exists has all of them; recipients of a job whose creation died half-way
/// belong to no job and are never read. The `byStatus` index (jobId, status) answers "any left?",
/// "which chunks?" and "what does a cancel stop?" without reading the whole job; it is eventually
/// consistent, which the periodic reconcile absorbs (a job seen unsettled a moment too long is
/// completed on its next pass).
public final class DynamoDBBulkStore: BulkStore, Sendable {
    let db: DynamoDBClient
    let jobsTable: String
    let recipientsTable: String
    /// Where a recipient's message is recorded: the messaging store's messages table.
    let messages: DynamoDBStore

    public init(client: DynamoDBClient, jobsTable: String, recipientsTable: String, messages: DynamoDBStore) {
        db = client
        self.jobsTable = jobsTable
        self.recipientsTable = recipientsTable
        self.messages = messages
    }

    static func recipientId(_ seq: Int) -> String { String(format: "%010d", seq) }
    static func key(_ jobId: String, _ seq: Int) -> DynamoItem { ["jobId": .s(jobId), "recipientId": .s(recipientId(seq))] }

    // MARK: Jobs

    /// A creation marker (`create#<jobId>` in the jobs table, no status, so no job listing sees it) is taken
    /// first with a conditional put: of two requests creating the same job (one Idempotency-Key), one
    /// writes the recipients and the other gets false. The job is then written in one transaction with
    /// the marker still being this request's, so a creation taken over after `creationTakeover` (its
    /// request died half-way) can never also complete, and recipients are never rewritten under a job
    /// that exists.
    public func insertJob(_ job: BulkJob, contactIds: [String]) async throws -> Bool {
        let at = DynamoValue.number(job.createdAt.timeIntervalSince1970)
        let marker: DynamoItem = ["jobId": .s("create#" + job.id)]
        let token = UUID().uuidString
        do {
            try await db.putItem(table: jobsTable, item: marker.merging(["token": .s(token), "createdAt": at]) { a, _ in a },
                                 condition: "attribute_not_exists(jobId) OR (attribute_not_exists(done) AND createdAt < :stale)",
                                 values: [":stale": .number(job.createdAt.timeIntervalSince1970 - Self.creationTakeover)])
        } catch where DynamoDBStore.conditionFailed(error) {
            return false
        }
        if try await self.job(id: job.id) != nil { return false }
        let items = contactIds.enumerated().map { seq, contactId -> DynamoItem in
            Self.key(job.id, seq).merging(["seq": .number(seq), "contactId": .s(contactId), "status": .s(RecipientStatus.pending.rawValue), "updatedAt": at]) { a, _ in a }
        }
        try await db.batchWrite(table: recipientsTable, puts: items)
        do {
            try await DynamoDBStore.transact(db, [
                .update(table: jobsTable, key: marker, set: "SET done = :t", condition: "#tk = :me", values: [":t": .bool(true), ":me": .s(token)],
                        names: ["#tk": "token"]),
                .put(table: jobsTable, item: try JobItem.item(job), condition: "attribute_not_exists(jobId)"),
            ])
        } catch where DynamoDBStore.conditionFailed(error) {
            return false
        }
        return true
    }

    /// How long a creation may take before another request with the same Idempotency-Key takes it over.
    static let creationTakeover: TimeInterval = 300

    public func job(id: String) async throws -> BulkJob? {
        try await db.getItem(table: jobsTable, key: ["jobId": .s(id)]).flatMap(JobItem.job)
    }

    public func updateJob(_ job: BulkJob) async throws {
        try await db.putItem(table: jobsTable, item: try JobItem.item(job))
    }

    public func transitionJob(id: String, from: Set<BulkJobStatus>, to status: BulkJobStatus, at: Date) async throws -> (changed: Bool, job: BulkJob?) {
        // Optimistic: the write holds only while the job is still in the status it was read in.
        while true {
            guard var job = try await job(id: id) else { return (false, nil) }
            guard from.contains(job.status) else { return (false, job) }
            let old = job.status
            switch status {
            case .paused: job.pausedAt = at
            case .inProgress:
                if old == .paused { job.resumedAt = at }
                if old == .pending { job.confirmedAt = at }
            case .cancelled: job.cancelledAt = at
            case .completed: job.completedAt = at
            case .pending: break
            }
            job.status = status
            job.updatedAt = at
            do {
                try await db.putItem(table: jobsTable, item: try JobItem.item(job), condition: "#st = :old", values: [":old": .s(old.rawValue)],
                                     names: ["#st": "status"])
                return (true, job)
            } catch where DynamoDBStore.conditionFailed(error) {
                continue
            }
        }
    }

    public func deleteJob(id: String) async throws {
        try await db.deleteItem(table: jobsTable, key: ["jobId": .s(id)])
        try await db.deleteItem(table: jobsTable, key: ["jobId": .s("create#" + id)])
        let keys = try await db.queryAll(table: recipientsTable, keyCondition: "jobId = :j", values: [":j": .s(id)])
            .compactMap(RecipientItem.recipient).map { Self.key($0.jobId, $0.seq) }
        try await db.batchWrite(table: recipientsTable, deleteKeys: keys)
    }

    public func jobs(status: BulkJobStatus) async throws -> [BulkJob] { try await jobs(in: [status]) }

    /// One scan of the jobs table, sorted here: fine at this platform's size (as contact search is), and a
    /// candidate for an index on creation time if it grows.
    public func listJobs(after cursor: BulkJobCursor?, limit: Int) async throws -> [BulkJob] {
        let jobs = try await db.scanAll(table: jobsTable).compactMap(JobItem.job).filter { cursor?.precedes($0) ?? true }
        return Array(jobs.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }.prefix(limit))
    }

    /// Jobs in any of `statuses`, oldest first: one scan of the jobs table.
    private func jobs(in statuses: [BulkJobStatus]) async throws -> [BulkJob] {
        let names = statuses.indices.map { ":s\($0)" }
        let values = Dictionary(uniqueKeysWithValues: zip(names, statuses.map { DynamoValue.s($0.rawValue) }))
        return try await db.scanAll(table: jobsTable, filter: "#st IN (\(names.joined(separator: ", ")))", values: values, names: ["#st": "status"])
            .compactMap(JobItem.job).sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    // MARK: Recipients

    private func count(_ jobId: String, _ status: RecipientStatus) async throws -> Int {
        try await db.count(table: recipientsTable, index: "byStatus", keyCondition: "jobId = :j AND #st = :s",
                           values: [":j": .s(jobId), ":s": .s(status.rawValue)], names: ["#st": "status"])
    }

    /// The job's recipients in `status`, through the index, in seq order.
    private func recipients(_ jobId: String, in status: RecipientStatus) async throws -> [BulkRecipient] {
        try await db.queryAll(table: recipientsTable, index: "byStatus", keyCondition: "jobId = :j AND #st = :s",
                              values: [":j": .s(jobId), ":s": .s(status.rawValue)], names: ["#st": "status"])
            .compactMap(RecipientItem.recipient).sorted { $0.seq < $1.seq }
    }

    public func progress(jobId: String) async throws -> BulkProgress {
        var counts: [RecipientStatus: Int] = [:]
        for status in RecipientStatus.allCases { counts[status] = try await count(jobId, status) }
        return BulkProgress(counts: counts)
    }

    /// The index answers "not yet" cheaply; "settled" is then confirmed by a strongly consistent read of
    /// the job's recipients in the table itself, since a stale index could complete a job early.
    public func isSettled(jobId: String) async throws -> Bool {
        for status in [RecipientStatus.pending, .sending] {
            let page = try await db.query(table: recipientsTable, index: "byStatus", keyCondition: "jobId = :j AND #st = :s",
                                          values: [":j": .s(jobId), ":s": .s(status.rawValue)], names: ["#st": "status"], limit: 1)
            if !page.items.isEmpty { return false }
        }
        var start: DynamoItem?
        repeat {
            let page = try await db.query(table: recipientsTable, keyCondition: "jobId = :j", values: [":j": .s(jobId), ":p": .s("pending"), ":s": .s("sending")],
                                          names: ["#st": "status"], filter: "#st IN (:p, :s)", startKey: start, consistent: true)
            if !page.items.isEmpty { return false }
            start = page.lastEvaluatedKey
        } while start != nil
        return true
    }

    public func recipients(jobId: String, fromSeq: Int, limit: Int) async throws -> [BulkRecipient] {
        let page = try await db.query(table: recipientsTable, keyCondition: "jobId = :j AND recipientId >= :from",
                                      values: [":j": .s(jobId), ":from": .s(Self.recipientId(fromSeq))], limit: limit)
        return page.items.compactMap(RecipientItem.recipient)
    }

    /// Moves one recipient between states; false when it was not in `from` (or, with `owner`, not held by it).
    private func move(_ jobId: String, _ seq: Int, from: RecipientStatus, to: RecipientStatus, owner: String? = nil, at: Date) async throws -> Bool {
        var values: DynamoItem = [":to": .s(to.rawValue), ":from": .s(from.rawValue), ":at": .number(at.timeIntervalSince1970)]
        var condition = "#st = :from"
        if let owner {
            condition += " AND leaseOwner = :o"
            values[":o"] = .s(owner)
        }
        let set = to == .pending ? "SET #st = :to, updatedAt = :at REMOVE leaseOwner, leaseUntil" : "SET #st = :to, updatedAt = :at"
        do {
            try await db.updateItem(table: recipientsTable, key: Self.key(jobId, seq), set: set, condition: condition, values: values, names: ["#st": "status"])
            return true
        } catch where DynamoDBStore.conditionFailed(error) {
            return false
        }
    }

    /// A retry of the same owner's claim passes its own condition: a 5xx whose write was applied strands nobody.
    public func claimRecipient(jobId: String, seq: Int, lease: Lease, at: Date) async throws -> Bool {
        do {
            try await db.updateItem(table: recipientsTable, key: Self.key(jobId, seq),
                                    set: "SET #st = :sending, leaseOwner = :o, leaseUntil = :u, updatedAt = :at",
                                    condition: "#st = :pending OR (#st = :sending AND leaseOwner = :o)",
                                    values: [":sending": .s(RecipientStatus.sending.rawValue), ":pending": .s(RecipientStatus.pending.rawValue),
                                             ":o": .s(lease.owner), ":u": .number(lease.until.timeIntervalSince1970), ":at": .number(at.timeIntervalSince1970)],
                                    names: ["#st": "status"])
            return true
        } catch where DynamoDBStore.conditionFailed(error) {
            return false
        }
    }

    public func finishRecipient(jobId: String, seq: Int, owner: String?, status: RecipientStatus, message: Message?, error: String?, at: Date) async throws {
        let messagesTable = try messages.messagesTableName
        var set = "SET #st = :to, updatedAt = :at"
        var values: DynamoItem = [":to": .s(status.rawValue), ":from": .s(RecipientStatus.sending.rawValue), ":at": .number(at.timeIntervalSince1970)]
        // From `sending` while the owner holds it; a provider's answer also settles an interrupted recipient.
        var condition = "#st = :from"
        if let owner {
            condition = "(#st = :from AND leaseOwner = :o)"
            values[":o"] = .s(owner)
        }
        if message != nil {
            condition += " OR #st = :interrupted"
            values[":interrupted"] = .s(RecipientStatus.interrupted.rawValue)
        }
        if let error {
            set += ", errorDetails = :e"
            values[":e"] = .s(error)
        }
        var writes: [DynamoDBClient.TransactWrite] = []
        if let message {
            set += ", messageId = :m"
            values[":m"] = .s(message.id)
            writes += DynamoDBStore.insertWrites(message, table: messagesTable)
        }
        writes.append(.update(table: recipientsTable, key: Self.key(jobId, seq), set: set, condition: condition, values: values, names: ["#st": "status"]))
        do {
            try await DynamoDBStore.transact(db, writes)
        } catch where DynamoDBStore.conditionFailed(error) {
            // The message was already recorded under its idempotency key (a retry of a transaction that was
            // applied, or another delivery's record), or the recipient had already left `sending`: record
            // what can be, the first record standing, as the SQLite store does.
            var recorded = message?.id
            if let message, try await !messages.insertMessage(message), let key = message.idempotencyKey {
                recorded = try await messages.message(idempotencyKey: key)?.id
            }
            if let recorded { values[":m"] = .s(recorded) }
            do {
                try await db.updateItem(table: recipientsTable, key: Self.key(jobId, seq), set: set, condition: condition, values: values,
                                        names: ["#st": "status"])
            } catch where DynamoDBStore.conditionFailed(error) {}
        }
    }

    public func releaseRecipient(jobId: String, seq: Int, owner: String?, at: Date) async throws {
        _ = try await move(jobId, seq, from: .sending, to: .pending, owner: owner, at: at)
    }

    /// Each pending recipient is its own conditional write (one it loses to a claim stays claimed), a
    /// few in flight at once: a large job has thousands.
    public func cancelPending(jobId: String, at: Date) async throws -> Int {
        let cancelled = Counter()
        try await DynamoDBClient.forEach(try await recipients(jobId, in: .pending), inFlight: Self.writesInFlight) { [self] r in
            if try await move(jobId, r.seq, from: .pending, to: .cancelled, at: at) { cancelled.add() }
        }
        return cancelled.value
    }

    static let writesInFlight = 16

    /// Candidates come from the index; each is read again, strongly consistent, so that a stale index entry
    /// never settles a recipient its worker has finished or whose lease was extended.
    public func sendingRecipients(leaseExpiredBy: Date?) async throws -> [BulkRecipient] {
        var out: [BulkRecipient] = []
        for job in try await jobs(in: [.inProgress, .paused, .cancelled, .completed]) {
            for candidate in try await recipients(job.id, in: .sending) {
                guard let item = try await db.getItem(table: recipientsTable, key: Self.key(candidate.jobId, candidate.seq)),
                      let r = RecipientItem.recipient(item), r.status == .sending else { continue }
                if let t = leaseExpiredBy, let until = r.lease?.until, until >= t { continue }
                out.append(r)
            }
        }
        return out
    }

    public func unsentTemplateRecipients() async throws -> Int {
        var n = 0
        for job in try await jobs(in: [.inProgress, .paused]) where job.channel == .whatsapp && job.content.isTemplate {
            n += try await count(job.id, .pending) + count(job.id, .sending)
        }
        return n
    }

    public func pendingChunks(jobId: String, size: Int) async throws -> [BulkChunk] {
        guard let total = try await job(id: jobId)?.totalRecipients else { return [] }
        let indexes = Set(try await recipients(jobId, in: .pending).map { $0.seq / size }).sorted()
        return indexes.map { BulkChunk(jobId: jobId, index: $0, firstSeq: $0 * size, count: min(size, total - $0 * size)) }
    }
}

/// A count shared by concurrent writes.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    var value: Int { lock.withLock { n } }
    func add() { lock.withLock { n += 1 } }
}

enum JobItem {
    static func item(_ job: BulkJob) throws -> DynamoItem {
        var item: DynamoItem = ["jobId": .s(job.id), "channel": .s(job.channel.rawValue), "status": .s(job.status.rawValue),
                                "content": .s(String(decoding: try JSONEncoder().encode(job.content), as: UTF8.self)),
                                "totalRecipients": .number(job.totalRecipients), "createdBy": .s(job.createdBy),
                                "createdAt": .number(job.createdAt.timeIntervalSince1970), "updatedAt": .number(job.updatedAt.timeIntervalSince1970)]
        let times: [(String, Date?)] = [("confirmedAt", job.confirmedAt), ("pausedAt", job.pausedAt), ("resumedAt", job.resumedAt),
                                        ("cancelledAt", job.cancelledAt), ("completedAt", job.completedAt)]
        for (name, date) in times { item[name] = date.map { .number($0.timeIntervalSince1970) } }
        item["reportKey"] = job.reportKey.map(DynamoValue.s)
        return item
    }

    static func job(_ i: DynamoItem) -> BulkJob? {
        guard let id = i["jobId"]?.string, let channel = i["channel"]?.string.flatMap(Channel.init), let status = i["status"]?.string.flatMap(BulkJobStatus.init),
              let content = i["content"]?.string.flatMap({ try? JSONDecoder().decode(BulkContent.self, from: Data($0.utf8)) }),
              let total = i["totalRecipients"]?.int, let by = i["createdBy"]?.string, let created = i["createdAt"]?.double,
              let updated = i["updatedAt"]?.double else { return nil }
        func date(_ name: String) -> Date? { i[name]?.double.map(Date.init(timeIntervalSince1970:)) }
        return BulkJob(id: id, channel: channel, status: status, content: content, totalRecipients: total, createdBy: by,
                       createdAt: Date(timeIntervalSince1970: created), updatedAt: Date(timeIntervalSince1970: updated),
                       confirmedAt: date("confirmedAt"), pausedAt: date("pausedAt"), resumedAt: date("resumedAt"),
                       cancelledAt: date("cancelledAt"), completedAt: date("completedAt"), reportKey: i["reportKey"]?.string)
    }
}

enum RecipientItem {
    static func recipient(_ i: DynamoItem) -> BulkRecipient? {
        guard let jobId = i["jobId"]?.string, let seq = i["seq"]?.int, let contactId = i["contactId"]?.string,
              let status = i["status"]?.string.flatMap(RecipientStatus.init), let updated = i["updatedAt"]?.double else { return nil }
        return BulkRecipient(jobId: jobId, seq: seq, contactId: contactId, status: status, messageId: i["messageId"]?.string,
                             error: i["errorDetails"]?.string, updatedAt: Date(timeIntervalSince1970: updated),
                             lease: i["leaseOwner"]?.string.map { Lease(owner: $0, until: Date(timeIntervalSince1970: i["leaseUntil"]?.double ?? 0)) })
    }
}
