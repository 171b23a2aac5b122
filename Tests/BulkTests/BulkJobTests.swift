import CoreTestSupport
import Foundation
import MessagingCore
import Stores
import XCTest

final class BulkJobTests: XCTestCase {
    func testMoreThanTheThresholdWaitsForConfirmationAndQueuesNothing() async throws {
        let w = try BulkWorld()
        let ids = try await w.contacts(21)
        let gated = try await w.service.create(channel: .sms, recipients: .contacts(ids), content: BulkContent(text: "hi"), createdBy: "u1")
        XCTAssertEqual(gated.job.status, .pending)
        XCTAssertTrue(gated.needsConfirmation)
        let nothing = try await w.store.receive(visibility: 300, now: w.clock.now())
        XCTAssertNil(nothing, "nothing is queued before the confirmation")

        let small = try await w.service.create(channel: .sms, recipients: .contacts(Array(ids.prefix(20))), content: BulkContent(text: "hi"), createdBy: "u1")
        XCTAssertEqual(small.job.status, .inProgress, "20 recipients (the threshold) start at once")
        XCTAssertFalse(small.needsConfirmation)

        let confirmed = try await w.service.confirm(gated.job.id)
        XCTAssertEqual(confirmed.job.status, .inProgress)
        XCTAssertNotNil(confirmed.job.confirmedAt)
        let again = try await w.service.confirm(gated.job.id)
        XCTAssertEqual(again.job.confirmedAt, confirmed.job.confirmedAt, "a job is confirmed once; confirming it again re-drives its queueing")
        _ = try await w.service.control(gated.job.id, .cancel)
        let error5 = await failure { () async throws(CoreError) in
            _ = try await w.service.confirm(gated.job.id)
        }
        XCTAssertEqual(error5?.code, "CONFLICT", "an ended job cannot be confirmed")
    }

    func testChunksAreExactlyOneHundred() async throws {
        let w = try BulkWorld()
        let ids = try await w.contacts(250)
        let job = try await w.service.create(channel: .sms, recipients: .contacts(ids), content: BulkContent(text: "hi"), createdBy: "u1")
        _ = try await w.service.confirm(job.job.id)
        var chunks: [BulkChunk] = []
        while let q = try await w.store.receive(visibility: 300, now: w.clock.now()) { chunks.append(q.chunk) }
        XCTAssertEqual(chunks.map(\.count), [100, 100, 50])
        XCTAssertEqual(chunks.map(\.firstSeq), [0, 100, 200])
    }

    func testAJobRunsEveryRecipientThroughThePipelineAndWritesTheReport() async throws {
        let w = try BulkWorld()
        var ids = try await w.contacts(3)
        let notOptedIn = Contact(id: "c-no", name: "No", phone: "+14255559999", email: nil, createdAt: w.clock.now(), updatedAt: w.clock.now())
        try await w.store.insertContact(notOptedIn)
        ids += ["c-no", "c-missing", ids[0]]  // the duplicate is dropped
        let view = try await w.service.create(channel: .sms, recipients: .contacts(ids), content: BulkContent(text: "hello"), createdBy: "u1")
        XCTAssertEqual(view.job.totalRecipients, 5)
        await w.drain()

        let done = try await w.service.view(view.job.id)
        XCTAssertEqual(done.job.status, .completed)
        XCTAssertEqual(done.progress, BulkProgress(total: 5, sent: 3, failed: 2, pending: 0, cancelled: 0))
        XCTAssertEqual(done.job.reportKey, "reports/\(view.job.id)-complete.json")

        let data = try w.objects.get(bucket: "stream.wecare.digital", key: "reports/\(view.job.id)-complete.json")
        XCTAssertEqual(String(decoding: data, as: UTF8.self), """
            {
              "jobId": "\(view.job.id)",
              "channel": "SMS",
              "totalRecipients": 5,
              "sentCount": 3,
              "failedCount": 2,
              "cancelledCount": 0,
              "status": "completed",
              "createdAt": "2026-11-18T11:06:40Z",
              "completedAt": "2026-11-18T11:06:40Z",
              "createdBy": "u1",
              "recipients": [
                {"contactId": "c-00000", "status": "sent"},
                {"contactId": "c-00001", "status": "sent"},
                {"contactId": "c-00002", "status": "sent"},
                {"contactId": "c-no", "status": "failed", "error": "OPT_IN_REQUIRED: contact has not opted in to sms (Req 3)"},
                {"contactId": "c-missing", "status": "failed", "error": "CONTACT_NOT_FOUND: no contact c-missing"}
              ]
            }

            """)
        let served = try await w.service.report(view.job.id)
        XCTAssertEqual(served, data, "GET …/report serves what was stored")
        for seq in 0..<3 {
            let m = try await w.store.message(idempotencyKey: BulkRecipient.idempotencyKey(jobId: view.job.id, seq: seq))
            XCTAssertEqual(m?.status, .dryRun)
        }
    }

