import Channels
import CoreTestSupport
import Foundation
import MessagingCore
import Stores
import XCTest

/// A LIVE provider that records what it is asked, can fail with a script of errors, and can run a hook on a given send.
final class ScriptedGateway: ChannelGateway, @unchecked Sendable {
    func wireBody(_ request: OutboundRequest) -> String { OutboundWire.body(request) }
    private let lock = NSLock()
    private var requests: [OutboundRequest] = []
    private var script: [ProviderError] = []
    private var attempts = 0
    var onSend: (@Sendable (Int) async -> Void)?

    var sent: [OutboundRequest] { lock.withLock { requests } }
    /// Provider calls that went through, per destination (phone number or email address): the count that
    /// shows a double send, which a store's one-message-per-key would hide.
    var callsPerDestination: [String: Int] {
        var out: [String: Int] = [:]
        for r in sent {
            switch r {
            case .sms(let destination, _, _): out[destination, default: 0] += 1
            case .email(_, let to, _, _, _): out[to, default: 0] += 1
            case .whatsapp(_, _, let message): out[message, default: 0] += 1
            }
        }
        return out
    }
    var attemptCount: Int { lock.withLock { attempts } }
    func fail(with errors: [ProviderError]) { lock.withLock { script = errors } }

    func send(_ request: OutboundRequest) async throws -> String {
        let (error, n): (ProviderError?, Int) = lock.withLock {
            attempts += 1
            if !script.isEmpty { return (script.removeFirst(), 0) }
            requests.append(request)
            return (nil, requests.count)
        }
        if let error { throw error }
        await onSend?(n)
        return "provider-\(n)"
    }
    func uploadWhatsAppMedia(phoneNumberId: String, bucket: String, key: String) async throws -> String { "media-1" }
    func downloadWhatsAppMedia(mediaId: String, phoneNumberId: String, bucket: String, key: String) async throws -> (mimeType: String, size: Int?) {
        ("image/jpeg", nil)
    }
}

/// One SQLite database in a fresh directory, with the core and bulk wired to it.
struct BulkWorld {
    let directory: URL
    let store: SQLiteStore
    let objects: DirectoryObjectStore
    let clock = TestClock()
    let ids = SequentialIDs()
    let events = RecordingEvents()
    let gateway = ScriptedGateway()
    var settings = CoreSettings(environment: "local", sendMode: .dryRun, allowlist: ["phone-number-id-aaa"], metaApiVersion: "v20.0",
                                smsPoolId: "pool-1", emailSender: "one@wecare.digital", mediaBucket: "stream.wecare.digital",
                                incomingPrefix: "in/", outgoingPrefix: "out/", reportsPrefix: "reports/")
    var retry = SendRetry(sleep: { _ in })
    var limiter: any RateLimiter = NoRateLimit()

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("wecare-bulk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteStore(path: directory.appendingPathComponent("db.sqlite").path)
        objects = DirectoryObjectStore(root: directory.appendingPathComponent("objects"))
    }

    var deps: CoreDependencies { CoreDependencies(store: store, gateway: gateway, clock: clock, ids: ids, events: events, limiter: limiter, retry: retry) }
    var bulkDeps: BulkDependencies { BulkDependencies(store: store, queue: store, objects: objects) }
    var service: BulkService { BulkService(deps, settings: settings, bulk: bulkDeps) }
    var worker: BulkWorker { BulkWorker(deps, settings: settings, bulk: bulkDeps) }

    /// `n` contacts opted in to every channel, created in order.
    func contacts(_ n: Int, optedIn: Bool = true) async throws -> [String] {
        var ids: [String] = []
        for i in 0..<n {
            let c = Contact(id: "c-\(String(format: "%05d", i))", name: "Contact \(i)", phone: "+1425555\(String(format: "%04d", i))",
                            email: "c\(i)@example.com", optInWhatsApp: optedIn, optInSms: optedIn, optInEmail: optedIn,
                            lastInboundMessageAt: clock.now().addingTimeInterval(-60), createdAt: clock.now().addingTimeInterval(Double(i)),
                            updatedAt: clock.now())
            try await store.insertContact(c)
            ids.append(c.id)
        }
        return ids
    }

    /// A lease held by the test's own "worker" (owner "w") for an hour.
    func lease(_ owner: String = "w", seconds: TimeInterval = 3600) -> Lease {
        Lease(owner: owner, until: clock.now().addingTimeInterval(seconds))
    }

    /// Runs one worker until the queue has nothing visible.
    func drain() async {
        while await worker.runOnce() {}
    }

    /// Asserts what exactly-once means where a double send would show: one provider call per recipient
    /// phone (the contacts `contacts(_:)` makes), none for the recipients in `notSent`.
    func assertOneCallPerRecipient(_ count: Int, notSent: Set<Int> = [], file: StaticString = #filePath, line: UInt = #line) {
        let calls = gateway.callsPerDestination
        var missing = 0, twice = 0
        for i in 0..<count where !notSent.contains(i) {
            let n = calls["+1425555\(String(format: "%04d", i))", default: 0]
            if n == 0 { missing += 1 }
            if n > 1 { twice += 1 }
        }
        let unexpected = notSent.filter { calls["+1425555\(String(format: "%04d", $0))", default: 0] > 0 }
        XCTAssertEqual([missing, twice, unexpected.count], [0, 0, 0], "provider calls: missing, twice, sent though interrupted", file: file, line: line)
    }

    func report(_ job: BulkJob, _ suffix: String) throws -> [String: Any] {
        let data = try objects.get(bucket: settings.mediaBucket, key: "reports/\(job.id)-\(suffix).json")
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }
}
