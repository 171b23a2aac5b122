import NIOConcurrencyHelpers
import NIOCore
@testable import Server
import XCTest

/// One timer watches every body being read: only reads past their deadline are cancelled, and their
/// requests learn it (a 408, not a 400).
final class BodyDeadlinesTests: XCTestCase {
    func testOnlyReadsPastTheirDeadlineAreCancelled() {
        let deadlines = BodyDeadlines(tick: .hours(1))
        let cancelled = NIOLockedValueBox<[String]>([])
        let start = NIODeadline.now()
        let early = deadlines.watch(until: start + .seconds(1)) { cancelled.withLockedValue { $0.append("early") } }
        let late = deadlines.watch(until: start + .seconds(10)) { cancelled.withLockedValue { $0.append("late") } }
        deadlines.expire(at: start + .seconds(2))
        XCTAssertEqual(cancelled.withLockedValue { $0 }, ["early"])
        XCTAssertFalse(deadlines.release(early), "the expired read is told so")
        XCTAssertTrue(deadlines.release(late), "a read that ended in time")
        XCTAssertEqual(deadlines.watched, 0)
    }

    func testTheTimerFiresWithoutBeingAsked() async throws {
        let deadlines = BodyDeadlines(tick: .milliseconds(20))
        let cancelled = NIOLockedValueBox(false)
        let ticket = deadlines.watch(until: .now() + .milliseconds(50)) { cancelled.withLockedValue { $0 = true } }
        for _ in 0..<100 where !cancelled.withLockedValue({ $0 }) { try await Task.sleep(for: .milliseconds(20)) }
        XCTAssertTrue(cancelled.withLockedValue { $0 })
        XCTAssertFalse(deadlines.release(ticket))
        XCTAssertEqual(deadlines.watched, 0)
    }
}