    func testFilterPicksOptedInContacts() async throws {
        let w = try BulkWorld()
        _ = try await w.contacts(3)
        let out = Contact(id: "c-out", name: "Out", phone: "+14255559998", email: nil, createdAt: w.clock.now(), updatedAt: w.clock.now())
        try await w.store.insertContact(out)
        let view = try await w.service.create(channel: .sms, recipients: .filter(query: "contact", optedInOnly: true), content: BulkContent(text: "x"),
                                              createdBy: "u1")
        XCTAssertEqual(view.job.totalRecipients, 3)
        let error6 = await failure { () async throws(CoreError) in
            _ = try await w.service.create(channel: .sms, recipients: .filter(query: "nobody", optedInOnly: true), content: BulkContent(text: "x"), createdBy: "u1")
        }
        XCTAssertEqual(error6?.code, "INVALID_REQUEST", "an empty job is refused")
        let error3 = await failure { () async throws(CoreError) in
            _ = try await w.service.create(channel: .sms, recipients: .contacts(["c-out"]), content: BulkContent(subject: "no text"), createdBy: "u1")
        }
        XCTAssertEqual(error3?.code, "CONTENT_INVALID", "content is checked before the job exists")
    }

    func testPauseResumeAndCancelActWithinAChunk() async throws {
        var w = try BulkWorld()
        w.settings.sendMode = .live
        let ids = try await w.contacts(100)
        let view = try await w.service.create(channel: .sms, recipients: .contacts(ids), content: BulkContent(text: "hi"), createdBy: "u1")
        _ = try await w.service.confirm(view.job.id)
        let service = w.service
        let jobId = view.job.id
        w.gateway.onSend = { n in if n == 5 { _ = try? await service.control(jobId, .pause) } }
        await w.drain()
        var now = try await w.service.view(jobId)
        XCTAssertEqual(now.job.status, .paused)
        XCTAssertEqual(now.progress.sent, 5, "the pause stops the chunk before its next recipient")
        XCTAssertEqual(now.progress.pending, 95)
        let parked = try await w.store.receive(visibility: 300, now: w.clock.now())
        XCTAssertNil(parked, "a paused job's chunk is set aside")

        w.gateway.onSend = { n in if n == 12 { _ = try? await service.control(jobId, .cancel) } }
        now = try await w.service.control(jobId, .resume)
        XCTAssertEqual(now.job.status, .inProgress)
        XCTAssertNotNil(now.job.resumedAt)
        await w.drain()
        now = try await w.service.view(jobId)
        XCTAssertEqual(now.job.status, .cancelled)
        XCTAssertEqual(now.progress, BulkProgress(total: 100, sent: 12, failed: 0, pending: 0, cancelled: 88))
        XCTAssertEqual(w.gateway.sent.count, 12)
        let report = try w.report(now.job, "partial")
        XCTAssertEqual(report["status"] as? String, "cancelled")
        XCTAssertEqual(report["sentCount"] as? Int, 12, "the recipient in flight at the cancel is in the rewritten partial report")
        XCTAssertEqual(report["cancelledCount"] as? Int, 88)
        XCTAssertEqual((report["recipients"] as? [[String: Any]])?.count, 100)

        let error2 = await failure { () async throws(CoreError) in
            _ = try await w.service.control(jobId, .resume)
        }
        XCTAssertEqual(error2?.code, "CONFLICT", "a cancelled job cannot resume")
        try await w.service.delete(jobId)
        let error4 = await failure { () async throws(CoreError) in
            _ = try await w.service.view(jobId)
        }
        XCTAssertEqual(error4?.code, "NOT_FOUND", "deleted")
    }

