import Foundation

/// What bulk jobs need beyond the core's dependencies.
public struct BulkDependencies: Sendable {
    public var store: any BulkStore
    public var queue: any BulkQueue
    public var objects: any ObjectStore

    public init(store: any BulkStore, queue: any BulkQueue, objects: any ObjectStore) {
        self.store = store
        self.queue = queue
        self.objects = objects
    }
}

/// Bulk jobs (Req 8): create with a confirmation gate, queue in chunks, pause/resume/cancel, reports,
/// and the start-up recovery that makes every recipient end sent exactly once or failed.
public struct BulkService: Sendable {
    let deps: CoreDependencies
    let settings: CoreSettings
    let bulk: BulkDependencies

    public init(_ deps: CoreDependencies, settings: CoreSettings, bulk: BulkDependencies) {
        self.deps = deps
        self.settings = settings
        self.bulk = bulk
    }

    /// Who receives the job: listed contact ids, or every live contact a search matches.
    public enum Recipients: Sendable {
        case contacts([String])
        /// `query` as in contact search (empty: everyone); `optedInOnly` keeps contacts opted in to the job's channel.
        case filter(query: String, optedInOnly: Bool)
    }

    /// A job as the API shows it: the job's fields, its progress and whether it waits for a confirmation.
    public struct JobView: Sendable, Codable {
        public var job: BulkJob
        public var progress: BulkProgress
        /// True while the job waits for `POST …/confirm`.
        public var needsConfirmation: Bool

        public init(job: BulkJob, progress: BulkProgress, needsConfirmation: Bool) {
            self.job = job
            self.progress = progress
            self.needsConfirmation = needsConfirmation
        }

        public init(from decoder: any Decoder) throws {
            job = try BulkJob(from: decoder)
            let c = try decoder.container(keyedBy: Key.self)
            progress = try c.decode(BulkProgress.self, forKey: .progress)
            needsConfirmation = try c.decode(Bool.self, forKey: .needsConfirmation)
        }

        public func encode(to encoder: any Encoder) throws {
            try job.encode(to: encoder)
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(progress, forKey: .progress)
            try c.encode(needsConfirmation, forKey: .needsConfirmation)
        }

        enum Key: String, CodingKey { case progress, needsConfirmation }
    }

    /// Largest job accepted: the recipients are snapshotted into the store at creation.
    public static let maxRecipients = 1_000_000

    /// An `Idempotency-Key`: 1 to 255 printable ASCII characters, no space.
    public static func isIdempotencyKey(_ key: String) -> Bool {
        (1...255).contains(key.unicodeScalars.count) && key.unicodeScalars.allSatisfy { ("!"..."~").contains($0) }
    }

    /// `isIdempotencyKey` as a pattern, for the header's schema (`FieldPatternTests` holds one to the other).
    public static let idempotencyKeyPattern = "^[!-~]{1,255}$"

    /// With an `idempotencyKey` (the `Idempotency-Key` header) the job's id comes from the caller and the
    /// key, so a retried request finds the job the first one created and creates nothing.
    public func create(channel: Channel, recipients: Recipients, content: BulkContent, createdBy: String,
                       idempotencyKey: String? = nil) async throws(CoreError) -> JobView {
        var jobId: String?
        if let key = idempotencyKey {
            guard Self.isIdempotencyKey(key) else {
                throw .invalid("Idempotency-Key must be 1 to 255 printable ASCII characters without spaces")
            }
            let id = Self.jobId(createdBy: createdBy, idempotencyKey: key)
            if try await call({ try await bulk.store.job(id: id) }) != nil { return try await view(id) }
            jobId = id
        }
        try SendPipeline(deps, settings: settings).validateContent(content.request(channel: channel, contactId: ""))
        let ids: [String]
        switch recipients {
        case .contacts(let list):
            var seen = Set<String>()
            ids = list.filter { seen.insert($0).inserted }
        case .filter(let query, let optedInOnly):
            ids = try await call { try await deps.store.contactIds(matching: query, optedIn: optedInOnly ? channel : nil, limit: Self.maxRecipients + 1) }
        }
        guard !ids.isEmpty else { throw .invalid("the job has no recipients: give contactIds or a filter that matches contacts") }
        guard ids.count <= Self.maxRecipients else { throw .invalid("a job takes at most \(Self.maxRecipients) recipients; split it") }
        if channel == .whatsapp, content.isTemplate { try await tier.check(adding: ids.count, queued: try await queuedConversations()) }

        let now = deps.clock.now()
        let gated = ids.count > settings.bulk.confirmationThreshold
        var job = BulkJob(id: jobId ?? deps.ids.next(), channel: channel, status: gated ? .pending : .inProgress, content: content,
                          totalRecipients: ids.count, createdBy: createdBy, createdAt: now, updatedAt: now)
        if !gated { job.confirmedAt = now }
        let stored = job
        guard try await call({ try await bulk.store.insertJob(stored, contactIds: ids) }) else {
            // The same key's other request won: its job, whatever state it has reached.
            guard try await call({ try await bulk.store.job(id: job.id) }) != nil else {
                throw .conflict("a job with this Idempotency-Key is being created; retry the request")
            }
            return try await view(job.id)
        }
        deps.events.record(.info, "bulk_created", ["jobId": job.id, "channel": channel.rawValue, "recipients": String(ids.count),
                                                   "status": job.status.rawValue])
        if !gated { try await start(job) }
        return JobView(job: job, progress: BulkProgress(total: ids.count, pending: ids.count), needsConfirmation: gated)
    }

