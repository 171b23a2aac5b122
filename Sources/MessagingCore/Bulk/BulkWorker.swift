import Foundation

/// Takes chunks off the bulk queue and sends each recipient through the normal pipeline (Req 8.5):
/// claim (pending → sending), every safety check, the channel, then the message and the outcome in one
/// store transaction. Job status is read before every recipient, so pause and cancel act within a chunk.
public struct BulkWorker: Sendable {
    let deps: CoreDependencies
    let settings: CoreSettings
    let bulk: BulkDependencies
    let onMessage: @Sendable (Message) -> Void

    /// `onMessage` sees every message a recipient produced (for metrics).
    public init(_ deps: CoreDependencies, settings: CoreSettings, bulk: BulkDependencies, onMessage: @escaping @Sendable (Message) -> Void = { _ in }) {
        self.deps = deps
        self.settings = settings
        self.bulk = bulk
        self.onMessage = onMessage
    }

    /// Asks running workers to stop after the recipient each is on. Stopping by task cancellation
    /// instead would interrupt a send half-way (the store refuses work from a cancelled task), and a
    /// LIVE recipient interrupted there can only be failed on the next start.
    public final class Stop: @unchecked Sendable {
        private let lock = NSLock()
        private var requested = false
        public init() {}
        public func request() { lock.withLock { requested = true } }
        public var isRequested: Bool { lock.withLock { requested } }
    }

