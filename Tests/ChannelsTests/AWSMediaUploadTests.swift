import AWSClient
import Channels
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import MessagingCore
import Stores
import TestSupport
import XCTest

/// Outbound media (Req 5.5) on the S3 API, against moto on 127.0.0.1: the object lands under the outgoing
/// prefix with its content type, and the provider (a recording one: moto has no End User Messaging Social)
/// is asked once to upload exactly that key and once to send the media id it answered.
final class AWSMediaUploadTests: XCTestCase {
    private static let server = MotoServer()

    override class func tearDown() {
        server.stop()
        super.tearDown()
    }

    final class RecordingProvider: ChannelGateway, @unchecked Sendable {
        func wireBody(_ request: OutboundRequest) -> String { OutboundWire.body(request) }
        private let lock = NSLock()
        private var calls: [String] = []
        var recorded: [String] { lock.withLock { calls } }
        func send(_ request: OutboundRequest) async throws -> String {
            guard case .whatsapp(_, _, let message) = request else { throw ProviderError(code: "Unexpected", message: "not WhatsApp") }
            lock.withLock { calls.append("SendWhatsAppMessage \(message)") }
            return "wamid.1"
        }
        func uploadWhatsAppMedia(phoneNumberId: String, bucket: String, key: String) async throws -> String {
            lock.withLock { calls.append("PostWhatsAppMessageMedia s3://\(bucket)/\(key)") }
            return "530339869524171"
        }
        func downloadWhatsAppMedia(mediaId: String, phoneNumberId: String, bucket: String, key: String) async throws -> (mimeType: String, size: Int?) {
            throw ProviderError(code: "Unexpected", message: "no download here")
        }
    }

    func testAVideoIsStoredWithItsContentTypeThenUploadedAndSentOnce() async throws {
        let aws = AWSClient(configuration: AWSClientConfiguration(region: "us-east-1", endpointOverride: try await Self.server.start(),
                                                                  credentialsProvider: AWSCredentials(accessKeyID: "testing", secretAccessKey: "testing"),
                                                                  retryPolicy: .none))
        let s3 = S3Client(client: aws)
        let bucket = "media-\(UUID().uuidString.prefix(8).lowercased())"
        try await s3.createBucket(name: bucket)
        let store = InMemoryStore()
        let now = Date()
        try await store.insertContact(Contact(id: "c1", name: nil, phone: "+919330994400", email: nil, optInWhatsApp: true,
                                              lastInboundMessageAt: now.addingTimeInterval(-60), createdAt: now, updatedAt: now))
        struct Silent: EventSink { func record(_ level: EventLevel, _ event: String, _ fields: [String: String]) {} }
        let provider = RecordingProvider()
        let deps = CoreDependencies(store: store, gateway: provider, clock: SystemClock(), ids: UUIDSource(), events: Silent())
        let settings = CoreSettings(environment: "production", sendMode: .live, allowlist: ["phone-number-id-aaa"], metaApiVersion: "v20.0",
                                    smsPoolId: "pool", emailSender: "one@wecare.digital", mediaBucket: bucket, incomingPrefix: "in/",
                                    outgoingPrefix: "whatsapp-media/whatsapp-media-outgoing/")
        let video = Data([0, 0, 0, 0x18]) + Data("ftypmp42".utf8) + Data(repeating: 7, count: 4096)
        let message = try await MediaSender(deps, settings: settings, objects: S3ObjectStore(s3: s3))
            .send(MediaUpload(contactId: "c1", kind: "video", contentType: "video/mp4", data: video, caption: "the tour"))
        XCTAssertEqual(message.status, .sent)
        XCTAssertEqual(message.mediaId, "530339869524171")

        let calls = provider.recorded
        XCTAssertEqual(calls.count, 2, "\(calls)")
        let upload = try XCTUnwrap(calls.first)
        let key = String(try XCTUnwrap(upload.split(separator: " ").last).dropFirst("s3://\(bucket)/".count))
        XCTAssertTrue(key.hasPrefix("whatsapp-media/whatsapp-media-outgoing/") && key.hasSuffix(".mp4"), key)
        XCTAssertTrue(calls.last?.contains(#""type":"video","video":{"id":"530339869524171","caption":"the tour"}"#) == true, "\(calls)")

        let (data, response) = try await URLSession.shared.data(from: try await s3.presignedGetObjectURL(bucket: bucket, key: key))
        let http = try XCTUnwrap(response as? HTTPURLResponse)
        XCTAssertEqual(http.statusCode, 200)
        XCTAssertEqual(http.value(forHTTPHeaderField: "Content-Type"), "video/mp4", "stored with the content type WhatsApp reads")
        XCTAssertEqual(data, video)
    }
}
