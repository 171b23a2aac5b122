import AWSClient
import Foundation
import MessagingCore
import Stores
import XCTest

/// The shared limiter against moto, on virtual time: two limiters (two Lambda instances) on one
/// RateLimitTrackers table never let a second hold more than the limit, and nothing is dropped.
final class DynamoDBRateLimiterTests: XCTestCase {
    override class func tearDown() {
        MotoTables.server.stop()
        super.tearDown()
    }

    /// Virtual epoch time: sleeping moves it forward, and the second each acquire finished in is recorded.
    final class VirtualTime: @unchecked Sendable {
        private let lock = NSLock()
        private var time = 1_795_000_000.25
        var now: Double { lock.withLock { time } }
        func sleep(until t: Double) { lock.withLock { time = max(time, t) } }
    }

    func testTwoInstancesShareEachSecondsLimit() async throws {
        let (client, names) = try await MotoTables.create(["TableRateLimitTrackers"])
        let clock = VirtualTime()
        let limits = RateLimits(defaultPerWhatsAppNumber: 3, whatsAppAccount: 1000, sms: 5, email: 10)
        let instances = (0..<2).map { _ in
            DynamoDBRateLimiter(client: client, table: names["TableRateLimitTrackers"]!, limits: limits,
                                now: { clock.now }, sleepUntil: { clock.sleep(until: $0) })
        }
        // 12 SMS from two instances in turn: 5, 5 and 2 in three consecutive seconds, as the table counts
        // them. (In turn, not at once: DynamoDB makes a conditional update atomic, moto does not, and
        // racing it only tests moto.)
        for i in 0..<12 { try await instances[i % 2].acquire(channel: .sms, phoneNumberId: nil) }
        let counters = try await client.scan(table: names["TableRateLimitTrackers"]!).items
        let perSecond = counters.compactMap { $0["messageCount"]?.int }
        XCTAssertEqual(perSecond.reduce(0, +), 12, "nothing dropped")
        XCTAssertEqual(perSecond.sorted(), [2, 5, 5], "no second over the limit")
        XCTAssertTrue(counters.allSatisfy { $0["channel"]?.string == "sms" && $0["expiresAt"] != nil })
    }

    func testAWhatsAppSendCountsAgainstItsNumberAndTheShardedAccount() async throws {
        let (client, names) = try await MotoTables.create(["TableRateLimitTrackers"])
        let clock = VirtualTime()
        let limiter = DynamoDBRateLimiter(client: client, table: names["TableRateLimitTrackers"]!,
                                          limits: RateLimits(defaultPerWhatsAppNumber: 3, whatsAppAccount: 1000, sms: 5, email: 10),
                                          now: { clock.now }, sleepUntil: { clock.sleep(until: $0) })
        let start = clock.now.rounded(.down)
        for _ in 0..<4 { try await limiter.acquire(channel: .whatsapp, phoneNumberId: "phone-number-id-a") }
        XCTAssertEqual(clock.now.rounded(.down), start + 1, "the fourth send to one number waits for the next second")
        try await limiter.acquire(channel: .whatsapp, phoneNumberId: "phone-number-id-b")
        XCTAssertEqual(clock.now.rounded(.down), start + 1, "another number is not held back")
        XCTAssertEqual(DynamoDBRateLimiter.shards("whatsapp", limit: 1000).map(\.limit), [250, 250, 250, 250])
        XCTAssertEqual(DynamoDBRateLimiter.shards("whatsapp", limit: 1001).map(\.limit), [201, 200, 200, 200, 200])
        XCTAssertEqual(DynamoDBRateLimiter.shards("sms", limit: 5).map(\.key), ["sms"])
    }
}
