import CoreTestSupport
import Foundation
import MessagingCore
import Stores
import XCTest

/// What keeps a job from being stranded or sent twice when steps race or fail half-way.
final class HealingTests: XCTestCase {
    func testTheTierCountsConversationsRunningJobsWillStillOpen() async throws {
        let w = try BulkWorld()
        let ids = try await w.contacts(260)
        let template = BulkContent(templateName: "welcome")
        let first = try await w.service.create(channel: .whatsapp, recipients: .contacts(Array(ids.prefix(200))), content: template, createdBy: "u1")
        _ = try await w.service.confirm(first.job.id)   // queued, nothing sent yet
        let error = await failure { () async throws(CoreError) in
            _ = try await w.service.create(channel: .whatsapp, recipients: .contacts(Array(ids[200..<260])), content: template, createdBy: "u1")
        }
        guard case .refused(let reason, let text) = error else { return XCTFail("200 queued + 60 pass the tier of 250") }
        XCTAssertEqual(reason, .tierLimitExceeded)
        XCTAssertTrue(text.contains("200 of the tier's 250 per 24 hours are used or queued"), text)
    }

    func testResumingAJobWithNothingLeftCompletesIt() async throws {
        let w = try BulkWorld()
        let ids = try await w.contacts(3)
        let view = try await w.service.create(channel: .sms, recipients: .contacts(ids), content: BulkContent(text: "hi"), createdBy: "u1")
        _ = try await w.service.control(view.job.id, .pause)
        // The recipients in flight at the pause end after it.
        for seq in 0..<3 {
            _ = try await w.store.claimRecipient(jobId: view.job.id, seq: seq, lease: w.lease(), at: w.clock.now())
            try await w.store.finishRecipient(jobId: view.job.id, seq: seq, owner: "w", status: .sent, message: nil, error: nil, at: w.clock.now())
        }
        let resumed = try await w.service.control(view.job.id, .resume)
        XCTAssertEqual(resumed.job.status, .completed)
        XCTAssertEqual(resumed.job.reportKey, "reports/\(view.job.id)-complete.json")
    }

    func testCancellingTwiceFinishesAnInterruptedCancel() async throws {
        let w = try BulkWorld()
        let ids = try await w.contacts(3)
        let view = try await w.service.create(channel: .sms, recipients: .contacts(ids), content: BulkContent(text: "hi"), createdBy: "u1")
        // A cancel that stopped after its first step: the job is cancelled, its recipients still pending.
        _ = try await w.store.transitionJob(id: view.job.id, from: [.inProgress], to: .cancelled, at: w.clock.now())
        let again = try await w.service.control(view.job.id, .cancel)
        XCTAssertEqual(again.progress.cancelled, 3)
        XCTAssertEqual(again.job.reportKey, "reports/\(view.job.id)-partial.json")
    }

    func testReconcileRequeuesLostChunksButLeavesDeadOnesToReplay() async throws {
        let w = try BulkWorld()
        let ids = try await w.contacts(250)
        let view = try await w.service.create(channel: .sms, recipients: .contacts(ids), content: BulkContent(text: "hi"), createdBy: "u1")
        _ = try await w.service.confirm(view.job.id)
        try await w.store.deleteAll(jobId: view.job.id)   // as if the enqueue had failed
        let dead = BulkChunk(jobId: view.job.id, index: 1, firstSeq: 100, count: 100)
        try await w.store.insertDLQ(DLQEntry(id: "d1", originalMessageId: dead.key, queue: DLQService.bulkQueue, payload: dead.json, error: "x",
                                             retryCount: 0, lastAttemptAt: w.clock.now(), expiresAt: Int(w.clock.now().timeIntervalSince1970) + 3600))
        let resumed = try await w.service.reconcile()
        XCTAssertEqual(resumed, 1)
        await w.drain()
        let view2 = try await w.service.view(view.job.id)
        XCTAssertEqual(view2.progress.sent, 150, "chunks 0 and 2 ran; chunk 1 waits in the DLQ")
        XCTAssertEqual(view2.job.status, .inProgress)
        _ = try await DLQService(w.deps, settings: w.settings, bulkQueue: w.store).replay()
        await w.drain()
        let done = try await w.service.view(view.job.id)
        XCTAssertEqual(done.job.status, .completed)
    }

    func testAGracefulStopLeavesNoRecipientHalfSent() async throws {
        var w = try BulkWorld()
        w.settings.sendMode = .live
        let ids = try await w.contacts(300)
        let view = try await w.service.create(channel: .sms, recipients: .contacts(ids), content: BulkContent(text: "hi"), createdBy: "u1")
        _ = try await w.service.confirm(view.job.id)
        w.gateway.onSend = { _ in try? await Task.sleep(for: .milliseconds(2)) }
        let stop = BulkWorker.Stop()
        let worker = w.worker
        let running = Task { await worker.run(count: 3, idle: .milliseconds(5), stop: stop) }
        try await Task.sleep(for: .milliseconds(150))
        stop.request()
        await running.value
        let progress = try await w.service.view(view.job.id).progress
        let interrupted = try await w.store.sendingRecipients(leaseExpiredBy: nil)
        XCTAssertTrue(interrupted.isEmpty, "every recipient taken was finished before the workers stopped")
        XCTAssertEqual(progress.failed, 0)
        XCTAssertEqual(progress.sent, w.gateway.sent.count)
        XCTAssertGreaterThan(progress.pending, 0, "the stop came before the end")
        let recovered = try await w.service.recover()
        XCTAssertEqual(recovered.failedUnknown, 0)
        await w.drain()
        let done = try await w.service.view(view.job.id)
        XCTAssertEqual(done.progress.sent, 300)
        XCTAssertEqual(w.gateway.sent.count, 300)
    }
}
