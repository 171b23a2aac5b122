import AWSClient
import Foundation
import MessagingCore
@testable import Stores
import XCTest

/// The shared limiter against moto: several limiters (several Lambda instances), each with several
/// workers at once, on one RateLimitTrackers table. moto is reached through `FaultyDynamoDB`'s lock,
/// which applies each request whole as DynamoDB applies a conditional write; the races between reading
/// and writing are the limiter's own. The times checked are the grants the limiter returns (the moments
/// its callers send), so the checks do not depend on how fast this machine is.
final class DynamoDBRateLimiterTests: XCTestCase {
    override class func tearDown() {
        MotoTables.server.stop()
        super.tearDown()
    }

    /// The most grants in any window [t, t + 1 s), whatever its start.
    static func largestWindow(_ times: [Double]) -> Int {
        let sorted = times.sorted()
        var best = 0, start = 0
        for end in sorted.indices {
            while sorted[end] - sorted[start] >= 1 { start += 1 }
            best = max(best, end - start + 1)
        }
        return best
    }

    func limiters(_ count: Int, _ limits: RateLimits, now: @escaping @Sendable () -> Double,
                  sleepUntil: (@Sendable (Double) async throws -> Void)? = nil) async throws -> ([DynamoDBRateLimiter], DynamoDBClient, String) {
        let (client, names) = try await MotoTables.create(["TableRateLimitTrackers"], transport: FaultyDynamoDB())
        let table = names["TableRateLimitTrackers"]!
        return ((0..<count).map { _ in DynamoDBRateLimiter(client: client, table: table, limits: limits, now: now, sleepUntil: sleepUntil) }, client, table)
    }

