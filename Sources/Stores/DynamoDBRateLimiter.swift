import AWSClient
import Foundation
import MessagingCore

/// The providers' limits held across processes (every Lambda instance that sends) in the
/// RateLimitTrackers table, by the same rule as the in-process limiter: a send may go at `t` only if
/// no one-second window holding `t` (plus a margin for clock skew and late wake-ups) would then hold
/// more than the limit. Each key keeps its recent grants in one item (`windowStart` 0, `grants` in epoch
/// milliseconds, `messageCount` the number of grants ever made). A limiter reads the items of the keys a
/// send counts against, picks the earliest times they all allow, and writes every item back in one
/// transaction conditioned on each `messageCount` it read; a lost race reads again. Slots may lie in
/// the future: the grant is recorded first, then the caller sleeps until it, so waiting workers send no
/// requests and nothing is dropped. A send that finds itself more than half the margin past its slot
/// (a slow write, a late wake-up) leaves the slot unused and takes another: a grant is only ever wasted,
/// never overrun.
///
/// Within a process, the sends waiting on the same keys share one write, which also takes up to a tenth
/// of the smallest limit for the sends that follow (slots within the next second; those not used in
/// time are wasted, never reused late). So the processes, not their workers, race for an item.
///
/// A key with a high limit (the WhatsApp account's 1,000/s) is split into shards of at most 100, each
/// its own item with its share of the limit; a write takes one shard at random. Every shard holds its
/// share in every window, so the key holds its limit. One item takes about 1,000 write units a second,
/// and an item of 100 grants is about one. Items expire a day after their last grant (TTL).
public struct DynamoDBRateLimiter: RateLimiter {
    let db: DynamoDBClient
    let table: String
    let limits: RateLimits
    /// The window length in milliseconds: one second plus the margin.
    let span: Double
    /// How late after its slot a send may still go, in seconds: half the margin.
    let tolerance: Double
    /// Epoch seconds, and a sleep until an epoch time: injected so tests run on virtual time.
    let now: @Sendable () -> Double
    let sleepUntil: @Sendable (Double) async throws -> Void
    let waiting: Waiting

    static let shardLimit = 100
    /// The item of a key's grants, beside the per-second counters earlier versions kept.
    static let logWindowStart = 0

    public init(client: DynamoDBClient, table: String, limits: RateLimits, margin: Double = 0.02, now: (@Sendable () -> Double)? = nil,
                sleepUntil: (@Sendable (Double) async throws -> Void)? = nil) {
        db = client
        self.table = table
        self.limits = limits
        span = ((1 + margin) * 1000).rounded()
        tolerance = margin / 2
        let now = now ?? { Date().timeIntervalSince1970 }
        self.now = now
        waiting = Waiting(now: now, tolerance: margin / 2)
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
        _ = try await acquire(channel: channel, phoneNumberId: phoneNumberId, within: .infinity)
    }

    public func acquire(channel: Channel, phoneNumberId: String?, within seconds: TimeInterval) async throws -> Bool {
        guard seconds >= 0 else { return false }
        let last = now() + seconds
        while true {
            guard let slot = try await reserve(channel: channel, phoneNumberId: phoneNumberId, notAfter: last) else { return false }
            if slot > now() { try await sleepUntil(slot) }
            // A send later than half the margin after its slot (a slow write, a late wake-up) could land in a
            // window that did not count it: its slot is left unused, which only wastes it, and another is taken.
            if now() <= slot + tolerance { return true }
        }
    }

    /// Records one send at the earliest time every key it counts against allows, and returns that time
    /// (epoch seconds); nil, with nothing recorded, when that time is later than `notAfter`.
    func reserve(channel: Channel, phoneNumberId: String?, notAfter: Double) async throws -> Double? {
        let keys = limits.windows(channel: channel, phoneNumberId: phoneNumberId)
        // A process takes up to a tenth of the smallest limit at once, and hands out what its waiting sends
        // leave over to the next ones: fewer writes, fewer of them racing other processes' writes.
        let extra = max(0, (keys.map(\.limit).min() ?? 0) / 10 - 1)
        return try await waiting.reserve(keys.map(\.key), notAfter: notAfter, extra: extra) { try await grant(keys, notAfter: $0, lead: $1) }
    }