    /// On SQS (the bulk-worker function) a paused job's chunk leaves the queue instead of coming back until
    /// SQS's receive limit moves it to the bulk DLQ; resume queues the pending recipients again, and every
    /// recipient is sent exactly once (messaging.bulk-redrive).
    func testAPausedChunkLeavesTheQueueAndResumeQueuesItAgain() async throws {
        var w = try BulkWorld()
        w.settings.sendMode = .live
        let ids = try await w.contacts(100)
        let view = try await w.service.create(channel: .sms, recipients: .contacts(ids), content: BulkContent(text: "hi"), createdBy: "u1")
        _ = try await w.service.confirm(view.job.id)
        let service = w.service
        let jobId = view.job.id
        w.gateway.onSend = { n in if n == 7 { _ = try? await service.control(jobId, .pause) } }
        let received = try await w.store.receive(visibility: 300, now: w.clock.now())
        let taken = try XCTUnwrap(received)
        let outcome = try await w.worker.work(taken.chunk)
        XCTAssertEqual(outcome, .paused)
        XCTAssertTrue(outcome.leavesQueue, "a paused job's chunk is not handed back to count receives")
        XCTAssertFalse(BulkWorker.ChunkOutcome.later(0).leavesQueue, "a chunk handed back at the deadline comes back")
        try await w.store.delete(taken)   // what the function's batch response has SQS do
        let left = try await w.store.receive(visibility: 300, now: w.clock.now())
        XCTAssertNil(left, "nothing of the paused job is left on the queue")

        w.gateway.onSend = nil
        _ = try await w.service.control(jobId, .resume)
        await w.drain()
        let now = try await w.service.view(jobId)
        XCTAssertEqual(now.job.status, .completed)
        XCTAssertEqual(now.progress.sent, 100)
        w.assertOneCallPerRecipient(100)
    }

    func testARunningJobCannotBeDeleted() async throws {
        let w = try BulkWorld()
        let ids = try await w.contacts(2)
        let view = try await w.service.create(channel: .sms, recipients: .contacts(ids), content: BulkContent(text: "hi"), createdBy: "u1")
        let error1 = await failure { () async throws(CoreError) in
            try await w.service.delete(view.job.id)
        }
        XCTAssertEqual(error1?.code, "CONFLICT", "in progress")
    }

    func testTheTierRefusesAJobThatWouldPassItAndAlertsAtEightyPercent() async throws {
        let w = try BulkWorld()
        let ids = try await w.contacts(260)
        let template = BulkContent(templateName: "welcome")
        do {
            let e = await failure { () async throws(CoreError) in
                _ = try await w.service.create(channel: .whatsapp, recipients: .contacts(ids), content: template, createdBy: "u1")
            }
            guard case .refused(let reason, let text) = e else { return XCTFail("260 conversations pass the tier of 250") }
            XCTAssertEqual(reason, .tierLimitExceeded)
            XCTAssertTrue(text.contains("needs 260") && text.contains("0 of the tier's 250") && text.contains("250 are left"), text)
        }
        let first = try await w.service.create(channel: .whatsapp, recipients: .contacts(Array(ids.prefix(150))), content: template, createdBy: "u1")
        XCTAssertTrue(w.events.events.filter { $0.level == .critical }.isEmpty, "150 of 250 is under 80 %")
        _ = try await w.service.confirm(first.job.id)
        await w.drain()
        let second = try await w.service.create(channel: .whatsapp, recipients: .contacts(Array(ids[150..<200])), content: template, createdBy: "u1")
        _ = try await w.service.confirm(second.job.id)
        let alerts = w.events.events.filter { $0.name == "whatsapp_tier_alert" }
        XCTAssertEqual(alerts.count, 1)
        XCTAssertEqual(alerts.first?.fields["used"], "150")
        XCTAssertEqual(alerts.first?.fields["adding"], "50")
        await w.drain()
        do {
            let e = await failure { () async throws(CoreError) in
                _ = try await w.service.create(channel: .whatsapp, recipients: .contacts(Array(ids[200..<260])), content: template, createdBy: "u1")
            }
            guard case .refused(let reason, let text) = e else { return XCTFail("200 used + 60 > 250") }
            XCTAssertEqual(reason, .tierLimitExceeded)
            XCTAssertTrue(text.contains("200 of the tier's 250") && text.contains("50 are left"), text)
        }
        // Free-form messages inside the window open no business-initiated conversation.
        _ = try await w.service.create(channel: .whatsapp, recipients: .contacts(Array(ids[200..<220])), content: BulkContent(text: "hi"), createdBy: "u1")
    }

