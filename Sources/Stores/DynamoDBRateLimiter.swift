import AWSClient
import Foundation
import MessagingCore

/// The providers' limits held across processes (every Lambda instance that sends) in the
/// RateLimitTrackers table: one counter per key and calendar second (`channel`, `windowStart`), taken
/// by a conditional `ADD messageCount 1` that fails once the second is full; the caller then waits for
/// the next second. Nothing is dropped. Unlike the in-process sliding window, these are fixed windows:
/// each calendar second holds at most the limit, a second straddling two may hold up to twice it.
///
/// A key with a high limit (the WhatsApp account's 1,000/s) is split into shards of at most 250, each
/// its own item with its share of the limit, tried in a random order: one DynamoDB item takes about
/// 1,000 writes a second, and failed conditional writes count too. Counters expire a day later (TTL).
public struct DynamoDBRateLimiter: RateLimiter {
    let db: DynamoDBClient
    let table: String
    let limits: RateLimits
    /// Epoch seconds, and a sleep until an epoch time: injected so tests run on virtual time.
    let now: @Sendable () -> Double
    let sleepUntil: @Sendable (Double) async throws -> Void

    static let shardLimit = 250

    public init(client: DynamoDBClient, table: String, limits: RateLimits, now: (@Sendable () -> Double)? = nil,
                sleepUntil: (@Sendable (Double) async throws -> Void)? = nil) {
        db = client
        self.table = table
        self.limits = limits
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
        // A WhatsApp send counts against its number and the account; each is taken in turn, and a slot
        // taken in the first while the second is full is not given back: the shared limit is never
        // exceeded, at the cost of a send now and then waiting a second longer than it had to.
        for (key, limit) in limits.windows(channel: channel, phoneNumberId: phoneNumberId) {
            while true {
                let second = now().rounded(.down)
                if try await take(key, limit: limit, second: second) { break }
                try await sleepUntil(second + 1)
            }
        }
    }

    /// One slot of `key` in `second`, from any of its shards; false when they are all full.
    public func acquire(channel: Channel, phoneNumberId: String?, within seconds: TimeInterval) async throws -> Bool {
        // Gives up before waiting for a second that starts after the limit; a slot taken in the first
        // window is not given back (as above), which only ever makes a later send wait longer.
        let last = now() + seconds
        for (key, limit) in limits.windows(channel: channel, phoneNumberId: phoneNumberId) {
            while true {
                let second = now().rounded(.down)
                if try await take(key, limit: limit, second: second) { break }
                guard second + 1 <= last else { return false }
                try await sleepUntil(second + 1)
            }
        }
        return true
    }

    func take(_ key: String, limit: Int, second: Double) async throws -> Bool {
        for shard in Self.shards(key, limit: limit).shuffled() {
            do {
                try await db.updateItem(
                    table: table, key: ["channel": .s(shard.key), "windowStart": .number(second)],
                    set: "SET lastUpdatedAt = :now, expiresAt = :expires ADD messageCount :one",
                    condition: "attribute_not_exists(messageCount) OR messageCount < :limit",
                    values: [":now": .number(now()), ":expires": .number(second + 86_400), ":one": .number(1), ":limit": .number(shard.limit)])
                return true
            } catch where DynamoDBStore.conditionFailed(error) {
                continue
            }
        }
        return false
    }
}
