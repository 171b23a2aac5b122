import CoreTestSupport
import Foundation
import MessagingCore
import Stores
import XCTest

/// A crash at any instant leaves each recipient sent exactly once or failed: what start-up recovery does
/// with the states a dead process can leave behind.
final class RecoveryTests: XCTestCase {
    /// A worker took the chunk and claimed recipient 0, then the process died.
    func crashMidSend(_ w: BulkWorld) async throws -> String {
        let ids = try await w.contacts(3)
        let view = try await w.service.create(channel: .sms, recipients: .contacts(ids), content: BulkContent(text: "hi"), createdBy: "u1")
        let taken = try await w.store.receive(visibility: 300, now: w.clock.now())
        XCTAssertNotNil(taken)
        let claimed = try await w.store.claimRecipient(jobId: view.job.id, seq: 0, lease: w.lease(), at: w.clock.now())
        XCTAssertTrue(claimed)
        return view.job.id
    }

    func testDryRunRequeuesWhatNeverWentOut() async throws {
        let w = try BulkWorld()
        let jobId = try await crashMidSend(w)
        let report = try await w.service.recover()
        XCTAssertEqual(report, BulkService.RecoveryReport(resumedJobs: 1, requeued: 1, settled: 0, failedUnknown: 0))
        await w.drain()
        let view = try await w.service.view(jobId)
        XCTAssertEqual(view.job.status, .completed)
        XCTAssertEqual(view.progress.sent, 3)
        for seq in 0..<3 {
            let m = try await w.store.message(idempotencyKey: BulkRecipient.idempotencyKey(jobId: jobId, seq: seq))
            XCTAssertNotNil(m, "recipient \(seq) recorded once (the key is unique)")
        }
    }

    func testLiveFailsASendWhoseOutcomeIsUnknownAndNeverRetriesIt() async throws {
        var w = try BulkWorld()
        w.settings.sendMode = .live
        let jobId = try await crashMidSend(w)
        let report = try await w.service.recover()
        XCTAssertEqual(report.failedUnknown, 1)
        await w.drain()
        let view = try await w.service.view(jobId)
        XCTAssertEqual(view.progress, BulkProgress(total: 3, sent: 2, failed: 1, pending: 0, cancelled: 0, interrupted: 1))
        XCTAssertEqual(w.gateway.sent.count, 2, "the interrupted recipient is not sent again")
        let first = try await w.store.recipients(jobId: jobId, fromSeq: 0, limit: 1)[0]
        XCTAssertEqual(first.status, .interrupted)
        XCTAssertTrue(first.error?.hasPrefix("INTERRUPTED") ?? false)
        XCTAssertTrue(w.events.events.contains { $0.level == .critical && $0.name == "bulk_send_interrupted" })
    }

    func testARecordedMessageSettlesItsRecipient() async throws {
        let w = try BulkWorld()
        let jobId = try await crashMidSend(w)
        let key = BulkRecipient.idempotencyKey(jobId: jobId, seq: 0)
        let m = Message(id: "m-0", contactId: "c-00000", channel: .sms, direction: .outbound, status: .dryRun, kind: "text", content: "hi",
                        timestamp: w.clock.now(), expiresAt: Int(w.clock.now().timeIntervalSince1970) + 100, idempotencyKey: key)
        let inserted = try await w.store.insertMessage(m)
        XCTAssertTrue(inserted)
        let report = try await w.service.recover()
        XCTAssertEqual(report.settled, 1)
        await w.drain()
        let again = try await w.store.insertMessage(Message(id: "m-dup", contactId: "c-00000", channel: .sms, direction: .outbound, status: .dryRun,
                                                            kind: "text", content: "hi", timestamp: w.clock.now(), expiresAt: 0, idempotencyKey: key))
        XCTAssertFalse(again, "one message per idempotency key")
        let view = try await w.service.view(jobId)
        XCTAssertEqual(view.progress.sent, 3)
    }

    func testARestartAfterEveryStepEndsWithEveryRecipientOnce() async throws {
        // Step the worker one recipient at a time and "crash" (recover on a fresh view of the same database) after each.
        let w = try BulkWorld()
        let ids = try await w.contacts(250)
        let view = try await w.service.create(channel: .sms, recipients: .contacts(ids), content: BulkContent(text: "hi"), createdBy: "u1")
        _ = try await w.service.confirm(view.job.id)
        for round in 0..<50 {
            guard let q = try await w.store.receive(visibility: 300, now: w.clock.now()) else { break }
            // Work a few recipients by hand, leaving one claimed, as a process killed mid-chunk would.
            let pending = try await w.store.recipients(jobId: q.chunk.jobId, fromSeq: q.chunk.firstSeq, limit: q.chunk.count).filter { $0.status == .pending }
            for r in pending.prefix(round % 7) {
                _ = try await w.store.claimRecipient(jobId: r.jobId, seq: r.seq, lease: w.lease(), at: w.clock.now())
                let m = Message(id: "m-\(r.seq)", contactId: r.contactId, channel: .sms, direction: .outbound, status: .dryRun, kind: "text",
                                content: "hi", timestamp: w.clock.now(), expiresAt: Int(w.clock.now().timeIntervalSince1970) + 100,
                                idempotencyKey: r.idempotencyKey)
                try await w.store.finishRecipient(jobId: r.jobId, seq: r.seq, owner: "w", status: .sent, message: m, error: nil, at: w.clock.now())
            }
            if let r = pending.dropFirst(round % 7).first { _ = try await w.store.claimRecipient(jobId: r.jobId, seq: r.seq, lease: w.lease(), at: w.clock.now()) }
            _ = try await w.service.recover()
        }
        await w.drain()
        let done = try await w.service.view(view.job.id)
        XCTAssertEqual(done.job.status, .completed)
        XCTAssertEqual(done.progress.sent, 250)
        for seq in 0..<250 {
            let m = try await w.store.message(idempotencyKey: BulkRecipient.idempotencyKey(jobId: view.job.id, seq: seq))
            XCTAssertNotNil(m)
        }
    }
}
