import Channels
import Foundation
import Hummingbird
import HummingbirdTesting
import JWTKit
@testable import MessagingCore
@testable import Server
import Stores
import XCTest

/// `POST /api/media` (Req 5.5) in LIVE against a recording provider: the file lands under the outgoing prefix
/// (the directory object store, bucket/key as in S3), then exactly one PostWhatsAppMessageMedia for that key
/// and one SendWhatsAppMessage with the media id; every refusal makes no provider call and stores nothing.
final class MediaUploadTests: XCTestCase {
    /// Records every provider call.
    final class RecordingProvider: ChannelGateway, @unchecked Sendable {
        func wireBody(_ request: OutboundRequest) -> String { OutboundWire.body(request) }
        private let lock = NSLock()
        private var _uploads: [(phoneNumberId: String, bucket: String, key: String)] = []
        private var _sends: [OutboundRequest] = []
        var uploads: [(phoneNumberId: String, bucket: String, key: String)] { lock.withLock { _uploads } }
        var sends: [OutboundRequest] { lock.withLock { _sends } }

        func send(_ request: OutboundRequest) async throws -> String {
            lock.withLock { _sends.append(request) }
            return "wamid.sent"
        }
        func uploadWhatsAppMedia(phoneNumberId: String, bucket: String, key: String) async throws -> String {
            lock.withLock { _uploads.append((phoneNumberId, bucket, key)) }
            return "530339869524171"
        }
        func downloadWhatsAppMedia(mediaId: String, phoneNumberId: String, bucket: String, key: String) async throws -> (mimeType: String, size: Int?) {
            XCTFail("no download here")
            return ("", nil)
        }
    }

    let store = InMemoryStore()
    let provider = RecordingProvider()
    let now = Date(timeIntervalSince1970: 1_795_000_000)
    var directory: URL!

    override func setUp() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("wecare-media-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // The window is open: the contact wrote an hour ago, so a media message needs no template.
        try await store.insertContact(Contact(id: "c1", name: "A", phone: "+919330994400", email: nil, optInWhatsApp: true,
                                              lastInboundMessageAt: now.addingTimeInterval(-3600), createdAt: now, updatedAt: now))
    }

    func app(sendMode: CoreSettings.SendMode = .live) async throws -> some ApplicationProtocol {
        let deps = CoreDependencies(store: store, gateway: provider, clock: FixedClock(date: now), ids: UUIDSource(), events: NoEvents())
        let settings = CoreSettings(environment: sendMode == .live ? "production" : "preview", sendMode: sendMode, allowlist: ["phone-number-id-aaa"],
                                    metaApiVersion: "v20.0", smsPoolId: "pool", emailSender: "one@wecare.digital", mediaBucket: "media-bucket",
                                    incomingPrefix: "in/", outgoingPrefix: "whatsapp-media/whatsapp-media-outgoing/")
        let verifier = try await TokenVerifier.cognito(jwksJSON: TestKeys.jwks, region: "us-east-1", userPoolId: "us-east-1_TEST", clientId: "client-1")
        let context = ServiceContext(deps: deps, settings: RuntimeSettings(settings), verifier: verifier, sns: nil, allowDevInbound: false,
                                     media: DirectoryObjectStore(root: directory))
        return Application(router: Routes.router(context))
    }

    func token(_ group: String) async throws -> String {
        let keys = try await JWTKeyCollection().add(rsa: Insecure.RSA.PrivateKey(pem: TestKeys.privateKeyPEM), digestAlgorithm: .sha256, kid: "test-key")
        let claims = ServerTests.Claims(sub: .init(value: "user-\(group)"), iss: .init(value: ServerTests.issuer), exp: .init(value: Date().addingTimeInterval(3600)),
                                        token_use: "id", aud: .init(value: ["client-1"]), client_id: nil, groups: [group])
        return try await keys.sign(claims, kid: "test-key")
    }

    static let png = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")!

