import CoreTestSupport
import Foundation
import MessagingCore
import Stores
import XCTest

/// Claims under leases and deadline-aware workers, LIVE against a recording provider: every recipient gets
/// exactly one provider call or ends `interrupted`, never two.
final class LeaseTests: XCTestCase {
    func live(_ n: Int, sms: Int? = nil) async throws -> (BulkWorld, String) {
        var w = try BulkWorld()
        w.settings.sendMode = .live
        if let sms {
            // The sliding window on the test clock: waiting for a slot moves virtual time.
            let clock = w.clock
            w.limiter = SlidingWindowLimiter(RateLimits(sms: sms), margin: 0, now: { clock.now().timeIntervalSince1970 },
                                             sleepUntil: { t in clock.advance(max(0, t - clock.now().timeIntervalSince1970)) })
        }
        let ids = try await w.contacts(n)
        let view = try await w.service.create(channel: .sms, recipients: .contacts(ids), content: BulkContent(text: "hi"), createdBy: "u1")
        if view.job.status == .pending { _ = try await w.service.confirm(view.job.id) }
        return (w, view.job.id)
    }

    func testAWorkerKilledAfterItsClaimIsSettledOnlyOnceItsLeaseEndsAndNeverResent() async throws {
        let (w, jobId) = try await live(5)
        // A worker on another instance claimed recipient 2 and died before recording anything.
        let dead = Lease(owner: "worker:dead", until: w.clock.now().addingTimeInterval(80))
        let claimed = try await w.store.claimRecipient(jobId: jobId, seq: 2, lease: dead, at: w.clock.now())
        XCTAssertTrue(claimed)
        await w.drain()
        var view = try await w.service.view(jobId)
        XCTAssertEqual(view.job.status, .inProgress, "recipient 2 is still someone's")
        XCTAssertEqual(view.progress.sent, 4)

        w.clock.advance(60)
        try await w.service.reconcile()
        view = try await w.service.view(jobId)
        XCTAssertEqual(view.progress.interrupted, 0, "a lease that has not ended is left alone")

        w.clock.advance(30)
        try await w.service.reconcile()
        await w.drain()
        view = try await w.service.view(jobId)
        XCTAssertEqual(view.job.status, .completed)
        XCTAssertEqual(view.progress, BulkProgress(total: 5, sent: 4, failed: 1, pending: 0, cancelled: 0, interrupted: 1))
        XCTAssertNotNil(view.job.reportKey)
        w.assertOneCallPerRecipient(5, notSent: [2])
        XCTAssertTrue(w.events.events.contains { $0.level == .critical && $0.name == "bulk_send_interrupted" && $0.fields["seq"] == "2" })
    }

    func testTheLateAnswerOfTheWorkerThatHeldTheClaimSettlesAnInterruptedRecipient() async throws {
        let (w, jobId) = try await live(1)
        let lease = Lease(owner: "worker:slow", until: w.clock.now().addingTimeInterval(10))
        _ = try await w.store.claimRecipient(jobId: jobId, seq: 0, lease: lease, at: w.clock.now())
        w.clock.advance(20)
        try await w.service.reconcile()
        var r = try await w.store.recipients(jobId: jobId, fromSeq: 0, limit: 1)[0]
        XCTAssertEqual(r.status, .interrupted)
        let m = Message(id: "m-late", contactId: r.contactId, channel: .sms, direction: .outbound, status: .sent, kind: "text", content: "hi",
                        timestamp: w.clock.now(), expiresAt: 1_900_000_000, idempotencyKey: r.idempotencyKey)
        try await w.store.finishRecipient(jobId: jobId, seq: 0, owner: "worker:slow", status: .sent, message: m, error: nil, at: w.clock.now())
        r = try await w.store.recipients(jobId: jobId, fromSeq: 0, limit: 1)[0]
        XCTAssertEqual(r.status, .sent)
    }

    func testARecordedAnswerSettlesAnExpiredLeaseFromTheMessage() async throws {
        let (w, jobId) = try await live(1)
        let lease = Lease(owner: "worker:dead", until: w.clock.now().addingTimeInterval(10))
        _ = try await w.store.claimRecipient(jobId: jobId, seq: 0, lease: lease, at: w.clock.now())
        let key = BulkRecipient.idempotencyKey(jobId: jobId, seq: 0)
        _ = try await w.store.insertMessage(Message(id: "m-0", contactId: "c-00000", channel: .sms, direction: .outbound, status: .sent, kind: "text",
                                                    content: "hi", timestamp: w.clock.now(), expiresAt: 1_900_000_000, idempotencyKey: key))
        w.clock.advance(20)
        try await w.service.reconcile()
        let view = try await w.service.view(jobId)
        XCTAssertEqual(view.progress.sent, 1)
        XCTAssertEqual(view.job.status, .completed)
        XCTAssertEqual(w.gateway.sent.count, 0, "the answer was recorded: nothing is sent again")
    }

