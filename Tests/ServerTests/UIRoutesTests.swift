import Foundation
import Hummingbird
import HummingbirdTesting
@testable import MessagingCore
@testable import Server
import XCTest

/// The web UI as the router serves it: the page at `/` and at every page's path (deep links), its files
/// with ETags and gzip, JSON 404s for everything else, `/api/ui/config`, the event stream, and the bulk
/// job list the Bulk Messaging page pages through.
final class UIRoutesTests: XCTestCase {
    let harness = ServerHarness()
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func web(_ name: String) throws -> Data { try Data(contentsOf: Self.root.appendingPathComponent("web/\(name)")) }

    /// gunzip through the system's gzip: the test does not trust the code it checks.
    static func gunzip(_ data: Data) throws -> Data {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ui-\(UUID().uuidString).gz")
        try data.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["gzip", "-dc", file.path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let result = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "gzip -dc")
        return result
    }

    func testTheEmbeddedFilesAreWebAsCommitted() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", Self.root.appendingPathComponent("scripts/embed-web").path, "--check"]
        let err = Pipe()
        p.standardError = err
        try p.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, message)
        // The first load: the page, its styles and every script, gzipped, well under 100 KB.
        let total = EmbeddedWebFiles.files.values.reduce(0) { $0 + $1.gzipped.readableBytes }
        XCTAssertLessThan(total, 100_000)
    }

    func testThePageIsGzippedWithAnETagAndRevalidates() async throws {
        let index = try Self.web("index.html")
        try await harness.app().test(.router) { client in
            let etag = try await client.execute(uri: "/", method: .get, headers: [.acceptEncoding: "br, gzip;q=0.8"]) { r in
                XCTAssertEqual(r.status, .ok)
                XCTAssertEqual(r.headers[.contentEncoding], "gzip")
                XCTAssertEqual(r.headers[.contentType], "text/html; charset=utf-8")
                XCTAssertEqual(r.headers[.vary], "Accept-Encoding")
                XCTAssertTrue(r.headers[.init("Content-Security-Policy")!]?.contains("script-src 'self'") ?? false)
                XCTAssertEqual(try Self.gunzip(Data(buffer: r.body)), index)
                return try XCTUnwrap(r.headers[.eTag])
            }
            XCTAssertTrue(etag.hasSuffix("-gz\""), etag)
            try await client.execute(uri: "/", method: .get, headers: [.acceptEncoding: "gzip", .ifNoneMatch: etag]) { r in
                XCTAssertEqual(r.status, .notModified)
                XCTAssertEqual(r.body.readableBytes, 0)
            }
            // Without gzip (or with q=0): the bytes as committed, under another ETag.
            for header in [nil, "gzip;q=0, identity"] as [String?] {
                var headers = HTTPFields()
                if let header { headers[.acceptEncoding] = header }
                try await client.execute(uri: "/", method: .get, headers: headers) { r in
                    XCTAssertEqual(r.status, .ok)
                    XCTAssertNil(r.headers[.contentEncoding])
                    XCTAssertEqual(Data(buffer: r.body), index)
                    XCTAssertNotEqual(r.headers[.eTag], etag)
                }
            }
            try await client.execute(uri: "/", method: .get, headers: [.ifNoneMatch: etag]) { r in
                XCTAssertEqual(r.status, .ok, "the identity form is another representation")
            }
        }
    }

    func testDeepLinksGetThePageAndEverythingElseStaysJSON() async throws {
        let index = try Self.web("index.html")
        try await harness.app().test(.router) { client in
            for path in ["/dm", "/dm/c1/whatsapp", "/contacts", "/bulk/job-1", "/agent", "/admin", "/signin", "/callback", "/pay", "/invoice"] {
                try await client.execute(uri: path, method: .get) { r in
                    XCTAssertEqual(r.status, .ok, path)
                    XCTAssertEqual(Data(buffer: r.body), index, path)
                }
            }
            try await client.execute(uri: "/assets/app.js", method: .get) { r in
                XCTAssertEqual(r.status, .ok)
                XCTAssertEqual(r.headers[.contentType], "text/javascript; charset=utf-8")
                XCTAssertEqual(Data(buffer: r.body), try Self.web("app.js"))
            }
            try await client.execute(uri: "/assets/pages/dm.js", method: .get) { r in XCTAssertEqual(r.status, .ok) }
            for path in ["/assets/missing.js", "/assets/index.html", "/api/nothing", "/nothing", "/dmx", "/api/dm"] {
                try await client.execute(uri: path, method: .get) { r in
                    XCTAssertEqual(r.status, .notFound, path)
                    XCTAssertEqual(r.headers[.contentType], "application/json", path)
                    XCTAssertTrue(String(buffer: r.body).contains("NOT_FOUND"), path)
                }
            }
            try await client.execute(uri: "/dm", method: .post) { r in XCTAssertEqual(r.status, .notFound) }
            // A known API path with another method is still 405, not the page.
            try await client.execute(uri: "/api/dlq/replay", method: .get) { r in XCTAssertEqual(r.status, .methodNotAllowed) }
        }
    }

    func testTheUIConfigSaysHowToSignInAndWhatIsLinked() async throws {
        var ui = WebUISettings(links: ["docs": "https://docs.example.com/"], signIn: .cognito(domain: "sso.example.com", region: "us-east-1",
                                                                                              userPoolId: "us-east-1_X", clientId: "client-1"))
        let view = UIConfigView(ui, environment: "preview", sendMode: "DRY_RUN", live: "poll")
        let json = String(decoding: try JSONBody.encoder.encode(view), as: UTF8.self)
        XCTAssertTrue(json.contains(#"{"module":"docs","url":"https:\/\/docs.example.com\/"}"#), json)
        XCTAssertTrue(json.contains(#"{"module":"pay"}"#), json)
        XCTAssertTrue(json.contains(#""signIn":{"clientId":"client-1","domain":"sso.example.com","mode":"cognito""#), json)
        XCTAssertTrue(UIRoutes.contentSecurityPolicy(ui).contains("connect-src 'self' https://sso.example.com"))
        ui.signIn = .development
        XCTAssertTrue(UIRoutes.contentSecurityPolicy(ui).contains("connect-src 'self';"))
        let harness = self.harness
        try await harness.app().test(.router) { client in
            try await client.execute(uri: "/api/ui/config", method: .get) { r in
                XCTAssertEqual(r.status, .ok)
                let body = String(buffer: r.body)
                XCTAssertTrue(body.contains(#""title":"WECARE.DIGITAL""#), body)
                XCTAssertTrue(body.contains(#""live":"poll""#), body)
                XCTAssertTrue(body.contains(#""mode":"development""#), body)
            }
            let viewer = try await harness.token(["Viewer"])
            try await client.execute(uri: "/api/events", method: .get, headers: [.authorization: "Bearer \(viewer)"]) { r in
                XCTAssertEqual(r.status, .serviceUnavailable, "no event stream where the front door cannot stream")
            }
            try await client.execute(uri: "/api/events", method: .get) { r in XCTAssertEqual(r.status, .unauthorized) }
        }
    }

    func testGzipNegotiation() {
        XCTAssertTrue(UIRoutes.acceptsGzip("gzip, deflate, br"))
        XCTAssertTrue(UIRoutes.acceptsGzip("*"))
        XCTAssertTrue(UIRoutes.acceptsGzip("GZIP;q=0.5"))
        XCTAssertFalse(UIRoutes.acceptsGzip("gzip;q=0"))
        XCTAssertFalse(UIRoutes.acceptsGzip("br, deflate"))
        XCTAssertFalse(UIRoutes.acceptsGzip(nil))
    }

    func testTheEventStreamCarriesWhatChangedAndEnds() async throws {
        let recorded = RecordingSink()
        let live = LiveEvents(forwardingTo: recorded)
        XCTAssertFalse(live.keeps(.debug), "nothing listens: DEBUG is the log's to decide")
        let response = LiveEventStream.response(live, lifetime: .milliseconds(600))
        XCTAssertEqual(response.headers[.contentType], "text/event-stream")
        let writer = CollectingWriter()
        let streaming = Task { try await response.body.write(writer) }
        while live.openStreams == 0 { try await Task.sleep(for: .milliseconds(10)) }
        XCTAssertTrue(live.keeps(.debug))
        live.record(.debug, "inbound_stored", ["contactId": "c1", "messageId": "m1"])
        live.record(.info, "bulk_queued", ["jobId": "j1", "chunks": "1"])
        live.record(.info, "service_start", [:])
        try await streaming.value
        let text = writer.text
        XCTAssertTrue(text.contains("event: message\ndata: {\"contactId\":\"c1\",\"kind\":\"message\",\"messageId\":\"m1\"}\n\n"), text)
        XCTAssertTrue(text.contains("event: bulk\ndata: {\"jobId\":\"j1\",\"kind\":\"bulk\"}"), text)
        XCTAssertFalse(text.contains("service_start"))
        XCTAssertEqual(recorded.events, ["inbound_stored", "bulk_queued", "service_start"], "every event still reaches the log")
        while live.openStreams > 0 { try await Task.sleep(for: .milliseconds(10)) }
    }

    /// A stored inbound message reaches an open event stream; with none open, the DEBUG event is not
    /// even built (the log keeps no DEBUG here), since ingestion makes one per message.
    func testAnInboundMessageIsStreamedOnlyWhileSomeoneListens() async throws {
        let recorded = RecordingSink()
        let live = LiveEvents(forwardingTo: recorded)
        var harness = ServerHarness()
        harness.events = live
        let context = try await harness.context()
        let inbound = InboundProcessor(context.deps, settings: await context.settings.value)
        _ = try await inbound.process(SNSWebhookTests.event(SNSWebhookTests.text), eventID: "unheard")
        XCTAssertFalse(recorded.events.contains("inbound_stored"), "\(recorded.events)")

        let response = LiveEventStream.response(live, lifetime: .milliseconds(400))
        let writer = CollectingWriter()
        let streaming = Task { try await response.body.write(writer) }
        while live.openStreams == 0 { try await Task.sleep(for: .milliseconds(10)) }
        let heard = SNSWebhookTests.text.replacingOccurrences(of: "wamid.LOCKED", with: "wamid.HEARD")
        let outcome = try await inbound.process(SNSWebhookTests.event(heard), eventID: "heard")
        try await streaming.value
        XCTAssertEqual(outcome.stored, ["wamid.HEARD"])
        XCTAssertTrue(writer.text.contains("event: message\ndata: {\"contactId\":"), writer.text)
        XCTAssertTrue(recorded.events.contains("inbound_stored"), "\(recorded.events)")
        while live.openStreams > 0 { try await Task.sleep(for: .milliseconds(10)) }
    }

    func testBulkJobsArePagedNewestFirst() async throws {
        let harness = self.harness
        let op = try await harness.token(["Operator"])
        let auth: HTTPFields = [.authorization: "Bearer \(op)"]
        for i in 0..<3 {
            try await harness.store.insertContact(Contact(id: "p\(i)", name: "P\(i)", phone: "+91933099450\(i)", email: nil, optInSms: true,
                                                          createdAt: harness.now, updatedAt: harness.now))
        }
        try await harness.app().test(.router) { client in
            var created: [String] = []
            for i in 0..<3 {
                let body = try JSONSerialization.data(withJSONObject: ["channel": "sms", "contactIds": ["p\(i)"], "text": "job \(i)"])
                created.append(try await client.execute(uri: "/api/bulk/jobs", method: .post, headers: auth, body: ByteBuffer(bytes: body)) {
                    (try JSONSerialization.jsonObject(with: Data(buffer: $0.body)) as! [String: Any])["id"] as! String
                })
            }
            // The harness's clock stands still: the three jobs share a creation time, and the cursor still pages them.
            let (first, next) = try await client.execute(uri: "/api/bulk/jobs?limit=2", method: .get, headers: auth) { r in
                XCTAssertEqual(r.status, .ok)
                let page = try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as! [String: Any]
                let jobs = page["jobs"] as! [[String: Any]]
                XCTAssertEqual(jobs.first?["progress"].flatMap { ($0 as? [String: Any])?["total"] as? Int }, 1)
                return (jobs.map { $0["id"] as! String }, page["next"] as? String)
            }
            XCTAssertEqual(first.count, 2)
            let cursor = try XCTUnwrap(next)
            let second = try await client.execute(uri: "/api/bulk/jobs?limit=2&cursor=\(cursor)", method: .get, headers: auth) { r in
                let page = try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as! [String: Any]
                XCTAssertNil(page["next"])
                return (page["jobs"] as! [[String: Any]]).map { $0["id"] as! String }
            }
            XCTAssertEqual(Set(first + second), Set(created))
            XCTAssertEqual(first + second, created.sorted(by: >), "newest first: same time, then id")
            try await client.execute(uri: "/api/bulk/jobs?cursor=yesterday", method: .get, headers: auth) { XCTAssertEqual($0.status, .badRequest) }
            let viewer = try await harness.token(["Viewer"])
            try await client.execute(uri: "/api/bulk/jobs", method: .get, headers: [.authorization: "Bearer \(viewer)"]) {
                XCTAssertEqual($0.status, .forbidden, "bulk jobs are read by Operators (readBulk)")
            }
        }
    }
}

final class RecordingSink: EventSink, @unchecked Sendable {
    private let lock = NSLock()
    private var names: [String] = []
    var events: [String] { lock.withLock { names } }
    func record(_ level: EventLevel, _ event: String, _ fields: [String: String]) { lock.withLock { names.append(event) } }
    func keeps(_ level: EventLevel) -> Bool { level != .debug }
}

final class CollectingWriter: ResponseBodyWriter, @unchecked Sendable {
    private let lock = NSLock()
    private var buffer = ByteBuffer()
    var text: String { lock.withLock { String(buffer: buffer) } }
    func write(_ buffer: ByteBuffer) async throws { lock.withLock { self.buffer.writeImmutableBuffer(buffer) } }
    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