    static func body(kind: String = "image", contentType: String = "image/png", data: Data = png, caption: String? = "a receipt") -> ByteBuffer {
        var o: [String: Any] = ["contactId": "c1", "kind": kind, "contentType": contentType, "data": data.base64EncodedString()]
        if let caption { o["caption"] = caption }
        return ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: o))
    }

    func testAnImageIsStoredUnderTheOutgoingPrefixThenUploadedAndSentOnce() async throws {
        let auth: HTTPFields = [.authorization: "Bearer \(try await token("Operator"))"]
        let provider = self.provider, directory = self.directory!
        try await app().test(.router) { client in
            try await client.execute(uri: "/api/media", method: .post, headers: auth, body: Self.body()) { response in
                XCTAssertEqual(response.status, .created, String(buffer: response.body))
                let m = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as! [String: Any]
                XCTAssertEqual(m["status"] as? String, "sent")
                XCTAssertEqual(m["mediaId"] as? String, "530339869524171")
            }
        }
        XCTAssertEqual(provider.uploads.count, 1, "one PostWhatsAppMessageMedia")
        XCTAssertEqual(provider.sends.count, 1, "one SendWhatsAppMessage")
        let upload = try XCTUnwrap(provider.uploads.first)
        XCTAssertEqual(upload.phoneNumberId, "phone-number-id-aaa")
        XCTAssertEqual(upload.bucket, "media-bucket")
        XCTAssertTrue(upload.key.hasPrefix("whatsapp-media/whatsapp-media-outgoing/") && upload.key.hasSuffix(".png"), upload.key)
        let stored = try DirectoryObjectStore(root: directory).get(bucket: "media-bucket", key: upload.key)
        XCTAssertEqual(stored, Self.png, "the provider is pointed at the very bytes uploaded")
        guard case .whatsapp(_, _, let message) = try XCTUnwrap(provider.sends.first) else { return XCTFail("not a WhatsApp send") }
        XCTAssertTrue(message.contains(#""type":"image","image":{"id":"530339869524171","caption":"a receipt"}"#), message)
        let audit = try await store.audit(limit: 10, now: now)
        XCTAssertTrue(audit.contains { $0.action == Permission.sendMessages.rawValue && $0.outcome == "allowed" && ($0.details ?? "").contains("/api/media") },
                      "the upload is audited like every send")
    }

    func testWrongTypesSizesAndRolesAreRefusedWithoutAProviderCallOrAFile() async throws {
        let op: HTTPFields = [.authorization: "Bearer \(try await token("Operator"))"]
        let viewer: HTTPFields = [.authorization: "Bearer \(try await token("Viewer"))"]
        let tooBig = Data(repeating: 0xFF, count: 5 * 1_048_576 + 1)
        let stickerHeader = Data("RIFF".utf8) + Data([0, 0, 0, 0]) + Data("WEBPVP8X".utf8) + Data([10, 0, 0, 0])
        let staticSticker = stickerHeader + Data([0x00]) + Data(repeating: 0, count: 100 * 1024)
        let animatedSticker = stickerHeader + Data([0x02]) + Data(repeating: 0, count: 100 * 1024)
        let provider = self.provider
        try await app().test(.router) { client in
            let cases: [(HTTPFields, ByteBuffer, HTTPResponse.Status, String)] = [
                (viewer, Self.body(), .forbidden, "a Viewer may not send"),
                (op, Self.body(contentType: "image/gif"), .badRequest, "GIF is not a WhatsApp image"),
                (op, Self.body(data: tooBig), .badRequest, "an image over 5 MB"),
                (op, Self.body(kind: "hologram"), .badRequest, "no such kind"),
                (op, Self.body(kind: "audio", contentType: "audio/ogg", caption: "no"), .badRequest, "audio takes no caption"),
                (op, Self.body(kind: "sticker", contentType: "image/webp", data: staticSticker, caption: nil), .badRequest, "a static sticker over 100 KB"),
            ]
            for (headers, payload, status, why) in cases {
                try await client.execute(uri: "/api/media", method: .post, headers: headers, body: payload) {
                    XCTAssertEqual($0.status, status, "\(why): \(String(buffer: $0.body))")
                }
            }
            XCTAssertEqual(provider.uploads.count + provider.sends.count, 0, "a refused file reaches no provider")
            try await client.execute(uri: "/api/media", method: .post, headers: op,
                                     body: Self.body(kind: "sticker", contentType: "image/webp", data: animatedSticker, caption: nil)) {
                XCTAssertEqual($0.status, .created, "an animated sticker may have up to 500 KB: \(String(buffer: $0.body))")
            }
        }
        let files = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL }.filter { !$0.hasDirectoryPath } ?? []
        XCTAssertEqual(files.count, 1, "only the accepted sticker was stored: \(files.map(\.lastPathComponent))")
        XCTAssertEqual(provider.uploads.count, 1)
        XCTAssertEqual(provider.sends.count, 1)
    }

    func testDryRunStoresTheFileButCallsNoProvider() async throws {
        let auth: HTTPFields = [.authorization: "Bearer \(try await token("Operator"))"]
        try await app(sendMode: .dryRun).test(.router) { client in
            try await client.execute(uri: "/api/media", method: .post, headers: auth, body: Self.body()) { response in
                XCTAssertEqual(response.status, .created)
                let m = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as! [String: Any]
                XCTAssertEqual(m["status"] as? String, "dry_run")
                let body = try JSONSerialization.jsonObject(with: Data((m["wouldBeRequest"] as? String ?? "").utf8)) as? [String: Any]
                let message = Data(base64Encoded: body?["message"] as? String ?? "").map { String(decoding: $0, as: UTF8.self) } ?? ""
                XCTAssertTrue(message.contains("PostWhatsAppMessageMedia s3://media-bucket/whatsapp-media/whatsapp-media-outgoing/"), message)
            }
        }
        XCTAssertEqual(provider.uploads.count + provider.sends.count, 0)
    }

    func testTheRouteIsInTheOpenAPIDocument() throws {
        let document = try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json().utf8)) as! [String: Any]
        let paths = document["paths"] as! [String: Any]
        XCTAssertNotNil((paths["/api/media"] as? [String: Any])?["post"])
    }
}