    /// A job id from its creator and the creator's Idempotency-Key: two 64-bit FNV-1a hashes (different
    /// offsets) as 32 hex digits, so the id is safe in URLs and object keys whatever the key holds.
    static func jobId(createdBy: String, idempotencyKey: String) -> String {
        func fnv(_ offset: UInt64) -> UInt64 {
            var h = offset
            for b in (createdBy + "\u{0}" + idempotencyKey).utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
            return h
        }
        return "idem-" + String(fnv(0xcbf2_9ce4_8422_2325), radix: 16).leftPadded(16) + String(fnv(0x84222325_cbf29ce4), radix: 16).leftPadded(16)
    }

    /// The explicit confirmation a job over the threshold needs before anything is queued (Req 8.1).
    /// Confirming a job already in progress queues again the chunks that still have pending recipients
    /// (the queue or the claim drops duplicates): a confirm whose enqueue failed half-way is re-driven by
    /// sending it again, until every chunk is queued.
    public func confirm(_ id: String) async throws(CoreError) -> JobView {
        let job = try await existing(id)
        if job.status == .inProgress {
            let chunks = try await call { try await bulk.store.pendingChunks(jobId: id, size: settings.bulk.chunkSize) }
            if !chunks.isEmpty { try await call { try await bulk.queue.enqueue(chunks) } }
            deps.events.record(.info, "bulk_confirm_redriven", ["jobId": id, "chunks": String(chunks.count)])
            return try await view(id)
        }
        guard job.status == .pending else { throw .conflict("job \(id) is \(job.status.rawValue); only a pending job can be confirmed") }
        if job.channel == .whatsapp, job.content.isTemplate { try await tier.check(adding: job.totalRecipients, queued: try await queuedConversations()) }
        // The transition records confirmedAt itself: a cancel or pause landing meanwhile is never overwritten.
        let (changed, stored) = try await call { try await bulk.store.transitionJob(id: id, from: [.pending], to: .inProgress, at: deps.clock.now()) }
        guard changed, let started = stored else { throw .conflict("job \(id) was confirmed or cancelled meanwhile") }
        try await start(started)
        return try await view(id)
    }

    var tier: TierLimit { TierLimit(deps, settings: settings) }

    /// Template recipients of running WhatsApp jobs not sent yet: conversations already promised.
    private func queuedConversations() async throws(CoreError) -> Int {
        try await call { try await bulk.store.unsentTemplateRecipients() }
    }

    /// Queues every chunk; tells the tier alert about the conversations the job will open.
    private func start(_ job: BulkJob) async throws(CoreError) {
        if job.channel == .whatsapp, job.content.isTemplate { await tier.alertIfNear(adding: job.totalRecipients) }
        let chunks = BulkChunk.split(jobId: job.id, total: job.totalRecipients, size: settings.bulk.chunkSize)
        try await call { try await bulk.queue.enqueue(chunks) }
        deps.events.record(.info, "bulk_queued", ["jobId": job.id, "chunks": String(chunks.count)])
    }

    public func view(_ id: String) async throws(CoreError) -> JobView {
        let job = try await existing(id)
        let progress = try await call { try await bulk.store.progress(jobId: id) }
        return JobView(job: job, progress: progress, needsConfirmation: job.status == .pending)
    }

    /// A page of jobs, newest first, each with its progress; `next` is the `cursor` of the following page.
    public struct JobPage: Sendable, Codable {
        public var jobs: [JobView]
        public var next: String?
    }