    func testThrottlingIsRetriedThreeTimesThenTheRecipientFails() async throws {
        var w = try BulkWorld()
        w.settings.sendMode = .live
        let ids = try await w.contacts(2)
        let throttled = ProviderError(code: "ThrottlingException", message: "slow down", retryable: true)
        w.gateway.fail(with: [throttled, throttled, throttled, throttled, throttled])
        let view = try await w.service.create(channel: .sms, recipients: .contacts(ids), content: BulkContent(text: "hi"), createdBy: "u1")
        await w.drain()
        // First recipient: 1 attempt + 3 retries, all throttled → failed. Second: 1 throttled, then sent.
        XCTAssertEqual(w.gateway.attemptCount, 4 + 2)
        let progress = try await w.service.view(view.job.id).progress
        XCTAssertEqual(progress.sent, 1)
        XCTAssertEqual(progress.failed, 1)
        let first = try await w.store.recipients(jobId: view.job.id, fromSeq: 0, limit: 1)[0]
        XCTAssertTrue(first.error?.contains("ThrottlingException") ?? false, first.error ?? "")

        w.gateway.fail(with: [ProviderError(code: "ValidationException", message: "bad number")])
        let second = try await w.service.create(channel: .sms, recipients: .contacts([ids[0]]), content: BulkContent(text: "hi"), createdBy: "u1")
        let before = w.gateway.attemptCount
        await w.drain()
        XCTAssertEqual(w.gateway.attemptCount, before + 1, "a validation error is not retried")
        let failed = try await w.service.view(second.job.id).progress
        XCTAssertEqual(failed.failed, 1)
    }

    func testAChunkThatKeepsFailingGoesToTheBulkDLQAndReplaysFromThere() async throws {
        let w = try BulkWorld()
        let ids = try await w.contacts(3)
        let view = try await w.service.create(channel: .sms, recipients: .contacts(ids), content: BulkContent(text: "hi"), createdBy: "u1")
        let broken = BulkWorker(w.deps, settings: w.settings, bulk: BulkDependencies(store: FailingRecipients(base: w.store), queue: w.store, objects: w.objects))
        for _ in 0..<3 {
            let worked = await broken.runOnce()
            XCTAssertTrue(worked)
            w.clock.advance(60)
        }
        let dlq = try await w.store.dlqEntries(limit: 10, now: w.clock.now())
        XCTAssertEqual(dlq.map(\.queue), ["bulk-dlq"])
        XCTAssertEqual(dlq.first?.originalMessageId, "\(view.job.id):0")
        XCTAssertTrue(dlq.first?.error.contains("disk on fire") ?? false)
        let gone = try await w.store.receive(visibility: 300, now: w.clock.now())
        XCTAssertNil(gone)

        let replay = try await DLQService(w.deps, settings: w.settings, bulkQueue: w.store).replay()
        XCTAssertEqual(replay.replayed.count, 1)
        await w.drain()
        let progress = try await w.service.view(view.job.id).progress
        XCTAssertEqual(progress.sent, 3)
        let dlqCount = try await w.store.dlqCount(now: w.clock.now())
        XCTAssertEqual(dlqCount, 0)
    }

    func testRecordingAnOutcomeIsRetriedSoTheRecipientDoesNotStaySending() async throws {
        var w = try BulkWorld()
        w.settings.sendMode = .live
        let ids = try await w.contacts(2)
        let view = try await w.service.create(channel: .sms, recipients: .contacts(ids), content: BulkContent(text: "hi"), createdBy: "u1")
        let flaky = FailingRecipients(base: w.store, failReads: false, finishFailures: .init(2))
        let worker = BulkWorker(w.deps, settings: w.settings, bulk: BulkDependencies(store: flaky, queue: w.store, objects: w.objects))
        while await worker.runOnce() {}
        let done = try await w.service.view(view.job.id)
        XCTAssertEqual(done.progress.sent, 2)
        XCTAssertEqual(w.gateway.sent.count, 2, "each sent once")
        let interrupted = try await w.store.sendingRecipients(leaseExpiredBy: nil)
        XCTAssertTrue(interrupted.isEmpty)
    }

