import AWSClient
import Channels
import CoreTestSupport
import Foundation
import MessagingCore
import Stores
import XCTest

/// Exactly-once on DynamoDB, LIVE against a recording provider: workers race on moto behind one lock,
/// with faults injected (a 500 after a write was applied, TransactionConflict, throttling, stale index
/// answers), chunks delivered twice, workers killed after their claim, pause and cancel racing the
/// workers. Every recipient gets exactly one provider call or ends `interrupted`, and every job ends
/// in a final state with its report.
final class DynamoDBBulkRaceTests: XCTestCase {
    override class func tearDown() {
        MotoTables.server.stop()
        super.tearDown()
    }

    struct World {
        let store: DynamoDBStore
        let bulkStore: DynamoDBBulkStore
        let faults: FaultyDynamoDB
        let gateway = CountingGateway()
        let clock = TestClock()
        let events = RecordingEvents()
        let queue = ChunkList()
        let objects: DirectoryObjectStore
        let settings: CoreSettings

        var deps: CoreDependencies {
            CoreDependencies(store: store, gateway: gateway, clock: clock, ids: UUIDSource(), events: events, retry: SendRetry(sleep: { _ in }))
        }
        var bulk: BulkDependencies { BulkDependencies(store: bulkStore, queue: queue, objects: objects) }
        var service: BulkService { BulkService(deps, settings: settings, bulk: bulk) }
        var worker: BulkWorker { BulkWorker(deps, settings: settings, bulk: bulk) }

        static func make() async throws -> World {
            let faults = FaultyDynamoDB()
            let retries = RetryPolicy(maxRetries: 3, baseDelay: .milliseconds(1), maxDelay: .milliseconds(5))
            let (client, names) = try await MotoTables.create(["TableContacts", "TableMessages", "TableDLQMessages", "TableBulkJobs", "TableBulkRecipients"],
                                                              transport: faults, retryPolicy: retries)
            let store = DynamoDBStore(client: client, tables: .init(contacts: names["TableContacts"], messages: names["TableMessages"],
                                                                    dlq: names["TableDLQMessages"]))
            let bulkStore = DynamoDBBulkStore(client: client, jobsTable: names["TableBulkJobs"]!, recipientsTable: names["TableBulkRecipients"]!,
                                              messages: store)
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wecare-race-\(UUID().uuidString)")
            return World(store: store, bulkStore: bulkStore, faults: faults, objects: DirectoryObjectStore(root: dir),
                         settings: CoreSettings(environment: "test", sendMode: .live, allowlist: ["phone-number-id-aaa"], metaApiVersion: "v20.0",
                                                smsPoolId: "pool-1", emailSender: "one@wecare.digital", mediaBucket: "stream.wecare.digital",
                                                incomingPrefix: "in/", outgoingPrefix: "out/", reportsPrefix: "reports/"))
        }

        func phone(_ i: Int) -> String { "+1425556\(String(format: "%04d", i))" }

