import Foundation

/// Keeps the credentials a source gave until shortly before they expire, then fetches new ones:
/// one fetch at a time, however many requests want credentials meanwhile.
///
/// A refresh is due `refreshAhead` before the expiry (five minutes, as the SDKs do). If it fails
/// while the credentials still work, those are used until they expire and the next call tries
/// again; only then is the error thrown. Credentials without an expiry are kept for good.
public actor CredentialsCache {
    public let refreshAhead: TimeInterval
    private let now: @Sendable () -> Date
    private var current: AWSCredentials?
    private var refreshAt: Date?
    private var refreshing: Task<AWSCredentials, any Error>?

    public init(refreshAhead: TimeInterval = 300, now: @escaping @Sendable () -> Date = { Date() }) {
        self.refreshAhead = refreshAhead
        self.now = now
    }

    /// The cached credentials while fresh, else the result of `fetch` (shared with every caller
    /// that arrives while it runs).
    public func credentials(fetch: @escaping @Sendable () async throws -> AWSCredentials) async throws -> AWSCredentials {
        if let current, !isDue(at: now()) { return current }
        let task: Task<AWSCredentials, any Error>
        if let refreshing {
            task = refreshing
        } else {
            task = Task { try await fetch() }
            refreshing = task
        }
        do {
            let fresh = try await task.value
            if refreshing == task {
                refreshing = nil
                store(fresh)
            }
            return fresh
        } catch {
            if refreshing == task { refreshing = nil }
            if let current, !current.isExpired(at: now()) { return current }
            throw error
        }
    }

    /// Forgets the cached credentials (the next call fetches).
    public func invalidate() {
        current = nil
        refreshAt = nil
    }

    private func isDue(at date: Date) -> Bool {
        refreshAt.map { date >= $0 } ?? false
    }

    private func store(_ credentials: AWSCredentials) {
        current = credentials
        guard let expiration = credentials.expiration else {
            refreshAt = nil
            return
        }
        let fetchedAt = now()
        let ahead = expiration.addingTimeInterval(-refreshAhead)
        // Credentials that arrive already inside the window (an endpoint handing out its last
        // minutes) are asked for again halfway to their expiry, not on every request.
        refreshAt = ahead > fetchedAt ? ahead : fetchedAt.addingTimeInterval(max(expiration.timeIntervalSince(fetchedAt) / 2, 0))
    }
}
