import AWSClient
import Channels
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MessagingCore
import XCTest

/// The live channels against a local HTTP endpoint (127.0.0.1) that checks what AWS would check of
/// each request: method, path, target header, SigV4 headers and the body's shape.
final class AWSChannelGatewayTests: XCTestCase {
    actor Seen {
        var raw: [(method: String, path: String, headers: [String: String], body: Data)] = []
        func add(_ r: (String, String, [String: String], Data)) { raw.append(r) }
    }

    func endpoint(_ seen: Seen) -> Application<RouterResponder<BasicRequestContext>> {
        let router = Router()
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { req, _ in
            var req = req
            let data = Data(buffer: try await req.collectBody(upTo: 1 << 20))
            var headers: [String: String] = [:]
            for field in req.headers { headers[field.name.canonicalName] = field.value }
            await seen.add((req.method.rawValue, req.uri.path, headers, data))
            let answer: String
            switch req.uri.path {
            case "/v1/whatsapp/send": answer = #"{"messageId":"aws-msg-1"}"#
            case "/v1/whatsapp/media": answer = #"{"mediaId":"530339869524171"}"#
            case "/v2/email/outbound-emails": answer = #"{"MessageId":"ses-1"}"#
            default: answer = #"{"MessageId":"sms-1"}"#
            }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: answer)))
        }
        router.post("/", use: handler)
        router.post("/**", use: handler)
        return Application(router: router)
    }

    func testRequestShapes() async throws {
        let seen = Seen()
        try await endpoint(seen).test(.live) { client in
            let aws = AWSClient(configuration: AWSClientConfiguration(
                region: "us-east-1", endpointOverride: URL(string: "http://127.0.0.1:\(client.port!)")!,
                credentialsProvider: AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret"), retryPolicy: .none))
            let gateway = AWSChannelGateway(client: aws)
            let whatsapp = #"{"messaging_product":"whatsapp","to":"919330994400","type":"text","text":{"body":"hi"}}"#
            let id = try await gateway.send(.whatsapp(originationPhoneNumberId: "phone-number-id-baa217c3f11b4ffd956f6f3afb44ce54", metaApiVersion: "v20.0", message: whatsapp))
            XCTAssertEqual(id, "aws-msg-1")
            let media = try await gateway.uploadWhatsAppMedia(phoneNumberId: "phone-number-id-baa217c3f11b4ffd956f6f3afb44ce54",
                                                              bucket: "stream.wecare.digital", key: "whatsapp-media/whatsapp-media-outgoing/x.jpg")
            XCTAssertEqual(media, "530339869524171")
            _ = try await gateway.send(.sms(destination: "+919330994400", originationIdentity: "pool-6fbf5a5f390d4eeeaa7dbae39d78933e", body: "code 1234"))
            _ = try await gateway.send(.email(from: "one@wecare.digital", to: "a@example.com", subject: "Hello", text: "t", html: "<p>h</p>"))
        }
        let requests = await seen.raw.map { r in
            (method: r.method, path: r.path, headers: r.headers, body: (try? JSONSerialization.jsonObject(with: r.body)) as? [String: Any] ?? [:])
        }
        XCTAssertEqual(requests.map { "\($0.method) \($0.path)" }, ["POST /v1/whatsapp/send", "POST /v1/whatsapp/media", "POST /", "POST /v2/email/outbound-emails"])
        for r in requests {
            let auth = r.headers["authorization"] ?? ""
            XCTAssertTrue(auth.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"), auth)
            XCTAssertTrue(auth.contains("SignedHeaders=") && auth.contains("Signature="), auth)
            XCTAssertNotNil(r.headers["x-amz-date"])
        }
        XCTAssertTrue(requests[0].headers["authorization"]!.contains("/us-east-1/social-messaging/aws4_request"))
        XCTAssertEqual(requests[0].body["metaApiVersion"] as? String, "v20.0")
        XCTAssertEqual(requests[0].body["originationPhoneNumberId"] as? String, "phone-number-id-baa217c3f11b4ffd956f6f3afb44ce54")
        let decoded = Data(base64Encoded: requests[0].body["message"] as? String ?? "").map { String(decoding: $0, as: UTF8.self) }
        XCTAssertEqual(decoded, #"{"messaging_product":"whatsapp","to":"919330994400","type":"text","text":{"body":"hi"}}"#, "the message is base64 in the body")
        XCTAssertEqual((requests[1].body["sourceS3File"] as? [String: String])?["bucketName"], "stream.wecare.digital")
        XCTAssertEqual(requests[2].headers["x-amz-target"], "PinpointSMSVoiceV2.SendTextMessage")
        XCTAssertTrue(requests[2].headers["authorization"]!.contains("/sms-voice/aws4_request"))
        XCTAssertEqual(requests[2].body["OriginationIdentity"] as? String, "pool-6fbf5a5f390d4eeeaa7dbae39d78933e")
        XCTAssertEqual(requests[2].body["DestinationPhoneNumber"] as? String, "+919330994400")
        XCTAssertTrue(requests[3].headers["authorization"]!.contains("/ses/aws4_request"))
        XCTAssertEqual(requests[3].body["FromEmailAddress"] as? String, "one@wecare.digital")
    }

    /// What a DRY_RUN message records (`wireBody`, from the local gateway as from the live one) is the body
    /// the live gateway sends, byte for byte, for every kind of request.
    func testTheDryRunRecordIsTheBodyLiveSends() async throws {
        let requests: [OutboundRequest] = [
            .whatsapp(originationPhoneNumberId: "phone-number-id-aaa", metaApiVersion: "v20.0",
                      message: #"{"messaging_product":"whatsapp","to":"919330994400","type":"text","text":{"body":"hi / ✓ \"quoted\""}}"#),
            .sms(destination: "+919330994400", originationIdentity: "pool-1", body: "code 1234 / ✓"),
            .email(from: "one@wecare.digital", to: "a@example.com", subject: "Hello", text: "t", html: "<p>h</p>"),
            .email(from: "one@wecare.digital", to: "a@example.com", subject: "Text only", text: "t", html: nil),
        ]
        let seen = Seen()
        try await endpoint(seen).test(.live) { client in
            let aws = AWSClient(configuration: AWSClientConfiguration(
                region: "us-east-1", endpointOverride: URL(string: "http://127.0.0.1:\(client.port!)")!,
                credentialsProvider: AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret"), retryPolicy: .none))
            for request in requests { _ = try await AWSChannelGateway(client: aws).send(request) }
        }
        let sent = await seen.raw.map { String(decoding: $0.body, as: UTF8.self) }
        XCTAssertEqual(sent.count, requests.count)
        let live = AWSChannelGateway(client: AWSClient(configuration: AWSClientConfiguration(
            region: "us-east-1", credentialsProvider: AWSCredentials(accessKeyID: "a", secretAccessKey: "b"))))
        for (request, body) in zip(requests, sent) {
            XCTAssertEqual(LocalChannelGateway().wireBody(request), body)
            XCTAssertEqual(live.wireBody(request), body)
        }
    }

    func testProviderErrorsBecomeProviderError() async throws {
        let router = Router()
        router.post("/**") { _, _ -> Response in
            Response(status: .badRequest, headers: [HTTPField.Name("x-amzn-ErrorType")!: "ValidationException", .contentType: "application/json"],
                     body: .init(byteBuffer: ByteBuffer(string: #"{"message":"bad number"}"#)))
        }
        try await Application(router: router).test(.live) { client in
            let aws = AWSClient(configuration: AWSClientConfiguration(
                region: "us-east-1", endpointOverride: URL(string: "http://127.0.0.1:\(client.port!)")!,
                credentialsProvider: AWSCredentials(accessKeyID: "a", secretAccessKey: "b"), retryPolicy: .none))
            do {
                _ = try await AWSChannelGateway(client: aws).send(.whatsapp(originationPhoneNumberId: "p", metaApiVersion: "v20.0", message: "{}"))
                XCTFail("no error")
            } catch let e as ProviderError {
                XCTAssertEqual(e.code, "ValidationException")
                XCTAssertEqual(e.message, "bad number")
            }
        }
    }
}