        /// Each delivery worked as the bulk worker function and SQS would: a delivery that fails as a whole
        /// (a store error that outlived the client's retries) comes back and is worked again.
        func deliver(_ chunks: [BulkChunk], worker: BulkWorker? = nil) async throws {
            let worker = worker ?? self.worker
            try await withThrowingTaskGroup(of: Void.self) { group in
                for chunk in chunks {
                    group.addTask {
                        for attempt in 1...5 {
                            do {
                                _ = try await worker.work(chunk)
                                return
                            } catch where attempt < 5 {
                                continue
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }

        /// A confirmed SMS job to `n` new contacts opted in.
        func job(_ n: Int) async throws -> String {
            var ids: [String] = []
            for i in 0..<n {
                let c = Contact(id: "c\(i)", name: "C\(i)", phone: phone(i), email: nil, optInSms: true, createdAt: clock.now(), updatedAt: clock.now())
                try await store.insertContact(c)
                ids.append(c.id)
            }
            let view = try await service.create(channel: .sms, recipients: .contacts(ids), content: BulkContent(text: "hi"), createdBy: "u1")
            if view.job.status == .pending { _ = try await service.confirm(view.job.id) }
            return view.job.id
        }

        /// Per recipient: its provider calls and its final state; what exactly-once forbids, counted.
        func audit(_ jobId: String, _ n: Int) async throws -> (missing: Int, twice: Int, stuck: Int, interruptedButCalledTwice: Int) {
            let calls = gateway.callsPerDestination
            let recipients = try await bulkStore.recipients(jobId: jobId, fromSeq: 0, limit: n)
            var missing = 0, twice = 0, stuck = 0, bad = 0
            for (i, r) in recipients.enumerated() {
                let c = calls[phone(i), default: 0]
                switch r.status {
                case .sent: if c == 0 { missing += 1 }
                case .cancelled: if c > 0 { bad += 1 }
                case .interrupted: if c > 1 { bad += 1 }
                case .pending, .sending: stuck += 1
                case .failed: break
                }
                if c > 1 { twice += 1 }
            }
            return (missing, twice, stuck, bad)
        }
    }

    func testEveryChunkDeliveredTwiceWhileWritesFailAndRace() async throws {
        let w = try await World.make()
        let n = 150
        let jobId = try await w.job(n)
        w.faults.inject(.appliedThen500, on: "UpdateItem", count: 6)
        w.faults.inject(.appliedThen500, on: "TransactWriteItems", count: 4)
        w.faults.inject(.transactionConflict, on: "TransactWriteItems", count: 6)
        w.faults.inject(.throttled, on: "UpdateItem", count: 4)
        w.faults.inject(.staleIndex, on: "Query", count: 6)
        let chunks = w.queue.all
        XCTAssertEqual(chunks.count, 2)
        try await w.deliver(chunks + chunks)
        w.faults.clear()
        try await w.service.reconcile()
        let view = try await w.service.view(jobId)
        XCTAssertEqual(view.job.status, .completed)
        XCTAssertNotNil(view.job.reportKey)
        let audit = try await w.audit(jobId, n)
        XCTAssertEqual([audit.missing, audit.twice, audit.stuck, audit.interruptedButCalledTwice], [0, 0, 0, 0])
        XCTAssertEqual(w.gateway.sent.count, n, "one provider call per recipient")
        let injected = w.faults.injectedCounts
        XCTAssertEqual(injected[.appliedThen500], 10)
        XCTAssertEqual(injected[.transactionConflict], 6)
    }

    /// A claim applied but answered with a 500 four times runs out the client's retries: the worker cannot
    /// know it holds the recipient, but it knows it called no provider, so it hands the recipient back and
    /// the chunk's next delivery sends it (left `sending`, it would wait for recovery to call it interrupted).
    func testAClaimWhoseRetriesRanOutIsHandedBackAndSentOnTheNextDelivery() async throws {
        let w = try await World.make()
        let jobId = try await w.job(3)
        w.faults.inject(.appliedThen500, on: "UpdateItem", containing: "SET #st = :sending", count: 4)
        try await w.deliver(w.queue.all)
        XCTAssertEqual(w.faults.injectedCounts[.appliedThen500], 4, "the first claim and its three retries")
        let view = try await w.service.view(jobId)
        XCTAssertEqual(view.job.status, .completed)
        let audit = try await w.audit(jobId, 3)
        XCTAssertEqual([audit.missing, audit.twice, audit.stuck, audit.interruptedButCalledTwice], [0, 0, 0, 0])
        XCTAssertEqual(w.gateway.sent.count, 3, "one provider call per recipient")
    }

    func testWorkersKilledAfterTheirClaimAndAtTheirDeadline() async throws {
        let w = try await World.make()
        let n = 60
        let jobId = try await w.job(n)
        // Killed between claim and provider call (3), and after the call before recording it (2): leases end at +90 s.
        for seq in 0..<5 {
            let ok = try await w.bulkStore.claimRecipient(jobId: jobId, seq: seq, lease: Lease(owner: "worker:killed", until: w.clock.now() + 90), at: w.clock.now())
            XCTAssertTrue(ok)
        }
        for seq in 3..<5 { _ = try await w.gateway.send(.sms(destination: w.phone(seq), originationIdentity: "pool-1", body: "hi")) }
        // A worker at its deadline: slots 30 s apart, 50 s left: one send, the rest handed back.
        let slow = BulkWorker(CoreDependencies(store: w.store, gateway: w.gateway, clock: w.clock, ids: UUIDSource(), events: w.events,
                                               limiter: SlowSlotsOnClock(clock: w.clock, wait: 30), retry: SendRetry(sleep: { _ in })),
                              settings: w.settings, bulk: w.bulk)
        let chunk = w.queue.all[0]
        let outcome = try await slow.work(chunk, deadline: w.clock.now() + 50)
        XCTAssertEqual(outcome, .later(0))
        XCTAssertEqual(w.gateway.sent.count, 2 + 1)
        // The chunk comes back; other workers finish it (twice, at once), the killed claims are left alone until their lease ends.
        try await w.deliver([chunk, chunk])
        var view = try await w.service.view(jobId)
        XCTAssertEqual(view.job.status, .inProgress, "five recipients are still claimed")
        w.clock.advance(120)
        try await w.service.reconcile()
        view = try await w.service.view(jobId)
        XCTAssertEqual(view.job.status, .completed)
        XCTAssertEqual(view.progress.interrupted, 5, "LIVE: whether or not the call happened, none is sent again")
        XCTAssertNotNil(view.job.reportKey)
        let audit = try await w.audit(jobId, n)
        XCTAssertEqual([audit.missing, audit.twice, audit.stuck, audit.interruptedButCalledTwice], [0, 0, 0, 0])
        XCTAssertEqual(w.gateway.sent.count, n - 3, "one call for each recipient but the three killed before their call")
    }

    func testPauseResumeAndCancelRacingWorkers() async throws {
        let w = try await World.make()
        let n = 200
        let jobId = try await w.job(n)
        let chunks = w.queue.all
        let service = w.service
        w.faults.inject(.transactionConflict, on: "TransactWriteItems", count: 3)
        w.faults.inject(.staleIndex, on: "Query", count: 4)
        // A pause lands while four deliveries (every chunk twice) are sending.
        w.gateway.onSend = { count in if count == 20 { _ = try? await service.control(jobId, .pause) } }
        try await w.deliver(chunks + chunks)
        var view = try await w.service.view(jobId)
        XCTAssertEqual(view.job.status, .paused)
        XCTAssertEqual(view.progress.sent, w.gateway.sent.count, "the recipients in flight at the pause finished; nothing more")
        XCTAssertLessThan(view.progress.sent, 30)
        // Resumed, then cancelled while the deliveries run again.
        w.gateway.onSend = { count in if count == 60 { _ = try? await service.control(jobId, .cancel) } }
        _ = try await w.service.control(jobId, .resume)
        try await w.deliver(w.queue.all + chunks)
        w.faults.clear()
        try await w.service.reconcile()
        view = try await w.service.view(jobId)
        XCTAssertEqual(view.job.status, .cancelled)
        XCTAssertEqual(view.job.reportKey, "reports/\(jobId)-partial.json")
        XCTAssertEqual(view.progress.pending, 0)
        XCTAssertEqual(view.progress.sent + view.progress.cancelled + view.progress.failed, n)
        XCTAssertGreaterThanOrEqual(view.progress.sent, 60)
        let audit = try await w.audit(jobId, n)
        XCTAssertEqual([audit.missing, audit.twice, audit.stuck, audit.interruptedButCalledTwice], [0, 0, 0, 0])
        XCTAssertEqual(w.gateway.sent.count, view.progress.sent)
    }
}

/// A provider that records every call, per destination.
final class CountingGateway: ChannelGateway, @unchecked Sendable {
    func wireBody(_ request: OutboundRequest) -> String { OutboundWire.body(request) }
    private let lock = NSLock()
    private var requests: [OutboundRequest] = []
    var onSend: (@Sendable (Int) async -> Void)?

    var sent: [OutboundRequest] { lock.withLock { requests } }
    var callsPerDestination: [String: Int] {
        var out: [String: Int] = [:]
        for case .sms(let destination, _, _) in sent { out[destination, default: 0] += 1 }
        return out
    }

    func send(_ request: OutboundRequest) async throws -> String {
        let n = lock.withLock { requests.append(request); return requests.count }
        await onSend?(n)
        return "provider-\(n)"
    }
    func uploadWhatsAppMedia(phoneNumberId: String, bucket: String, key: String) async throws -> String { "media-1" }
    func downloadWhatsAppMedia(mediaId: String, phoneNumberId: String, bucket: String, key: String) async throws -> (mimeType: String, size: Int?) {
        ("image/jpeg", nil)
    }
}

/// The bulk queue as a list: what was queued, in order (the tests deliver chunks themselves).
final class ChunkList: BulkQueue, @unchecked Sendable {
    private let lock = NSLock()
    private var chunks: [BulkChunk] = []
    var all: [BulkChunk] { lock.withLock { Array(Set(chunks)).sorted { $0.index < $1.index } } }
    func enqueue(_ chunks: [BulkChunk]) async throws { lock.withLock { self.chunks += chunks } }
    func receive(visibility: TimeInterval, now: Date) async throws -> QueuedChunk? { nil }
    func delete(_ chunk: QueuedChunk) async throws {}
    func retry(_ chunk: QueuedChunk, at: Date) async throws {}
    func park(_ chunk: QueuedChunk) async throws -> Bool { true }
    func unpark(jobId: String) async throws {}
    func deleteAll(jobId: String) async throws {}
    func releaseInFlight() async throws {}
}

/// A limiter whose every slot is `wait` seconds away on the test clock.
struct SlowSlotsOnClock: RateLimiter {
    let clock: TestClock
    let wait: TimeInterval
    func acquire(channel: Channel, phoneNumberId: String?) async throws { clock.advance(wait) }
    func acquire(channel: Channel, phoneNumberId: String?, within seconds: TimeInterval) async throws -> Bool {
        guard wait <= seconds else { return false }
        clock.advance(wait)
        return true
    }
}