    func testAWorkerStopsClaimingAtItsDeadlineAndHandsTheRestBack() async throws {
        // SMS at 1/s: a 100-recipient chunk needs 100 s; the invocation has 50 s, 5 of them kept for the last send.
        let (w, jobId) = try await live(100, sms: 1)
        let chunk = BulkChunk(jobId: jobId, index: 0, firstSeq: 0, count: 100)
        var deadline = w.clock.now().addingTimeInterval(50)
        var outcome = try await w.worker.work(chunk, deadline: deadline)
        XCTAssertEqual(outcome, .later(0), "the rest of the chunk is handed back")
        XCTAssertLessThanOrEqual(w.clock.now(), deadline.addingTimeInterval(-5), "no send started within the reserve")
        var progress = try await w.service.view(jobId).progress
        let first = progress.sent
        XCTAssertGreaterThan(first, 40)
        XCTAssertLessThan(first, 50)
        let sending = try await w.store.sendingRecipients(leaseExpiredBy: nil)
        XCTAssertEqual(sending, [], "the limiter waits before the claim: nothing is left claimed")
        XCTAssertTrue(w.events.events.contains { $0.name == "bulk_deadline" })

        var invocations = 1
        while outcome != .done, invocations < 5 {
            deadline = w.clock.now().addingTimeInterval(50)
            outcome = try await w.worker.work(chunk, deadline: deadline)
            invocations += 1
        }
        XCTAssertEqual(outcome, .done)
        XCTAssertEqual(invocations, 3)
        progress = try await w.service.view(jobId).progress
        XCTAssertEqual(progress.sent, 100)
        w.assertOneCallPerRecipient(100)
    }

    func testAWorkerDoesNotWaitPastItsDeadlineForARateSlot() async throws {
        // Other workers hold the limit: every slot is 30 s away. With 50 s (45 usable) one send fits, not two.
        var (w, jobId) = try await live(3)
        w.limiter = SlowSlots(clock: w.clock, wait: 30)
        let chunk = BulkChunk(jobId: jobId, index: 0, firstSeq: 0, count: 3)
        let deadline = w.clock.now().addingTimeInterval(50)
        let outcome = try await w.worker.work(chunk, deadline: deadline)
        XCTAssertEqual(outcome, .later(0))
        XCTAssertEqual(w.gateway.sent.count, 1)
        XCTAssertLessThan(w.clock.now(), deadline, "it did not wait for a slot it could not use")
        let progress = try await w.service.view(jobId).progress
        XCTAssertEqual(progress.pending, 2)
        let sending = try await w.store.sendingRecipients(leaseExpiredBy: nil)
        XCTAssertEqual(sending, [], "the slot is waited for before the claim: a refused slot leaves the recipient pending")
    }

    func testNoTimeLeftClaimsNothing() async throws {
        let (w, jobId) = try await live(3)
        let chunk = BulkChunk(jobId: jobId, index: 0, firstSeq: 0, count: 3)
        let outcome = try await w.worker.work(chunk, deadline: w.clock.now().addingTimeInterval(4))
        XCTAssertEqual(outcome, .later(0))
        XCTAssertEqual(w.gateway.attemptCount, 0)
        let progress = try await w.service.view(jobId).progress
        XCTAssertEqual(progress.pending, 3)
    }

    func testEveryChunkDeliveredTwiceAtOnceSendsEachRecipientOnce() async throws {
        let (w, jobId) = try await live(300)
        w.gateway.onSend = { _ in await Task.yield() }
        let chunks = BulkChunk.split(jobId: jobId, total: 300, size: 100)
        try await withThrowingTaskGroup(of: BulkWorker.ChunkOutcome.self) { group in
            for chunk in chunks + chunks { group.addTask { try await w.worker.work(chunk) } }
            for try await outcome in group { XCTAssertEqual(outcome, .done) }
        }
        let view = try await w.service.view(jobId)
        XCTAssertEqual(view.job.status, .completed)
        XCTAssertEqual(view.progress.sent, 300)
        w.assertOneCallPerRecipient(300)
    }
}

/// A limiter whose every slot is `wait` seconds away on the test clock.
struct SlowSlots: RateLimiter {
    let clock: TestClock
    let wait: TimeInterval
    func acquire(channel: Channel, phoneNumberId: String?) async throws { clock.advance(wait) }
    func acquire(channel: Channel, phoneNumberId: String?, within seconds: TimeInterval) async throws -> Bool {
        guard wait <= seconds else { return false }
        clock.advance(wait)
        return true
    }
}
