import AWSClient
import Foundation
import XCTest

/// Temporary credentials are kept until five minutes before they expire, fetched once however
/// many callers wait, and kept through a failed refresh while they still work.
final class CredentialsCacheTests: XCTestCase {
    /// A source that counts its fetches and hands out credentials expiring `lifetime` after the clock.
    final class CountingSource: CredentialsProvider, @unchecked Sendable {
        private let lock = NSLock()
        private var fetches = 0
        private var failing = false
        let clock: TestClock
        let lifetime: TimeInterval
        let delay: Duration

        init(clock: TestClock, lifetime: TimeInterval = 3600, delay: Duration = .zero) {
            self.clock = clock
            self.lifetime = lifetime
            self.delay = delay
        }

        var count: Int { lock.withLock { fetches } }
        func fail(_ on: Bool) { lock.withLock { failing = on } }

        struct Refused: Error {}

        func credentials() async throws -> AWSCredentials {
            if delay > .zero { try await Task.sleep(for: delay) }
            let (number, fails) = lock.withLock { () -> (Int, Bool) in
                fetches += 1
                return (fetches, failing)
            }
            if fails { throw Refused() }
            return AWSCredentials(accessKeyID: "ASIA\(number)", secretAccessKey: "s", sessionToken: "t",
                                  expiration: clock.now.addingTimeInterval(lifetime))
        }
    }

    final class TestClock: @unchecked Sendable {
        private let lock = NSLock()
        private var date = CredentialsFixtures.now
        var now: Date { lock.withLock { date } }
        func advance(_ seconds: TimeInterval) { lock.withLock { date = date.addingTimeInterval(seconds) } }
    }

    private func chain(_ source: CountingSource) -> CredentialsProviderChain {
        let clock = source.clock
        return CredentialsProviderChain([source], cache: CredentialsCache(now: { clock.now }))
    }

    func testRefreshedFiveMinutesBeforeExpiry() async throws {
        let clock = TestClock()
        let source = CountingSource(clock: clock)
        let chain = chain(source)
        var credentials = try await chain.credentials()
        XCTAssertEqual(credentials.accessKeyID, "ASIA1")
        clock.advance(54 * 60)
        credentials = try await chain.credentials()
        XCTAssertEqual(credentials.accessKeyID, "ASIA1", "six minutes before expiry: still cached")
        clock.advance(60)
        credentials = try await chain.credentials()
        XCTAssertEqual(credentials.accessKeyID, "ASIA2", "five minutes before expiry: refreshed")
        XCTAssertEqual(source.count, 2)
    }

    func testLongTermKeysAreKeptForGood() async throws {
        let cache = CredentialsCache(now: { CredentialsFixtures.now })
        let fetches = Counter()
        for _ in 0..<5 {
            _ = try await cache.credentials {
                fetches.increment()
                return AWSCredentials(accessKeyID: "AKID", secretAccessKey: "s")
            }
        }
        XCTAssertEqual(fetches.value, 1)
    }

    func testOneRefreshAtATimeUnderConcurrency() async throws {
        let clock = TestClock()
        let source = CountingSource(clock: clock, delay: .milliseconds(200))
        let chain = chain(source)
        let keys = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<50 {
                group.addTask { try await chain.credentials().accessKeyID }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        XCTAssertEqual(keys, ["ASIA1"])
        XCTAssertEqual(source.count, 1)

        clock.advance(3600 - 60)
        let refreshed = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<50 {
                group.addTask { try await chain.credentials().accessKeyID }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        XCTAssertEqual(refreshed, ["ASIA2"])
        XCTAssertEqual(source.count, 2)
    }

    func testAFailedRefreshKeepsCredentialsThatStillWorkThenFails() async throws {
        let clock = TestClock()
        let source = CountingSource(clock: clock)
        let chain = chain(source)
        _ = try await chain.credentials()
        source.fail(true)
        clock.advance(3600 - 120)
        let kept = try await chain.credentials()
        XCTAssertEqual(kept.accessKeyID, "ASIA1", "two minutes left: the failed refresh is not the caller's problem yet")
        XCTAssertEqual(source.count, 2, "and the refresh was tried")
        clock.advance(120)
        do {
            _ = try await chain.credentials()
            XCTFail("expired credentials must not be used")
        } catch is CountingSource.Refused {
        }
        source.fail(false)
        let fresh = try await chain.credentials()
        XCTAssertEqual(fresh.accessKeyID, "ASIA4")
    }

    func testCredentialsArrivingInsideTheWindowAreNotFetchedOnEveryCall() async throws {
        let clock = TestClock()
        let source = CountingSource(clock: clock, lifetime: 240)
        let chain = chain(source)
        _ = try await chain.credentials()
        clock.advance(60)
        _ = try await chain.credentials()
        XCTAssertEqual(source.count, 1, "four-minute credentials are asked for again halfway, not at once")
        clock.advance(61)
        _ = try await chain.credentials()
        XCTAssertEqual(source.count, 2)
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func increment() { lock.withLock { count += 1 } }
}
