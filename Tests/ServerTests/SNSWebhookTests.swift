import Foundation
import Hummingbird
import HummingbirdTesting
@testable import MessagingCore
@testable import Server
import Stores
import XCTest

/// `POST /webhooks/sns` never answers 200 for an event it neither stored nor kept: SNS does not retry a 200.
final class SNSWebhookTests: XCTestCase {
    /// Every body is a notification carrying itself as the message (signatures are SNSVerificationTests' concern).
    struct PassThroughSNS: SNSDeliveryVerifier {
        func verify(body: String) async throws -> SNSDelivery { .notification(messageId: "sns-\(body.count)", message: body) }
        func confirm(_ url: URL) async throws {}
    }

    let now = Date(timeIntervalSince1970: 1_795_000_000)

    func app(_ store: any MessagingStore) async throws -> some ApplicationProtocol {
        let deps = CoreDependencies(store: store, gateway: LocalGatewayStub(), clock: FixedClock(date: now), ids: UUIDSource(), events: NoEvents())
        let settings = CoreSettings(environment: "preview", sendMode: .dryRun, allowlist: ["phone-number-id-aaa"], metaApiVersion: "v20.0", smsPoolId: "pool",
                                    emailSender: "one@wecare.digital", mediaBucket: "b", incomingPrefix: "in/", outgoingPrefix: "out/")
        let context = ServiceContext(deps: deps, settings: RuntimeSettings(settings), authenticator: .authorizerClaims, sns: PassThroughSNS(),
                                     allowDevInbound: false)
        return Application(router: Routes.router(context))
    }

    static func event(_ message: String) -> String {
        let entry = #"{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Kerry"},"wa_id":"16505551234"}],"messages":[\#(message)]}}]}"#
        let header = #"{"context":{"MetaPhoneNumberIds":[{"metaPhoneNumberId":"106540352242922","arn":"arn:aws:social-messaging:us-east-1:123456789012:phone-number-id/aaa"}]},"#
        return header + #""whatsAppWebhookEntry":"# + jsonQuote(entry) + "}"
    }

    static let text = #"{"from":"16505551234","id":"wamid.LOCKED","timestamp":"1795000000","type":"text","text":{"body":"hello"}}"#

    func testWithTheDatabaseLockedTheWebhookAnswers503AndTheRedeliveryIsStored() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wecare-sns-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("wecare.sqlite").path
        let store = try SQLiteStore(path: path)
        let body = Self.event(Self.text)
        // Another process holds the write lock for longer than the store's 5 s busy timeout, twice over.
        let locker = Process()
        locker.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        locker.arguments = ["python3", "-c", "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
                            + "c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); time.sleep(20)", path]
        let out = Pipe()
        locker.standardOutput = out
        try locker.run()
        // SIGKILL: SIGTERM did not end the child before its sleep did (signals the test process blocks are inherited).
        defer { if locker.isRunning { kill(locker.processIdentifier, SIGKILL) } }
        _ = out.fileHandleForReading.availableData   // "locked"
        try await app(store).test(.router) { client in
            try await client.execute(uri: "/webhooks/sns", method: .post, body: ByteBuffer(string: body)) { response in
                XCTAssertEqual(response.status, .serviceUnavailable, String(buffer: response.body))
                XCTAssertTrue(String(buffer: response.body).contains("INBOUND_NOT_STORED"), String(buffer: response.body))
            }
        }
        let kept = try await store.dlqCount(now: now)
        XCTAssertEqual(kept, 0, "not kept either: that is why SNS must deliver it again")
        kill(locker.processIdentifier, SIGKILL)
        locker.waitUntilExit()
        // SNS delivers it again; the database is free now.
        try await app(store).test(.router) { client in
            try await client.execute(uri: "/webhooks/sns", method: .post, body: ByteBuffer(string: body)) { response in
                XCTAssertEqual(response.status, .ok)
                XCTAssertTrue(String(buffer: response.body).contains(#""stored":["wamid.LOCKED"]"#), String(buffer: response.body))
            }
        }
        let stored = try await store.message(whatsappId: "wamid.LOCKED")
        XCTAssertNotNil(stored)
    }

    func testAMalformedMessageIsKeptAloneAndTheDeliveryIsAcknowledged() async throws {
        let store = InMemoryStore()
        let body = Self.event(Self.text + #",{"from":"16505551234","id":"wamid.NOTYPE","timestamp":"1795000000"}"#)
        try await app(store).test(.router) { client in
            try await client.execute(uri: "/webhooks/sns", method: .post, body: ByteBuffer(string: body)) { response in
                XCTAssertEqual(response.status, .ok)
                let text = String(buffer: response.body)
                XCTAssertTrue(text.contains(#""deadLettered":["wamid.NOTYPE"]"#), text)
                XCTAssertTrue(text.contains(#""stored":["wamid.LOCKED"]"#), text)
            }
        }
        let kept = await store.dlqEntries(limit: 10, now: now)
        XCTAssertEqual(kept.map(\.originalMessageId), ["sns-\(body.count)/wamid.NOTYPE"])
    }
}
