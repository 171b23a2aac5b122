import Foundation

/// The suggestion queue of `serve`: one task of the process works the queued messages in order, so the
/// inbound path only appends an id and returns. `idle()` waits until everything queued is worked (tests,
/// shutdown).
public actor InProcessSuggestionQueue: SuggestionQueue {
    private var waiting: [String] = []
    private var running = false
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    private var work: (@Sendable (String) async -> Void)?

    public init() {}

    /// What each queued message gets: the suggestion service's `suggestOrDeadLetter`, which never throws.
    public func start(_ work: @escaping @Sendable (String) async -> Void) {
        self.work = work
        pump()
    }

    public func enqueue(messageId: String) async throws {
        waiting.append(messageId)
        pump()
    }

    public func idle() async {
        guard running || !waiting.isEmpty else { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    private func pump() {
        guard !running, let work, !waiting.isEmpty else { return }
        running = true
        Task { await self.drain(work) }
    }

    private func drain(_ work: @Sendable (String) async -> Void) async {
        while !waiting.isEmpty {
            let id = waiting.removeFirst()
            await work(id)
        }
        running = false
        let waiters = idleWaiters
        idleWaiters = []
        for w in waiters { w.resume() }
    }
}