    public func list(after cursor: BulkJobCursor?, limit: Int) async throws(CoreError) -> JobPage {
        let jobs = try await call { try await bulk.store.listJobs(after: cursor, limit: limit) }
        var views: [JobView] = []
        for job in jobs {
            let progress = try await call { try await bulk.store.progress(jobId: job.id) }
            views.append(JobView(job: job, progress: progress, needsConfirmation: job.status == .pending))
        }
        let next = jobs.count == limit ? jobs.last.map { BulkJobCursor(createdAt: $0.createdAt, id: $0.id).description } : nil
        return JobPage(jobs: views, next: next)
    }

    public enum Action: String, Sendable, CaseIterable { case pause, resume, cancel }

    /// Pause, resume or cancel; each takes effect before the next recipient of any chunk (Req 8.7).
    public func control(_ id: String, _ action: Action) async throws(CoreError) -> JobView {
        let now = deps.clock.now()
        switch action {
        case .pause:
            let (changed, job) = try await call { try await bulk.store.transitionJob(id: id, from: [.inProgress], to: .paused, at: now) }
            guard changed else { throw try await wrongState(id, job, "only a job in progress can be paused") }
        case .resume:
            let (changed, job) = try await call { try await bulk.store.transitionJob(id: id, from: [.paused], to: .inProgress, at: now) }
            guard changed, let job else { throw try await wrongState(id, job, "only a paused job can be resumed") }
            let chunks = try await call {
                try await bulk.queue.unpark(jobId: id)
                return try await bulk.store.pendingChunks(jobId: id, size: settings.bulk.chunkSize)
            }
            // A chunk that was being set aside as the job resumed is queued again (the claim makes a duplicate
            // harmless); with nothing left, the recipient in flight at the pause was the last one.
            if chunks.isEmpty {
                try await BulkReports(deps, settings: settings, bulk: bulk).completeIfDone(id)
            } else {
                try await call { try await bulk.queue.enqueue(chunks) }
            }
            deps.events.record(.info, "bulk_resumed", ["jobId": job.id])
        case .cancel:
            let (changed, job) = try await call {
                try await bulk.store.transitionJob(id: id, from: [.pending, .inProgress, .paused], to: .cancelled, at: now)
            }
            // Cancelling a cancelled job again finishes what an interrupted cancel left undone.
            guard changed || job?.status == .cancelled, let job else { throw try await wrongState(id, job, "the job has already ended") }
            let cancelled = try await call {
                let n = try await bulk.store.cancelPending(jobId: id, at: now)
                try await bulk.queue.deleteAll(jobId: id)
                return n
            }
            deps.events.record(.info, "bulk_cancelled", ["jobId": id, "cancelledRecipients": String(cancelled)])
            try await BulkReports(deps, settings: settings, bulk: bulk).write(job.id)
        }
        return try await view(id)
    }

    /// Deletes a job that is not running (pending, completed or cancelled); its report stays.
    public func delete(_ id: String) async throws(CoreError) {
        let job = try await existing(id)
        guard job.status != .inProgress, job.status != .paused else {
            throw .conflict("job \(id) is \(job.status.rawValue); cancel it before deleting it")
        }
        try await call { try await bulk.store.deleteJob(id: id) }
    }

    /// The report as it stands now, in the format of the stored one.
    public func report(_ id: String) async throws(CoreError) -> Data {
        _ = try await existing(id)
        return try await BulkReports(deps, settings: settings, bulk: bulk).render(id)
    }

    /// On start-up: settles every recipient a crash left in `sending` (one process held every claim, so
    /// every claim is dead), requeues chunks a dead process had taken, and finishes jobs whose last
    /// recipient ended before their report was written.
    public func recover() async throws(CoreError) -> RecoveryReport {
        try await call { try await bulk.queue.releaseInFlight() }
        var report = try await settle(leaseExpiredBy: nil)
        report.resumedJobs = try await reconcile()
        deps.events.record(.info, "bulk_recovered", ["resumedJobs": String(report.resumedJobs), "requeuedRecipients": String(report.requeued),
                                                     "settledRecipients": String(report.settled), "failedUnknown": String(report.failedUnknown)])
        return report
    }