    /// One grant for each deadline in `notAfter` (in order; nil for a deadline that comes too soon),
    /// recorded with one transaction that every key's item takes part in. No slot is earlier than `lead`
    /// seconds from now (how long the last grant took), so that slots are not already past when granted.
    func grant(_ keys: [(key: String, limit: Int)], notAfter: [Double], lead: Double) async throws -> [Double?] {
        // One shard of each key, chosen at random: over many sends each gets its share.
        let shards = keys.map { Self.shards($0.key, limit: $0.limit).randomElement()! }
        var attempt = 0
        while true {
            // Milliseconds throughout: whole numbers, so what is stored is exactly what was checked.
            let current = (now() * 1000).rounded(.up)
            let first = ((now() + lead) * 1000).rounded(.up)
            var logs: [Log] = []
            for (key, limit) in shards { logs.append(try await read(key, limit: limit)) }
            var windows = logs.map(\.window)
            let slots = notAfter.map { last -> Double? in
                let slot = SlidingWindow.earliest(from: first, in: zip(windows, logs).map { ($0, $1.limit) }, span: span)
                guard slot <= last * 1000 else { return nil }
                for i in windows.indices { windows[i].grant(slot, prune: current - span) }
                return slot / 1000
            }
            let granted = slots.compactMap { $0 }
            guard let latest = granted.max() else { return slots }
            do {
                try await db.transactWriteItems(zip(logs, windows).map { $0.writing($1, granted: granted.count, expiring: latest + 86_400, table: table) })
                return slots
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

        func writing(_ window: SlidingWindow, granted: Int, expiring: Double, table: String) -> DynamoDBClient.TransactWrite {
            let item: DynamoItem = [
                "channel": .s(key), "windowStart": .number(DynamoDBRateLimiter.logWindowStart),
                "grants": .l(window.slots.map { .number($0) }), "messageCount": .number((count ?? 0) + granted),
                "lastUpdatedAt": .number((expiring - 86_400).rounded(.up)), "expiresAt": .number(expiring.rounded(.up)),
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

extension DynamoDBRateLimiter {
    /// The sends of this process waiting for a grant, per set of keys. While one write for a set is in
    /// flight, the sends that arrive wait for the next, which grants them all: the processes contend for
    /// an item, not each of their workers, and a busy process writes once for many sends.
    actor Waiting {
        struct Waiter {
            var notAfter: Double
            var continuation: CheckedContinuation<Double?, any Error>
        }

        let now: @Sendable () -> Double
        let tolerance: Double
        var waiters: [[String]: [Waiter]] = [:]
        /// Slots granted to this process beyond its waiting sends, sorted, for the next sends.
        var ready: [[String]: [Double]] = [:]
        var flying: Set<[String]> = []
        /// How long the last grant took, from its first read to its write's answer.
        var lead = 0.0

        init(now: @escaping @Sendable () -> Double, tolerance: Double) {
            self.now = now
            self.tolerance = tolerance
        }

        func reserve(_ keys: [String], notAfter: Double, extra: Int,
                     grant: @escaping @Sendable ([Double], Double) async throws -> [Double?]) async throws -> Double? {
            // A slot past by more than the tolerance is of no use any more (it stays recorded, unused).
            let stale = now() - tolerance
            ready[keys]?.removeAll { $0 < stale }
            if let slot = ready[keys]?.first, slot <= notAfter {
                ready[keys]!.removeFirst()
                return slot
            }
            return try await withCheckedThrowingContinuation { continuation in
                waiters[keys, default: []].append(Waiter(notAfter: notAfter, continuation: continuation))
                guard flying.insert(keys).inserted else { return }
                Task { await fly(keys, extra: extra, grant) }
            }
        }

        func fly(_ keys: [String], extra: Int, _ grant: @Sendable ([Double], Double) async throws -> [Double?]) async {
            while let batch = waiters.removeValue(forKey: keys) {
                do {
                    let started = now()
                    // The extra slots come within the next second, or not at all.
                    let slots = try await grant(batch.map(\.notAfter) + Array(repeating: started + 1, count: extra), lead)
                    lead = max(0, now() - started)
                    for (waiter, slot) in zip(batch, slots) { waiter.continuation.resume(returning: slot) }
                    ready[keys, default: []] = (ready[keys, default: []] + slots.dropFirst(batch.count).compactMap { $0 }).sorted()
                } catch {
                    for waiter in batch { waiter.continuation.resume(throwing: error) }
                }
            }
            flying.remove(keys)
        }
    }
}
