import Foundation
import MessagingCore
import XCTest

/// What the bulk worker needs of a `BulkStore`, as one list of checks run on every implementation
/// (SQLite, DynamoDB on moto), each on a fresh store with the messaging store its messages go to.
protocol BulkStoreContract: StoreFixtures {}

extension BulkStoreContract {
    typealias BulkCheck = (name: String, run: (Self, any BulkStore, any MessagingStore) async throws -> Void)

    static var bulkChecks: [BulkCheck] {
        [
            ("a job from creation to its last recipient", { try await $0.checkJobLifecycle($1, messages: $2) }),
            ("a transition holds only from the status the job was read in", { s, store, _ in try await s.checkTransitions(store) }),
            ("a job is created once per id", { s, store, _ in try await s.checkCreatedOnce(store) }),
            ("leases", { _, store, _ in try await BulkLeaseContract(store: store).check() }),
            ("jobs listed newest first, paged", { _, store, _ in try await BulkListContract(store: store).check() }),
        ]
    }

    func runBulkStoreContract(_ make: () async throws -> (any BulkStore, any MessagingStore), file: StaticString = #filePath, line: UInt = #line) async throws {
        for check in Self.bulkChecks {
            do {
                let (store, messages) = try await make()
                try await check.run(self, store, messages)
            } catch {
                XCTFail("\(check.name): \(error)", file: file, line: line)
            }
        }
    }

    func job(_ id: String, total: Int, template: Bool = true) -> BulkJob {
        BulkJob(id: id, channel: .whatsapp, status: .pending, content: template ? BulkContent(templateName: "statement") : BulkContent(text: "hi"),
                totalRecipients: total, createdBy: "operator-1", createdAt: t0, updatedAt: t0)
    }