    /// The recovery path, the only one that takes over a claim: each recipient in `sending` whose lease
    /// ended (every one when `leaseExpiredBy` is nil). Each write is conditioned on the lease's owner still
    /// holding it, so a worker that finishes meanwhile wins and nothing is settled twice.
    /// - A message recorded under its idempotency key is the provider's answer: the recipient is marked from it.
    /// - DRY_RUN without a message: nothing went out (the message is recorded with the outcome), so it is pending again.
    /// - LIVE without a message: the provider may have taken it. It becomes `interrupted`, never sent again,
    ///   and a critical event is raised; a late answer from its worker still settles it.
    public func settle(leaseExpiredBy: Date?) async throws(CoreError) -> RecoveryReport {
        var report = RecoveryReport()
        let now = deps.clock.now()
        for r in try await call({ try await bulk.store.sendingRecipients(leaseExpiredBy: leaseExpiredBy) }) {
            let owner = r.lease?.owner
            if let m = try await call({ try await deps.store.message(idempotencyKey: r.idempotencyKey) }) {
                try await call { try await bulk.store.finishRecipient(jobId: r.jobId, seq: r.seq, owner: owner, status: m.status == .failed ? .failed : .sent,
                                                                      message: nil, error: m.errorDetails, at: now) }
                report.settled += 1
            } else if settings.sendMode == .dryRun {
                try await call { try await bulk.store.releaseRecipient(jobId: r.jobId, seq: r.seq, owner: owner, at: now) }
                report.requeued += 1
            } else {
                let error = "INTERRUPTED: the worker stopped while this send was with the provider; its outcome is unknown, so it is not retried"
                try await call { try await bulk.store.finishRecipient(jobId: r.jobId, seq: r.seq, owner: owner, status: .interrupted, message: nil,
                                                                      error: error, at: now) }
                deps.events.record(.critical, "bulk_send_interrupted", ["jobId": r.jobId, "seq": String(r.seq), "contactId": r.contactId])
                report.failedUnknown += 1
            }
        }
        return report
    }

    /// Brings every job's recipients, queue and report in line: settles recipients whose lease expired (see
    /// `settle`), queues the pending chunks of running jobs (the queue or the claim drops duplicates; chunks
    /// kept in the bulk DLQ wait for their replay), completes jobs with nothing left, and writes reports
    /// that a failed write left missing. Run at start-up and periodically (`serve` every 60 s, the
    /// scheduled reconcile in AWS), it heals what a crash or an error between two steps left behind.
    /// Returns how many running jobs had chunks to queue. `settling: false` skips the first step, for a
    /// caller that has just run `settle` itself (to report what it settled).
    @discardableResult
    public func reconcile(settling: Bool = true) async throws(CoreError) -> Int {
        if settling { _ = try await settle(leaseExpiredBy: deps.clock.now()) }
        let reports = BulkReports(deps, settings: settings, bulk: bulk)
        let dead = Set(try await call { try await deps.store.dlqEntries(limit: 1000, now: deps.clock.now()) }
            .filter { $0.queue == DLQService.bulkQueue }.map(\.originalMessageId))
        var resumed = 0
        for job in try await call({ try await bulk.store.jobs(status: .inProgress) }) {
            let chunks = try await call { try await bulk.store.pendingChunks(jobId: job.id, size: settings.bulk.chunkSize) }
            let live = chunks.filter { !dead.contains($0.key) }
            if chunks.isEmpty {
                try await reports.completeIfDone(job.id)
            } else if !live.isEmpty {
                try await call { try await bulk.queue.enqueue(live) }
                resumed += 1
            }
        }
        for status in [BulkJobStatus.completed, .cancelled] {
            for job in try await call({ try await bulk.store.jobs(status: status) }) where job.reportKey == nil {
                try await reports.write(job.id)
            }
        }
        return resumed
    }

    public struct RecoveryReport: Sendable, Equatable {
        public var resumedJobs = 0
        /// Interrupted before anything went out: pending again.
        public var requeued = 0
        /// Interrupted after the message was recorded: marked from the record.
        public var settled = 0
        /// Interrupted during a LIVE provider call: `interrupted`, never sent twice.
        public var failedUnknown = 0

        public init(resumedJobs: Int = 0, requeued: Int = 0, settled: Int = 0, failedUnknown: Int = 0) {
            self.resumedJobs = resumedJobs
            self.requeued = requeued
            self.settled = settled
            self.failedUnknown = failedUnknown
        }
    }

    private func existing(_ id: String) async throws(CoreError) -> BulkJob {
        guard let job = try await call({ try await bulk.store.job(id: id) }) else { throw .notFound("no bulk job \(id)") }
        return job
    }

    private func wrongState(_ id: String, _ job: BulkJob?, _ rule: String) async throws(CoreError) -> CoreError {
        guard let job else { return .notFound("no bulk job \(id)") }
        return .conflict("job \(id) is \(job.status.rawValue); \(rule)")
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
