import AWSClient
import Foundation
import MessagingCore

/// The providers' limits held across processes (every Lambda instance that sends) in the
/// RateLimitTrackers table, by the same rule as the in-process limiter: a send may go at `t` only if
/// no one-second window holding `t` (plus a margin for clock skew and late wake-ups) would then hold
/// more than the limit. Each key keeps its recent grants in one item (`windowStart` 0, `grants` in epoch
/// milliseconds, `messageCount` the number of grants ever made). A limiter reads the items of the keys a
/// send counts against, picks the earliest time they all allow, and writes every item back in one
/// transaction conditioned on each `messageCount` it read; a lost race reads again. The slot may lie in
/// the future: the grant is recorded first, then the caller sleeps until it, so waiting workers send no
/// requests and nothing is dropped.
///
/// A key with a high limit (the WhatsApp account's 1,000/s) is split into shards of at most 100, each
/// its own item with its share of the limit; a send takes one shard at random. Every shard holds its
/// share in every window, so the key holds its limit. One item takes about 1,000 write units a second,
/// and an item of 100 grants is about one. Items expire a day after their last grant (TTL).
public struct DynamoDBRateLimiter: RateLimiter {
    let db: DynamoDBClient
    let table: String
    let limits: RateLimits
    /// The window length in milliseconds: one second plus the margin.
    let span: Double
    /// Epoch seconds, and a sleep until an epoch time: injected so tests run on virtual time.
    let now: @Sendable () -> Double
    let sleepUntil: @Sendable (Double) async throws -> Void

    static let shardLimit = 100
    /// The item of a key's grants, beside the per-second counters earlier versions kept.
    static let logWindowStart = 0

    public init(client: DynamoDBClient, table: String, limits: RateLimits, margin: Double = 0.02, now: (@Sendable () -> Double)? = nil,
                sleepUntil: (@Sendable (Double) async throws -> Void)? = nil) {
        db = client
        self.table = table
        self.limits = limits
        span = ((1 + margin) * 1000).rounded()
        self.now = now ?? { Date().timeIntervalSince1970 }
        self.sleepUntil = sleepUntil ?? { t in
            let wait = t - Date().timeIntervalSince1970
            if wait > 0 { try await Task.sleep(for: .nanoseconds(Int64(wait * 1e9))) }
        }
    }

    /// The items a key is split into, each with its share of the limit.
    public static func shards(_ key: String, limit: Int) -> [(key: String, limit: Int)] {
        let count = max(1, (limit + shardLimit - 1) / shardLimit)
        guard count > 1 else { return [(key, limit)] }
        return (0..<count).map { i in (key + "#" + String(i), limit / count + (i < limit % count ? 1 : 0)) }
    }

    public func acquire(channel: Channel, phoneNumberId: String?) async throws {
        let slot = try await reserve(channel: channel, phoneNumberId: phoneNumberId, notAfter: .infinity)!
        if slot > now() { try await sleepUntil(slot) }
    }

    public func acquire(channel: Channel, phoneNumberId: String?, within seconds: TimeInterval) async throws -> Bool {
        guard seconds >= 0, let slot = try await reserve(channel: channel, phoneNumberId: phoneNumberId, notAfter: now() + seconds) else { return false }
        if slot > now() { try await sleepUntil(slot) }
        return true
    }

    /// Records one send at the earliest time every key it counts against allows, and returns that time
    /// (epoch seconds); nil, with nothing recorded, when that time is later than `notAfter`.
    func reserve(channel: Channel, phoneNumberId: String?, notAfter: Double) async throws -> Double? {
        let keys = limits.windows(channel: channel, phoneNumberId: phoneNumberId).map { Self.shards($0.key, limit: $0.limit).randomElement()! }
        var attempt = 0
        while true {
            // Milliseconds throughout: whole numbers, so what is stored is exactly what was checked.
            let current = (now() * 1000).rounded(.up)
            var logs: [Log] = []
            for (key, limit) in keys { logs.append(try await read(key, limit: limit)) }
            let slot = SlidingWindow.earliest(from: current, in: logs.map { ($0.window, $0.limit) }, span: span)
            guard slot <= notAfter * 1000 else { return nil }
            do {
                try await db.transactWriteItems(logs.map { $0.granting(slot, prune: current - span, table: table) })
                return slot / 1000
            } catch let error as AWSError where DynamoDBStore.conditionFailed(error) {
                // Another process granted in between: read again at once.
                continue
            } catch let error as AWSError where DynamoDBStore.isTransient(error) {
                attempt += 1
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...(5 << min(attempt, 6)))))
            }
        }
    }

    /// One key's item as read: its grants and the count the write is conditioned on (nil: no item yet).
    struct Log {
        var key: String
        var limit: Int
        var window: SlidingWindow
        var count: Int?

        func granting(_ slot: Double, prune before: Double, table: String) -> DynamoDBClient.TransactWrite {
            var window = window
            window.grant(slot, prune: before)
            let item: DynamoItem = [
                "channel": .s(key), "windowStart": .number(DynamoDBRateLimiter.logWindowStart),
                "grants": .l(window.slots.map { .number($0) }), "messageCount": .number((count ?? 0) + 1),
                "lastUpdatedAt": .number((slot / 1000).rounded(.up)), "expiresAt": .number((slot / 1000).rounded(.up) + 86_400),
            ]
            guard let count else { return .put(table: table, item: item, condition: "attribute_not_exists(messageCount)") }
            return .put(table: table, item: item, condition: "messageCount = :seen", values: [":seen": .number(count)])
        }
    }

    func read(_ key: String, limit: Int) async throws -> Log {
        let item = try await db.getItem(table: table, key: ["channel": .s(key), "windowStart": .number(Self.logWindowStart)])
        guard case .l(let grants)? = item?["grants"] else { return Log(key: key, limit: limit, window: SlidingWindow(), count: item?["messageCount"]?.int) }
        return Log(key: key, limit: limit, window: SlidingWindow(slots: grants.compactMap(\.double)), count: item?["messageCount"]?.int)
    }
}
