import Foundation
import MessagingCore
import XCTest

/// The lease rules of the bulk store's claim, the same on SQLite and DynamoDB: a claim is its owner's
/// (its retry passes, another owner's fails even once the lease has ended), only recovery's writes
/// conditioned on the owner settle an expired one, and a late provider answer settles an interrupted one.
struct BulkLeaseContract: StoreFixtures {
    let store: any BulkStore

    func check(file: StaticString = #filePath, line: UInt = #line) async throws {
        let s = store
        let jobId = "lease-\(UUID().uuidString.prefix(8))"
        try await s.insertJob(BulkJob(id: jobId, channel: .sms, status: .inProgress, content: BulkContent(text: "hi"), totalRecipients: 4,
                                      createdBy: "t", createdAt: t0, updatedAt: t0), contactIds: ["c0", "c1", "c2", "c3"])
        func status(_ seq: Int) async throws -> RecipientStatus? { try await s.recipients(jobId: jobId, fromSeq: seq, limit: 1).first?.status }
        let a = Lease(owner: "a", until: t0 + 60)

        var ok = try await s.claimRecipient(jobId: jobId, seq: 0, lease: a, at: t0)
        XCTAssertTrue(ok, file: file, line: line)
        ok = try await s.claimRecipient(jobId: jobId, seq: 0, lease: a, at: t0 + 1)
        XCTAssertTrue(ok, "the retry of a claim whose answer was lost is the same owner's: it passes", file: file, line: line)
        ok = try await s.claimRecipient(jobId: jobId, seq: 0, lease: Lease(owner: "b", until: t0 + 600), at: t0 + 100)
        XCTAssertFalse(ok, "another owner never takes a claim, even after its lease ended", file: file, line: line)

        _ = try await s.claimRecipient(jobId: jobId, seq: 1, lease: Lease(owner: "a", until: t0 + 10), at: t0)
        var expired = try await s.sendingRecipients(leaseExpiredBy: t0 + 30)
        XCTAssertEqual(expired.map(\.seq), [1], file: file, line: line)
        XCTAssertEqual(expired.first?.lease, Lease(owner: "a", until: t0 + 10), file: file, line: line)
        expired = try await s.sendingRecipients(leaseExpiredBy: t0 + 5)
        XCTAssertEqual(expired.map(\.seq), [], "a lease that has not ended is nobody else's", file: file, line: line)
        let all = try await s.sendingRecipients(leaseExpiredBy: nil)
        XCTAssertEqual(all.map(\.seq).sorted(), [0, 1], file: file, line: line)

        try await s.finishRecipient(jobId: jobId, seq: 1, owner: "b", status: .interrupted, message: nil, error: "INTERRUPTED", at: t0 + 30)
        var now = try await status(1)
        XCTAssertEqual(now, .sending, "a write guarded by another owner changes nothing", file: file, line: line)
        try await s.finishRecipient(jobId: jobId, seq: 1, owner: "a", status: .interrupted, message: nil, error: "INTERRUPTED", at: t0 + 30)
        now = try await status(1)
        XCTAssertEqual(now, .interrupted, file: file, line: line)
        try await s.finishRecipient(jobId: jobId, seq: 1, owner: "a", status: .failed, message: nil, error: "no answer", at: t0 + 31)
        now = try await status(1)
        XCTAssertEqual(now, .interrupted, "only a provider's answer settles an interrupted recipient", file: file, line: line)
        let m = Message(id: "m-late-\(jobId)", contactId: "c1", channel: .sms, direction: .outbound, status: .sent, kind: "text", content: "hi",
                        timestamp: t0, expiresAt: 1_900_000_000, idempotencyKey: BulkRecipient.idempotencyKey(jobId: jobId, seq: 1))
        try await s.finishRecipient(jobId: jobId, seq: 1, owner: "a", status: .sent, message: m, error: nil, at: t0 + 32)
        let late = try await s.recipients(jobId: jobId, fromSeq: 1, limit: 1).first
        XCTAssertEqual(late?.status, .sent, "the late answer of the worker that held it settles it", file: file, line: line)
        XCTAssertEqual(late?.messageId, m.id, file: file, line: line)

        _ = try await s.claimRecipient(jobId: jobId, seq: 2, lease: a, at: t0)
        try await s.releaseRecipient(jobId: jobId, seq: 2, owner: "b", at: t0)
        now = try await status(2)
        XCTAssertEqual(now, .sending, file: file, line: line)
        try await s.releaseRecipient(jobId: jobId, seq: 2, owner: "a", at: t0)
        now = try await status(2)
        XCTAssertEqual(now, .pending, file: file, line: line)
        ok = try await s.claimRecipient(jobId: jobId, seq: 2, lease: Lease(owner: "b", until: t0 + 60), at: t0)
        XCTAssertTrue(ok, "released, it is anyone's again", file: file, line: line)

        _ = try await s.claimRecipient(jobId: jobId, seq: 3, lease: a, at: t0)
        try await s.finishRecipient(jobId: jobId, seq: 3, owner: "a", status: .interrupted, message: nil, error: "INTERRUPTED", at: t0)
        let progress = try await s.progress(jobId: jobId)
        XCTAssertEqual(progress, BulkProgress(total: 4, sent: 1, failed: 1, pending: 2, cancelled: 0, interrupted: 1), file: file, line: line)
    }
}
