import Foundation

/// A dead letter kept outside the store, as the DLQ table will hold it.
public struct DeadLetter: Sendable, Equatable {
    public var queue: String
    public var originalMessageId: String
    public var payload: String
    public var error: String

    public init(queue: String, originalMessageId: String, payload: String, error: String) {
        self.queue = queue
        self.originalMessageId = originalMessageId
        self.payload = payload
        self.error = error
    }
}

/// Where AWS itself dead-letters (the SQS queues a Lambda function's failed invocations and the bulk
/// queue's redrive land on): drained into the DLQ table so that list and replay see one DLQ.
public protocol DeadLetterSource: Sendable {
    /// Hands each waiting letter to `keep`, and removes it from the source only once `keep` returned.
    func drain(_ keep: @Sendable (DeadLetter) async throws -> Void) async throws
}

/// Dead-letter replay (Req 9): list, replay up to 100 at a time through the same handler, dedupe by
/// message id, delete on success, count retries on failure, never replay past 5 retries.
public struct DLQService: Sendable {
    let deps: CoreDependencies
    let settings: CoreSettings
    let inbound: InboundProcessor
    let bulkQueue: (any BulkQueue)?
    let source: (any DeadLetterSource)?
    let suggestions: (any SuggestionQueue)?

    /// Failed inbound events are kept under this queue name; failed bulk chunks under `bulkQueue`.
    public static let inboundQueue = "inbound-dlq"
    public static let bulkQueue = "bulk-dlq"

    /// `bulkQueue` takes replayed bulk chunks back; without it they cannot be replayed here. `source`
    /// holds dead letters kept outside the store (SQS in AWS), brought in before every list and replay.
    public init(_ deps: CoreDependencies, settings: CoreSettings, bulkQueue: (any BulkQueue)? = nil, source: (any DeadLetterSource)? = nil,
                suggestions: (any SuggestionQueue)? = nil) {
        self.suggestions = suggestions
        self.deps = deps
        self.settings = settings
        self.inbound = InboundProcessor(deps, settings: settings)
        self.bulkQueue = bulkQueue
        self.source = source
    }

    /// Moves what the source holds into the DLQ table; each letter leaves the source only once stored.
    func importDeadLetters() async throws(CoreError) {
        guard let source else { return }
        try await call {
            try await source.drain { letter in
                let now = deps.clock.now()
                try await deps.store.insertDLQ(DLQEntry(id: deps.ids.next(), originalMessageId: letter.originalMessageId, queue: letter.queue,
                                                        payload: letter.payload, error: letter.error, retryCount: 0, lastAttemptAt: now,
                                                        expiresAt: epoch(now, plus: settings.dlqRetention)))
            }
        }
    }

    public struct ReplayResult: Sendable, Equatable {
        public var replayed: [String] = []
        public var failed: [String] = []
        public var skippedDuplicates: [String] = []
        public var exhausted: [String] = []
    }

    public func list(limit: Int = 100) async throws(CoreError) -> [DLQEntry] {
        try await importDeadLetters()
        return try await call { try await deps.store.dlqEntries(limit: min(max(limit, 1), 1000), now: deps.clock.now()) }
    }

    public func replay(ids: [String]? = nil, limit: Int = 100) async throws(CoreError) -> ReplayResult {
        guard limit >= 1, limit <= 100 else { throw .invalid("replay takes 1 to 100 messages at a time (Req 9.3)") }
        if let ids, ids.count > 100 { throw .invalid("replay takes at most 100 messages at a time (Req 9.3)") }
        let all = try await list(limit: 1000)
        let chosen = ids.map { wanted in all.filter { wanted.contains($0.id) } } ?? Array(all.prefix(limit))
        var result = ReplayResult()
        var seen = Set<String>()
        for entry in chosen {
            guard entry.retryCount < settings.maxReplayRetries else {
                result.exhausted.append(entry.id)
                continue
            }
            guard seen.insert(entry.originalMessageId).inserted else {
                // The same event twice in the DLQ: replaying one is enough.
                try await call { try await deps.store.deleteDLQ(id: entry.id) }
                result.skippedDuplicates.append(entry.id)
                continue
            }
            do {
                try await replayOne(entry)
                try await call { try await deps.store.deleteDLQ(id: entry.id) }
                result.replayed.append(entry.id)
            } catch {
                var failed = entry
                failed.retryCount += 1
                failed.lastAttemptAt = deps.clock.now()
                failed.error = error.message
                try await call { try await deps.store.updateDLQ(failed) }
                result.failed.append(entry.id)
            }
        }
        return result
    }

    /// The same handler as the first time: the inbound processor, or the bulk queue for a chunk
    /// (whose recipients' state machine makes a second run send nobody twice).
    private func replayOne(_ entry: DLQEntry) async throws(CoreError) {
        if entry.queue == AISuggestionService.deadLetterQueue {
            guard let suggestions else { throw .internal("this process has no suggestion queue to replay \(entry.originalMessageId) into") }
            guard let id = AISuggestionService.messageId(inDeadLetter: entry.payload) else { throw .invalid("the DLQ entry names no message") }
            try await call { try await suggestions.enqueue(messageId: id) }
            return
        }
        guard entry.queue == Self.bulkQueue else {
            _ = try await inbound.process(entry.payload, eventID: entry.originalMessageId, recordFailure: false)
            return
        }
        guard let bulkQueue else { throw .internal("this process has no bulk queue to replay chunk \(entry.originalMessageId) into") }
        let chunk: BulkChunk
        do { chunk = try BulkChunk(json: entry.payload) } catch { throw .invalid("the DLQ entry is not a bulk chunk: \(error)") }
        try await call { try await bulkQueue.enqueue([chunk]) }
    }
}