    /// Grants from every limiter's workers at once: `perWorker` sends each.
    func grants(_ limiters: [DynamoDBRateLimiter], workers: Int, perWorker: Int, channel: Channel,
                number: @escaping @Sendable (Int) -> String? = { _ in nil }) async throws -> [(number: String?, at: Double)] {
        try await withThrowingTaskGroup(of: [(number: String?, at: Double)].self) { group in
            for (l, limiter) in limiters.enumerated() {
                for w in 0..<workers {
                    group.addTask {
                        var mine: [(number: String?, at: Double)] = []
                        for i in 0..<perWorker {
                            let id = number(l * 1000 + w * 100 + i)
                            let slot = try await limiter.reserve(channel: channel, phoneNumberId: id, notAfter: .infinity)
                            mine.append((id, slot!))
                        }
                        return mine
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }

    func testNoOneSecondWindowAcrossInstancesHoldsMoreThanTheLimit() async throws {
        let (instances, client, table) = try await limiters(3, RateLimits(sms: 5), now: { Date().timeIntervalSince1970 })
        let granted = try await grants(instances, workers: 2, perWorker: 8, channel: .sms)
        let times = granted.map(\.at)
        XCTAssertEqual(times.count, 48, "nothing dropped")
        XCTAssertLessThanOrEqual(Self.largestWindow(times), 5, "no one-second window, at any offset, over the limit")
        let log = try await client.getItem(table: table, key: ["channel": .s("sms"), "windowStart": .number(0)])
        XCTAssertEqual(log?["messageCount"]?.int, 48)
        XCTAssertNotNil(log?["expiresAt"])
    }

    func testAWhatsAppSendCountsAgainstItsNumberAndTheShardedAccount() async throws {
        // An account of 250/s is three items (84, 83, 83); each number may send 3/s.
        let limits = RateLimits(defaultPerWhatsAppNumber: 3, whatsAppAccount: 250)
        let (instances, _, _) = try await limiters(3, limits, now: { Date().timeIntervalSince1970 })
        let granted = try await grants(instances, workers: 2, perWorker: 6, channel: .whatsapp, number: { "phone-number-id-\($0 % 2)" })
        XCTAssertEqual(granted.count, 36)
        for number in ["phone-number-id-0", "phone-number-id-1"] {
            XCTAssertLessThanOrEqual(Self.largestWindow(granted.filter { $0.number == number }.map(\.at)), 3, number)
        }
        XCTAssertEqual(DynamoDBRateLimiter.shards("whatsapp", limit: 250).map(\.limit), [84, 83, 83])
        XCTAssertEqual(DynamoDBRateLimiter.shards("whatsapp", limit: 1000).map(\.limit), Array(repeating: 100, count: 10))
        XCTAssertEqual(DynamoDBRateLimiter.shards("sms", limit: 5).map(\.key), ["sms"])
    }

    func testTheAccountLimitHoldsAcrossItsShards() async throws {
        // Many numbers, so only the account binds: 120/s over two items of 60. The clock stands still, so
        // the grants reach ahead: 160 of them need more than a second.
        let limits = RateLimits(defaultPerWhatsAppNumber: 80, whatsAppAccount: 120)
        let (instances, _, _) = try await limiters(2, limits, now: { 1_795_000_000.25 })
        let granted = try await grants(instances, workers: 2, perWorker: 40, channel: .whatsapp, number: { "phone-number-id-\($0 % 7)" })
        XCTAssertEqual(granted.count, 160)
        XCTAssertGreaterThan(granted.map(\.at).max()! - granted.map(\.at).min()!, 1)
        XCTAssertLessThanOrEqual(Self.largestWindow(granted.map(\.at)), 120)
    }

    func testASlotAfterTheDeadlineTakesNothing() async throws {
        let clock = VirtualTime()
        let (instances, client, table) = try await limiters(2, RateLimits(sms: 2), now: { clock.now }, sleepUntil: { clock.sleep(until: $0) })
        let first = try await instances[0].acquire(channel: .sms, phoneNumberId: nil, within: 0)
        let second = try await instances[1].acquire(channel: .sms, phoneNumberId: nil, within: 0)
        let third = try await instances[0].acquire(channel: .sms, phoneNumberId: nil, within: 0.5)
        XCTAssertEqual([first, second, third], [true, true, false], "the third slot is a second away")
        let log = try await client.getItem(table: table, key: ["channel": .s("sms"), "windowStart": .number(0)])
        XCTAssertEqual(log?["messageCount"]?.int, 2, "nothing taken")
        // Without a deadline the third send waits for its slot: one second and the margin after the first.
        let before = clock.now
        try await instances[1].acquire(channel: .sms, phoneNumberId: nil)
        XCTAssertEqual(clock.now - before, 1.02, accuracy: 0.002)
    }

    func testASendThatWakesTooLateTakesAnotherSlot() async throws {
        let clock = VirtualTime()
        let start = clock.now
        let oversleep = OverSleep()
        let (instances, client, table) = try await limiters(1, RateLimits(sms: 2), now: { clock.now },
                                                            sleepUntil: { clock.sleep(until: $0 + oversleep.take()) })
        for _ in 0..<2 { try await instances[0].acquire(channel: .sms, phoneNumberId: nil) }
        // The third slot is 1.02 s after the first, but the sleep ends 60 ms after it: sent then, it could
        // share a window with sends the grant did not count. It is left unused and the next slot taken.
        oversleep.next = 0.06
        try await instances[0].acquire(channel: .sms, phoneNumberId: nil)
        XCTAssertEqual(clock.now - start, 1.08, accuracy: 0.002)
        let log = try await client.getItem(table: table, key: ["channel": .s("sms"), "windowStart": .number(0)])
        XCTAssertEqual(log?["messageCount"]?.int, 4, "two grants for the third send, the late one unused")
    }

    final class OverSleep: @unchecked Sendable {
        private let lock = NSLock()
        private var pending = 0.0
        var next: Double {
            get { lock.withLock { pending } }
            set { lock.withLock { pending = newValue } }
        }
        func take() -> Double { lock.withLock { defer { pending = 0 }; return pending } }
    }

    /// Virtual epoch time: sleeping moves it forward.
    final class VirtualTime: @unchecked Sendable {
        private let lock = NSLock()
        private var time = 1_795_000_000.25
        var now: Double { lock.withLock { time } }
        func sleep(until t: Double) { lock.withLock { time = max(time, t) } }
    }
}
