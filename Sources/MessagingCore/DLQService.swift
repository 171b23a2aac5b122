import Foundation

/// Dead-letter replay (Req 9): list, replay up to 100 at a time through the same handler, dedupe by
/// message id, delete on success, count retries on failure, never replay past 5 retries.
public struct DLQService: Sendable {
    let deps: CoreDependencies
    let settings: CoreSettings
    let inbound: InboundProcessor
    let bulkQueue: (any BulkQueue)?

    /// Failed inbound events are kept under this queue name; failed bulk chunks under `bulkQueue`.
    public static let inboundQueue = "inbound-dlq"
    public static let bulkQueue = "bulk-dlq"

    /// `bulkQueue` takes replayed bulk chunks back; without it they cannot be replayed here.
    public init(_ deps: CoreDependencies, settings: CoreSettings, bulkQueue: (any BulkQueue)? = nil) {
        self.deps = deps
        self.settings = settings
        self.inbound = InboundProcessor(deps, settings: settings)
        self.bulkQueue = bulkQueue
    }

    public struct ReplayResult: Sendable, Equatable {
        public var replayed: [String] = []
        public var failed: [String] = []
        public var skippedDuplicates: [String] = []
        public var exhausted: [String] = []
    }

    public func list(limit: Int = 100) async throws(CoreError) -> [DLQEntry] {
        try await call { try await deps.store.dlqEntries(limit: min(max(limit, 1), 1000), now: deps.clock.now()) }
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