    /// `count` workers (Req 8.4: 2 to 5) until `stop` is requested or the task is cancelled; an idle worker
    /// polls every `idle`. A stopping worker hands its chunk back for the next start.
    public func run(count: Int, idle: Duration = .milliseconds(50), stop: Stop = Stop()) async {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<max(count, 1) {
                group.addTask {
                    while !Task.isCancelled, !stop.isRequested {
                        if await !runOnce(stop: stop) { try? await Task.sleep(for: idle) }
                    }
                }
            }
        }
    }

    /// Works one chunk; false when none was visible.
    @discardableResult
    public func runOnce(stop: Stop? = nil) async -> Bool {
        let taken: QueuedChunk?
        do {
            taken = try await bulk.queue.receive(visibility: settings.bulk.visibilityTimeout, now: deps.clock.now())
        } catch {
            deps.events.record(.error, "bulk_queue_failed", ["error": String(describing: error)])
            return false
        }
        guard let q = taken else { return false }
        do {
            var outcome = try await work(q.chunk, stop: stop)
            var attempts = 0
            // Parking checks the job again in the same transaction: if it was resumed meanwhile, keep going.
            while outcome == .paused, attempts < 20 {
                if try await call({ try await bulk.queue.park(q) }) { return true }
                attempts += 1
                outcome = try await work(q.chunk, stop: stop)
            }
            switch outcome {
            case .done: try await call { try await bulk.queue.delete(q) }
            case .paused: try await call { try await bulk.queue.retry(q, at: deps.clock.now().addingTimeInterval(1)) }
            case .later(let seconds): try await call { try await bulk.queue.retry(q, at: deps.clock.now().addingTimeInterval(seconds)) }
            }
        } catch {
            await failed(q, error)
        }
        return true
    }

    /// A chunk that failed as a whole is retried with backoff, then goes to the bulk DLQ (Req 8.9).
    func failed(_ q: QueuedChunk, _ error: any Error) async {
        let text = (error as? CoreError)?.message ?? String(describing: error)
        let now = deps.clock.now()
        do {
            if q.receiveCount >= settings.bulk.maxChunkReceives {
                try await deps.store.insertDLQ(DLQEntry(id: deps.ids.next(), originalMessageId: q.chunk.key, queue: DLQService.bulkQueue,
                                                        payload: q.chunk.json, error: text, retryCount: 0, lastAttemptAt: now,
                                                        expiresAt: epoch(now, plus: settings.dlqRetention)))
                try await bulk.queue.delete(q)
                deps.events.record(.critical, "bulk_chunk_dead", ["jobId": q.chunk.jobId, "chunk": String(q.chunk.index), "error": text])
            } else {
                try await bulk.queue.retry(q, at: now.addingTimeInterval(pow(2, Double(q.receiveCount))))
                deps.events.record(.error, "bulk_chunk_failed", ["jobId": q.chunk.jobId, "chunk": String(q.chunk.index), "error": text,
                                                                 "receiveCount": String(q.receiveCount)])
            }
        } catch {
            // The chunk stays hidden until its visibility timeout ends, then comes back: nothing is lost.
            deps.events.record(.critical, "bulk_chunk_unrecorded", ["jobId": q.chunk.jobId, "error": String(describing: error)])
        }
    }

    /// What became of a chunk: done (every recipient handled, or the job ended), its job paused, or to be taken up again later.
    public enum ChunkOutcome: Sendable, Equatable {
        case done, paused, later(TimeInterval)

        /// Whether the chunk's message leaves a queue that cannot set chunks aside (SQS). A paused job's chunk
        /// does: resume queues the job's pending recipients again, so a pause takes no receive of the chunk and
        /// never sends it to the bulk DLQ, however long it lasts. Only a chunk handed back comes back.
        public var leavesQueue: Bool {
            switch self {
            case .done, .paused: true
            case .later: false
            }
        }
    }

    /// Works the chunk's recipients; the same for the local queue and for an SQS batch on Lambda. With a
    /// `deadline` (a Lambda invocation's) it claims no recipient it could not finish before it, and hands
    /// the rest of the chunk back (`.later(0)`).
    ///
    /// Per recipient: the job's status, the pipeline's checks, the rate slot, then the claim under a lease
    /// and at once the provider call. Waiting for the slot before the claim means a worker stopped while
    /// waiting leaves the recipient pending, not `sending`.
    public func work(_ chunk: BulkChunk, stop: Stop? = nil, deadline: Date? = nil) async throws(CoreError) -> ChunkOutcome {
        let recipients = try await call { try await bulk.store.recipients(jobId: chunk.jobId, fromSeq: chunk.firstSeq, limit: chunk.count) }
        let pipeline = SendPipeline(deps, settings: settings)
        // One owner per delivery of the chunk: the retry of one of its claims is its own; another delivery's is not.
        let owner = "worker:" + deps.ids.next()
        for r in recipients where r.status == .pending {
            // Shutting down: hand the chunk back; the next start takes it up where it stopped.
            if Task.isCancelled || stop?.isRequested == true { return .later(0) }
            guard let job = try await call({ try await bulk.store.job(id: chunk.jobId) }) else { return .done }
            switch job.status {
            case .inProgress: break
            case .paused: return .paused
            case .pending: return .later(1)
            case .completed:
                // Completed by another worker whose report write failed: write it now.
                if job.reportKey == nil { try await BulkReports(deps, settings: settings, bulk: bulk).write(job.id) }
                return .done
            case .cancelled:
                try await BulkReports(deps, settings: settings, bulk: bulk).write(job.id)
                return .done
            }
            let request = job.content.request(channel: job.channel, contactId: r.contactId)
            let contact: Contact
            do {
                contact = try await pipeline.check(request)
            } catch {
                guard case .refused(let reason, let text) = error else { throw error }
                guard try await claim(r, lease(owner, deadline)) else { continue }
                try await call { try await bulk.store.finishRecipient(jobId: r.jobId, seq: r.seq, owner: owner, status: .failed, message: nil,
                                                                      error: "\(reason.rawValue): \(text)", at: deps.clock.now()) }
                deps.events.record(.debug, "bulk_recipient", ["jobId": r.jobId, "seq": String(r.seq), "status": "failed"])
                continue
            }
            guard try await slot(for: request, deadline: deadline) else {
                deps.events.record(.info, "bulk_deadline", ["jobId": chunk.jobId, "chunk": String(chunk.index), "nextSeq": String(r.seq)])
                return .later(0)
            }
            guard try await claim(r, lease(owner, deadline)) else { continue }
            try await send(r, request, to: contact, owner: owner, pipeline)
        }
        try await BulkReports(deps, settings: settings, bulk: bulk).completeIfDone(chunk.jobId)
        return .done
    }

    /// pending → sending under `lease`. A claim whose answer never came (the store's retries ran out) may
    /// have been applied: nothing has gone to the provider yet, so its owner hands the recipient back before
    /// the chunk fails, rather than leave it `sending` until the lease ends and recovery, unable to tell,
    /// settles it as `interrupted` without it ever having been sent.
    private func claim(_ r: BulkRecipient, _ lease: Lease) async throws(CoreError) -> Bool {
        do {
            return try await bulk.store.claimRecipient(jobId: r.jobId, seq: r.seq, lease: lease, at: deps.clock.now())
        } catch {
            do {
                try await bulk.store.releaseRecipient(jobId: r.jobId, seq: r.seq, owner: lease.owner, at: deps.clock.now())
            } catch let release {
                deps.events.record(.error, "bulk_claim_unreleased", ["jobId": r.jobId, "seq": String(r.seq), "error": String(describing: release)])
            }
            throw .internal("store: \(error)")
        }
    }

    /// A claim lasts until no request of its worker can still land: past the invocation's deadline (or the
    /// chunk's visibility, without one) by the lease margin.
    private func lease(_ owner: String, _ deadline: Date?) -> Lease {
        let end = deadline ?? deps.clock.now().addingTimeInterval(settings.bulk.visibilityTimeout)
        return Lease(owner: owner, until: end.addingTimeInterval(settings.bulk.leaseMargin))
    }

    /// Waits for the send's rate slot (LIVE; DRY_RUN is not paced). False when the deadline leaves no time
    /// for the slot and the send after it: nothing was taken and the recipient stays pending.
    private func slot(for request: SendRequest, deadline: Date?) async throws(CoreError) -> Bool {
        let left = deadline.map { $0.timeIntervalSince(deps.clock.now()) - settings.bulk.sendReserve }
        if let left, left <= 0 { return false }
        guard settings.sendMode == .live else { return true }
        let number = request.channel == .whatsapp ? (request.phoneNumberId ?? settings.allowlist.first) : nil
        guard let left else {
            try await call { try await deps.limiter.acquire(channel: request.channel, phoneNumberId: number) }
            return true
        }
        return try await call { try await deps.limiter.acquire(channel: request.channel, phoneNumberId: number, within: left) }
    }

    /// One claimed recipient to its end: delivered and recorded with its message.
    private func send(_ r: BulkRecipient, _ request: SendRequest, to contact: Contact, owner: String, _ pipeline: SendPipeline) async throws(CoreError) {
        let message = await pipeline.deliver(request, to: contact, idempotencyKey: r.idempotencyKey, slotTaken: settings.sendMode == .live)
        // The provider has answered: recording it is worth a few tries, since a recipient left `sending`
        // can only be settled as interrupted by recovery (LIVE cannot know it went out).
        var attempt = 0
        while true {
            do {
                try await bulk.store.finishRecipient(jobId: r.jobId, seq: r.seq, owner: owner, status: message.status == .failed ? .failed : .sent,
                                                     message: message, error: message.errorDetails, at: deps.clock.now())
                break
            } catch {
                attempt += 1
                deps.events.record(attempt < 3 ? .error : .critical, "bulk_record_failed",
                                   ["jobId": r.jobId, "seq": String(r.seq), "attempt": String(attempt), "error": String(describing: error)])
                guard attempt < 3 else { throw .internal("store: \(error)") }
                try? await Task.sleep(for: .milliseconds(100 * attempt))
            }
        }
        // A status about this message may have come before it was stored.
        if message.providerMessageId != nil { await StatusUpdater(deps, settings: settings).applyParkedLogging(to: message) }
        deps.events.record(.debug, "bulk_recipient", ["jobId": r.jobId, "seq": String(r.seq), "status": message.status == .failed ? "failed" : "sent"])
        onMessage(message)
    }
}
