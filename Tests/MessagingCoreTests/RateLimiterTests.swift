import Foundation
import XCTest
@testable import MessagingCore

/// The sliding-window limiter on virtual time: no one-second window above any limit, the limit reached.
final class RateLimiterTests: XCTestCase {
    final class VirtualTime: @unchecked Sendable {
        private let lock = NSLock()
        private var t = 0.0
        var now: Double { lock.withLock { t } }
        func sleep(until target: Double) { lock.withLock { t = max(t, target) } }
    }

    func limiter(_ limits: RateLimits, _ time: VirtualTime) -> SlidingWindowLimiter {
        SlidingWindowLimiter(limits, margin: 0.01, now: { time.now }, sleepUntil: { time.sleep(until: $0) })
    }

    /// The most grants inside any half-open window [t, t + 1).
    func largestWindow(_ times: [Double]) -> Int {
        var best = 0, start = 0
        for end in times.indices {
            while times[end] - times[start] >= 1 { start += 1 }
            best = max(best, end - start + 1)
        }
        return best
    }

    func testEachChannelHoldsItsLimitAndReachesIt() async throws {
        for (channel, limit) in [(Channel.sms, 5), (.email, 10), (.whatsapp, 80)] {
            let time = VirtualTime()
            let l = limiter(RateLimits(), time)
            var grants: [Double] = []
            for _ in 0..<(limit * 20) {
                try await l.acquire(channel: channel, phoneNumberId: "n1")
                grants.append(time.now)
            }
            XCTAssertEqual(largestWindow(grants), limit, channel.rawValue)
            let rate = Double(grants.count - 1) / (grants.last! - grants.first!)
            XCTAssertGreaterThanOrEqual(rate, Double(limit) * 0.98, "\(channel.rawValue): \(rate)/s")
        }
    }

    func testTheAccountLimitBindsAcrossNumbers() async throws {
        let time = VirtualTime()
        let l = limiter(RateLimits(perWhatsAppNumber: ["a": 80, "b": 80], whatsAppAccount: 100), time)
        var all: [Double] = [], a: [Double] = []
        for i in 0..<2000 {
            let number = i % 2 == 0 ? "a" : "b"
            try await l.acquire(channel: .whatsapp, phoneNumberId: number)
            all.append(time.now)
            if number == "a" { a.append(time.now) }
        }
        XCTAssertEqual(largestWindow(all), 100)
        XCTAssertLessThanOrEqual(largestWindow(a), 80)
    }

    func testANumberWaitingOnItsLimitDoesNotHoldBackAnother() async throws {
        let time = VirtualTime()
        let l = limiter(RateLimits(perWhatsAppNumber: ["a": 5, "b": 5], whatsAppAccount: 1000), time)
        var a: [Double] = []
        for _ in 0..<20 { a.append(await l.reserve(RateLimits(perWhatsAppNumber: ["a": 5]).windows(channel: .whatsapp, phoneNumberId: "a"))) }
        XCTAssertGreaterThan(a.last!, 3, "number a is booked seconds ahead")
        let b = await l.reserve(RateLimits(perWhatsAppNumber: ["b": 5]).windows(channel: .whatsapp, phoneNumberId: "b"))
        XCTAssertEqual(b, 0, "number b goes now: the account window has room")
        XCTAssertEqual(largestWindow(a), 5)
    }

    func testConcurrentCallersGetSlotsFromOneWindow() async throws {
        let time = VirtualTime()
        let l = limiter(RateLimits(sms: 5), time)
        let grants = try await withThrowingTaskGroup(of: [Double].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var mine: [Double] = []
                    for _ in 0..<25 { mine.append(await l.reserve([("sms", 5)])) }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        XCTAssertEqual(grants.count, 100)
        XCTAssertLessThanOrEqual(largestWindow(grants.sorted()), 5)
    }

    func testASlotBeyondTheGivenTimeIsRefusedAndNotTaken() async throws {
        let clock = VirtualSeconds()
        let l = SlidingWindowLimiter(RateLimits(sms: 2), margin: 0, now: { clock.now }, sleepUntil: { clock.now = max(clock.now, $0) })
        for _ in 0..<2 { try await l.acquire(channel: .sms, phoneNumberId: nil) }
        var got = try await l.acquire(channel: .sms, phoneNumberId: nil, within: 0.5)
        XCTAssertFalse(got, "the next slot is a second away")
        XCTAssertEqual(clock.now, 0, "nothing waited")
        got = try await l.acquire(channel: .sms, phoneNumberId: nil, within: 1)
        XCTAssertTrue(got)
        XCTAssertEqual(clock.now, 1, "the refused call took no slot: this one is the first of the next second")
    }
}

final class VirtualSeconds: @unchecked Sendable {
    private let lock = NSLock()
    private var t: Double = 0
    var now: Double {
        get { lock.withLock { t } }
        set { lock.withLock { t = newValue } }
    }
}
