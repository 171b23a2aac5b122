import CoreTestSupport
import Foundation
import MessagingCore
import Stores
import XCTest

/// Retried requests at the edges of a job: creation with an Idempotency-Key, and a confirm whose
/// queueing failed half-way. LIVE, provider calls counted.
final class EdgeTests: XCTestCase {
    func testTheSameIdempotencyKeyGivesTheSameJobAndCreatesNothingMore() async throws {
        var w = try BulkWorld()
        w.settings.sendMode = .live
        let ids = try await w.contacts(5)
        let first = try await w.service.create(channel: .sms, recipients: .contacts(ids), content: BulkContent(text: "hi"), createdBy: "u1",
                                               idempotencyKey: "order-42")
        let retried = try await w.service.create(channel: .sms, recipients: .contacts(ids), content: BulkContent(text: "hi"), createdBy: "u1",
                                                 idempotencyKey: "order-42")
        XCTAssertEqual(retried.job.id, first.job.id)
        let otherCaller = try await w.service.create(channel: .sms, recipients: .contacts(ids), content: BulkContent(text: "hi"), createdBy: "u2",
                                                     idempotencyKey: "order-42")
        XCTAssertNotEqual(otherCaller.job.id, first.job.id, "a key is its caller's")
        _ = try await w.service.control(otherCaller.job.id, .cancel)
        await w.drain()
        let afterRun = try await w.service.create(channel: .sms, recipients: .contacts(ids), content: BulkContent(text: "hi"), createdBy: "u1",
                                                  idempotencyKey: "order-42")
        XCTAssertEqual(afterRun.job.status, .completed, "a retry after the job ran gets the job as it is")
        w.assertOneCallPerRecipient(5)
        let jobs = try await w.store.jobs(status: .completed)
        XCTAssertEqual(jobs.count, 1)
        let invalid = await failure { () async throws(CoreError) in
            _ = try await w.service.create(channel: .sms, recipients: .contacts(ids), content: BulkContent(text: "hi"), createdBy: "u1",
                                           idempotencyKey: "has space")
        }
        XCTAssertEqual(invalid?.code, "INVALID_REQUEST")
    }

    func testAConfirmWhoseQueueingFailedHalfWayIsReDrivenUntilEveryChunkIsQueued() async throws {
        var w = try BulkWorld()
        w.settings.sendMode = .live
        let ids = try await w.contacts(250)
        let view = try await w.service.create(channel: .sms, recipients: .contacts(ids), content: BulkContent(text: "hi"), createdBy: "u1")
        let flaky = FlakyQueue(base: w.store, failAfter: 1)
        let service = BulkService(w.deps, settings: w.settings, bulk: BulkDependencies(store: w.store, queue: flaky, objects: w.objects))
        let failed = await failure { () async throws(CoreError) in _ = try await service.confirm(view.job.id) }
        XCTAssertNotNil(failed, "the queue failed after one chunk")
        var job = try await w.service.view(view.job.id)
        XCTAssertEqual(job.job.status, .inProgress)
        XCTAssertEqual(flaky.enqueued, 1)
        job = try await service.confirm(view.job.id)
        XCTAssertEqual(job.job.status, .inProgress)
        await w.drain()
        job = try await w.service.view(view.job.id)
        XCTAssertEqual(job.job.status, .completed)
        w.assertOneCallPerRecipient(250)
    }
}

/// The SQLite queue, failing every enqueue after the first `failAfter` chunks have been queued once.
final class FlakyQueue: BulkQueue, @unchecked Sendable {
    let base: SQLiteStore
    private let lock = NSLock()
    private var left: Int
    private var count = 0
    var enqueued: Int { lock.withLock { count } }
    struct Down: Error {}

    init(base: SQLiteStore, failAfter: Int) {
        self.base = base
        left = failAfter
    }

    func enqueue(_ chunks: [BulkChunk]) async throws {
        for chunk in chunks {
            let ok = lock.withLock { () -> Bool in
                guard left > 0 else { return false }
                left -= 1
                count += 1
                return true
            }
            guard ok else {
                lock.withLock { left = 1_000 }   // down once: the next call goes through
                throw Down()
            }
            try await base.enqueue([chunk])
        }
    }
    func receive(visibility: TimeInterval, now: Date) async throws -> QueuedChunk? { try await base.receive(visibility: visibility, now: now) }
    func delete(_ chunk: QueuedChunk) async throws { try await base.delete(chunk) }
    func retry(_ chunk: QueuedChunk, at: Date) async throws { try await base.retry(chunk, at: at) }
    func park(_ chunk: QueuedChunk) async throws -> Bool { try await base.park(chunk) }
    func unpark(jobId: String) async throws { try await base.unpark(jobId: jobId) }
    func deleteAll(jobId: String) async throws { try await base.deleteAll(jobId: jobId) }
    func releaseInFlight() async throws { try await base.releaseInFlight() }
}