    func testSeveralWorkersSendEveryRecipientOnce() async throws {
        var live = try BulkWorld()
        live.settings.sendMode = .live
        let w = live
        let ids = try await w.contacts(1000)
        let view = try await w.service.create(channel: .sms, recipients: .contacts(ids), content: BulkContent(text: "hi"), createdBy: "u1")
        _ = try await w.service.confirm(view.job.id)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<5 { group.addTask { await w.drain() } }
        }
        let progress = try await w.service.view(view.job.id)
        XCTAssertEqual(progress.job.status, .completed)
        XCTAssertEqual(progress.progress.sent, 1000)
        w.assertOneCallPerRecipient(1000)
    }
}

/// The error a call throws, or nil when it succeeds.
func failure(_ body: () async throws(CoreError) -> Void) async -> CoreError? {
    do {
        try await body()
        return nil
    } catch {
        return error
    }
}

/// A bulk store whose recipient reads fail (a chunk that fails as a whole), or whose first `finishFailures`
/// recordings of an outcome fail.
struct FailingRecipients: BulkStore {
    let base: SQLiteStore
    var failReads = true
    var finishFailures: Counter? = nil
    final class Counter: @unchecked Sendable {
        let lock = NSLock()
        var left: Int
        init(_ n: Int) { left = n }
        func take() -> Bool { lock.withLock { left > 0 ? { left -= 1; return true }() : false } }
    }
    struct DiskOnFire: Error, CustomStringConvertible { var description: String { "disk on fire" } }
    func insertJob(_ job: BulkJob, contactIds: [String]) async throws -> Bool { try await base.insertJob(job, contactIds: contactIds) }
    func job(id: String) async throws -> BulkJob? { try await base.job(id: id) }
    func updateJob(_ job: BulkJob) async throws { try await base.updateJob(job) }
    func transitionJob(id: String, from: Set<BulkJobStatus>, to status: BulkJobStatus, at: Date) async throws -> (changed: Bool, job: BulkJob?) {
        try await base.transitionJob(id: id, from: from, to: status, at: at)
    }
    func deleteJob(id: String) async throws { try await base.deleteJob(id: id) }
    func jobs(status: BulkJobStatus) async throws -> [BulkJob] { try await base.jobs(status: status) }
    func listJobs(after cursor: BulkJobCursor?, limit: Int) async throws -> [BulkJob] { try await base.listJobs(after: cursor, limit: limit) }
    func progress(jobId: String) async throws -> BulkProgress { try await base.progress(jobId: jobId) }
    func isSettled(jobId: String) async throws -> Bool { try await base.isSettled(jobId: jobId) }
    func recipients(jobId: String, fromSeq: Int, limit: Int) async throws -> [BulkRecipient] {
        if failReads { throw DiskOnFire() }
        return try await base.recipients(jobId: jobId, fromSeq: fromSeq, limit: limit)
    }
    func claimRecipient(jobId: String, seq: Int, lease: Lease, at: Date) async throws -> Bool {
        try await base.claimRecipient(jobId: jobId, seq: seq, lease: lease, at: at)
    }
    func finishRecipient(jobId: String, seq: Int, owner: String?, status: RecipientStatus, message: Message?, error: String?, at: Date) async throws {
        if finishFailures?.take() == true { throw DiskOnFire() }
        try await base.finishRecipient(jobId: jobId, seq: seq, owner: owner, status: status, message: message, error: error, at: at)
    }
    func releaseRecipient(jobId: String, seq: Int, owner: String?, at: Date) async throws {
        try await base.releaseRecipient(jobId: jobId, seq: seq, owner: owner, at: at)
    }
    func cancelPending(jobId: String, at: Date) async throws -> Int { try await base.cancelPending(jobId: jobId, at: at) }
    func sendingRecipients(leaseExpiredBy: Date?) async throws -> [BulkRecipient] { try await base.sendingRecipients(leaseExpiredBy: leaseExpiredBy) }
    func pendingChunks(jobId: String, size: Int) async throws -> [BulkChunk] { try await base.pendingChunks(jobId: jobId, size: size) }
    func unsentTemplateRecipients() async throws -> Int { try await base.unsentTemplateRecipients() }
}