    func checkJobLifecycle(_ s: any BulkStore, messages: any MessagingStore) async throws {
        try await s.insertJob(job("j1", total: 60), contactIds: (0..<60).map { "c\($0)" })   // more than one batch of 25
        let stored = try await s.job(id: "j1")
        XCTAssertEqual(stored, job("j1", total: 60))
        var progress = try await s.progress(jobId: "j1")
        XCTAssertEqual(progress, BulkProgress(total: 60, pending: 60))
        let page = try await s.recipients(jobId: "j1", fromSeq: 50, limit: 5)
        XCTAssertEqual(page.map(\.seq), [50, 51, 52, 53, 54])
        XCTAssertEqual(page.map(\.contactId), ["c50", "c51", "c52", "c53", "c54"])

        let started = try await s.transitionJob(id: "j1", from: [.pending], to: .inProgress, at: t0.addingTimeInterval(5))
        XCTAssertTrue(started.changed)
        XCTAssertEqual(started.job?.confirmedAt, t0.addingTimeInterval(5))
        let again = try await s.transitionJob(id: "j1", from: [.pending], to: .inProgress, at: t0)
        XCTAssertFalse(again.changed, "only from the statuses given")
        let running = try await s.jobs(status: .inProgress)
        XCTAssertEqual(running.map(\.id), ["j1"])
        let unsent = try await s.unsentTemplateRecipients()
        XCTAssertEqual(unsent, 60)

        // Claim, send, finish: the message and `sent` in one write; a second claim or finish changes nothing.
        let claimed = try await s.claimRecipient(jobId: "j1", seq: 0, lease: Lease(owner: "a", until: t0 + 60), at: t0)
        XCTAssertTrue(claimed)
        let twice = try await s.claimRecipient(jobId: "j1", seq: 0, lease: Lease(owner: "b", until: t0 + 60), at: t0)
        XCTAssertFalse(twice, "a recipient is claimed once")
        var sent = Message(id: "m0", contactId: "c0", channel: .whatsapp, direction: .outbound, status: .dryRun, kind: "template", content: nil,
                           timestamp: t0, expiresAt: 1_900_000_000)
        sent.idempotencyKey = BulkRecipient.idempotencyKey(jobId: "j1", seq: 0)
        try await s.finishRecipient(jobId: "j1", seq: 0, owner: "a", status: .sent, message: sent, error: nil, at: t0)
        var duplicate = sent
        duplicate.id = "m0-again"
        try await s.finishRecipient(jobId: "j1", seq: 0, owner: "a", status: .failed, message: duplicate, error: "late", at: t0)
        let first = try await s.recipients(jobId: "j1", fromSeq: 0, limit: 1)
        XCTAssertEqual(first.first?.status, .sent)
        XCTAssertEqual(first.first?.messageId, "m0")
        let recorded = try await messages.message(idempotencyKey: "bulk:j1:0")
        XCTAssertEqual(recorded?.id, "m0", "the first record stands")

        // A crash between claim and finish leaves `sending`; release puts it back.
        _ = try await s.claimRecipient(jobId: "j1", seq: 1, lease: Lease(owner: "a", until: t0 + 60), at: t0)
        let interrupted = try await s.sendingRecipients(leaseExpiredBy: nil)
        XCTAssertEqual(interrupted.map(\.seq), [1])
        try await s.releaseRecipient(jobId: "j1", seq: 1, owner: "a", at: t0)
        _ = try await s.claimRecipient(jobId: "j1", seq: 2, lease: Lease(owner: "a", until: t0 + 60), at: t0)
        try await s.finishRecipient(jobId: "j1", seq: 2, owner: "a", status: .failed, message: nil, error: "REFUSED: no opt-in", at: t0)

        let chunks = try await s.pendingChunks(jobId: "j1", size: 25)
        XCTAssertEqual(chunks, [BulkChunk(jobId: "j1", index: 0, firstSeq: 0, count: 25), BulkChunk(jobId: "j1", index: 1, firstSeq: 25, count: 25),
                                BulkChunk(jobId: "j1", index: 2, firstSeq: 50, count: 10)])
        progress = try await s.progress(jobId: "j1")
        XCTAssertEqual(progress, BulkProgress(total: 60, sent: 1, failed: 1, pending: 58))
        let settledBefore = try await s.isSettled(jobId: "j1")
        XCTAssertFalse(settledBefore)

        let cancelled = try await s.cancelPending(jobId: "j1", at: t0)
        XCTAssertEqual(cancelled, 58)
        progress = try await s.progress(jobId: "j1")
        XCTAssertEqual(progress, BulkProgress(total: 60, sent: 1, failed: 1, pending: 0, cancelled: 58))
        let settled = try await s.isSettled(jobId: "j1")
        XCTAssertTrue(settled)

        try await s.deleteJob(id: "j1")
        let gone = try await s.job(id: "j1")
        XCTAssertNil(gone)
        let none = try await s.recipients(jobId: "j1", fromSeq: 0, limit: 100)
        XCTAssertEqual(none, [])
    }

    func checkTransitions(_ s: any BulkStore) async throws {
        try await s.insertJob(job("j2", total: 1, template: false), contactIds: ["c0"])
        _ = try await s.transitionJob(id: "j2", from: [.pending], to: .inProgress, at: t0)
        let paused = try await s.transitionJob(id: "j2", from: [.inProgress], to: .paused, at: t0)
        XCTAssertTrue(paused.changed)
        let cancelAsIfRunning = try await s.transitionJob(id: "j2", from: [.inProgress], to: .cancelled, at: t0)
        XCTAssertFalse(cancelAsIfRunning.changed, "the job moved on since")
        XCTAssertEqual(cancelAsIfRunning.job?.status, .paused)
        let unsent = try await s.unsentTemplateRecipients()
        XCTAssertEqual(unsent, 0, "a free-form job does not count against the tier")
    }

    func checkCreatedOnce(_ s: any BulkStore) async throws {
        let first = try await s.insertJob(job("j3", total: 2, template: false), contactIds: ["c0", "c1"])
        let second = try await s.insertJob(job("j3", total: 1, template: false), contactIds: ["c9"])
        XCTAssertEqual([first, second], [true, false])
        let recipients = try await s.recipients(jobId: "j3", fromSeq: 0, limit: 10)
        XCTAssertEqual(recipients.map(\.contactId), ["c0", "c1"], "the second creation changed nothing")
    }
}
