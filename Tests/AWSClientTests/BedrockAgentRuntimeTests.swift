import AWSClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import XCTest

/// Bedrock Agent Runtime against an endpoint on 127.0.0.1 that checks each request's shape (path, method,
/// SigV4 scope for `bedrock`, JSON body) and answers InvokeAgent with event stream frames built from AWS's
/// documented format, whole, with a corrupted CRC, or with an exception event.
final class BedrockAgentRuntimeTests: XCTestCase {
    /// What the endpoint saw and answers; `answer` is the InvokeAgent body.
    final class Endpoint: @unchecked Sendable {
        let lock = NSLock()
        var seen: [(path: String, authorization: String, body: Data)] = []
        var answer = Data()
        func record(_ path: String, _ authorization: String, _ body: Data) { lock.withLock { seen.append((path, authorization, body)) } }
    }

    static func frame(_ event: String, _ payload: String, type: String = "event") -> Data {
        let kind = type == "exception" ? ":exception-type" : ":event-type"
        return EventStream.encode(headers: [(":message-type", type), (kind, event), (":content-type", "application/json")], payload: Data(payload.utf8))
    }

    static func chunk(_ text: String) -> Data { frame("chunk", "{\"bytes\":\"\(Data(text.utf8).base64EncodedString())\"}") }

    private func withEndpoint(_ endpoint: Endpoint, _ body: @Sendable (AWSClient) async throws -> Void) async throws {
        let router = Router()
        router.post("/knowledgebases/:kb/retrieve") { req, ctx -> Response in
            var req = req
            let received = Data(buffer: try await req.collectBody(upTo: 1 << 20))
            endpoint.record(req.uri.path, req.headers[.authorization] ?? "", received)
            let answer = #"{"retrievalResults":[{"content":{"text":"Opt-in is required on every channel."},"location":{"type":"S3","s3Location":{"uri":"s3://kb/consent.md"}},"score":0.81},{"content":{"text":"Web page."},"location":{"type":"WEB","webLocation":{"url":"https://wecare.digital/faq"}},"score":0.5}]}"#
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: answer)))
        }
        router.post("/agents/:agent/agentAliases/:alias/sessions/:session/text") { req, ctx -> Response in
            var req = req
            let received = Data(buffer: try await req.collectBody(upTo: 1 << 20))
            endpoint.record(req.uri.path, req.headers[.authorization] ?? "", received)
            return Response(status: .ok, headers: [.contentType: "application/vnd.amazon.eventstream",
                                                   HTTPField.Name("x-amz-bedrock-agent-session-id")!: ctx.parameters.get("session") ?? ""],
                            body: .init(byteBuffer: ByteBuffer(data: endpoint.answer)))
        }
        try await Application(router: router).test(.live) { client in
            let aws = AWSClient(configuration: AWSClientConfiguration(
                region: "us-east-1", endpointOverride: URL(string: "http://127.0.0.1:\(client.port!)")!, credentialsProvider: TestClients.credentials,
                retryPolicy: .none, now: { TestClients.sampleDate }))
            try await body(aws)
        }
    }

    func testRetrieveSendsTheQueryAndReadsPassagesWithTheirLocations() async throws {
        let endpoint = Endpoint()
        try await withEndpoint(endpoint) { aws in
            let results = try await BedrockAgentRuntimeClient(client: aws).retrieve(knowledgeBaseID: "FZBPKGTOYE", text: "how do I opt in?", numberOfResults: 3)
            XCTAssertEqual(results.map(\.text), ["Opt-in is required on every channel.", "Web page."])
            XCTAssertEqual(results.map(\.location), ["s3://kb/consent.md", "https://wecare.digital/faq"])
            XCTAssertEqual(results.first?.score, 0.81)
        }
        let seen = try XCTUnwrap(endpoint.seen.first)
        XCTAssertEqual(seen.path, "/knowledgebases/FZBPKGTOYE/retrieve")
        XCTAssertTrue(seen.authorization.contains("/us-east-1/bedrock/aws4_request"), "signed for bedrock, not the endpoint prefix: \(seen.authorization)")
        let body = try XCTUnwrap(JSONSerialization.jsonObject(with: seen.body) as? [String: Any])
        XCTAssertEqual((body["retrievalQuery"] as? [String: Any])?["text"] as? String, "how do I opt in?")
        XCTAssertEqual(((body["retrievalConfiguration"] as? [String: Any])?["vectorSearchConfiguration"] as? [String: Any])?["numberOfResults"] as? Int, 3)
    }

    func testInvokeAgentJoinsTheChunksAndCountsTraces() async throws {
        let endpoint = Endpoint()
        endpoint.answer = Self.chunk("You can write to us ") + Self.frame("trace", #"{"trace":{}}"#) + Self.chunk("on WhatsApp.")
        try await withEndpoint(endpoint) { aws in
            let answer = try await BedrockAgentRuntimeClient(client: aws).invokeAgent(agentID: "HQNT0JXN8G", agentAliasID: "TSTALIASID",
                                                                                      sessionID: "session-1", inputText: "Where can I write?")
            XCTAssertEqual(answer.text, "You can write to us on WhatsApp.")
            XCTAssertEqual(answer.traces, 1)
            XCTAssertEqual(answer.sessionID, "session-1")
        }
        let seen = try XCTUnwrap(endpoint.seen.first)
        XCTAssertEqual(seen.path, "/agents/HQNT0JXN8G/agentAliases/TSTALIASID/sessions/session-1/text")
        XCTAssertTrue(seen.authorization.contains("/bedrock/aws4_request"))
        let body = try XCTUnwrap(JSONSerialization.jsonObject(with: seen.body) as? [String: Any])
        XCTAssertEqual(body["inputText"] as? String, "Where can I write?")
        XCTAssertEqual(body["enableTrace"] as? Bool, false)
    }

    func testACorruptedMessageCRCFailsTheCall() async throws {
        let endpoint = Endpoint()
        var broken = Self.chunk("tampered")
        broken[broken.count - 1] ^= 0xFF
        endpoint.answer = Self.chunk("fine ") + broken
        try await withEndpoint(endpoint) { aws in
            do {
                _ = try await BedrockAgentRuntimeClient(client: aws).invokeAgent(agentID: "A", agentAliasID: "B", sessionID: "s1", inputText: "q")
                XCTFail("a message whose CRC does not match must fail the call")
            } catch let AWSClientError.invalidResponse(_, operation, reason) {
                XCTAssertEqual(operation, "InvokeAgent")
                XCTAssertTrue(reason.contains("message CRC mismatch"), reason)
            }
        }
    }

    func testAnExceptionEventFailsTheCallWithItsType() async throws {
        let endpoint = Endpoint()
        endpoint.answer = Self.chunk("partial ") + Self.frame("throttlingException", #"{"message":"Rate exceeded"}"#, type: "exception")
        try await withEndpoint(endpoint) { aws in
            do {
                _ = try await BedrockAgentRuntimeClient(client: aws).invokeAgent(agentID: "A", agentAliasID: "B", sessionID: "s1", inputText: "q")
                XCTFail("an exception event must fail the call")
            } catch let error as AWSError {
                XCTAssertEqual(error.code, "throttlingException")
                XCTAssertEqual(error.message, "Rate exceeded")
            }
        }
    }
}

/// The framing itself, byte by byte.
final class EventStreamTests: XCTestCase {
    func testCRC32OfTheCheckString() {
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)
    }

    /// A message from AWS's documentation of the format: `{'foo':'bar'}` with one string header, as the
    /// SDKs' test vectors give it (total 0x3d, headers 0x20).
    func testADocumentedFrameDecodes() throws {
        let frame = EventStream.encode(headers: [("content-type", "application/json")], payload: Data("{'foo':'bar'}".utf8))
        XCTAssertEqual(Array(frame.prefix(8)), [0x00, 0x00, 0x00, 0x3D, 0x00, 0x00, 0x00, 0x20])
        XCTAssertEqual(Array(frame.dropFirst(8).prefix(4)), [0x07, 0xFD, 0x83, 0x96], "the prelude CRC of the AWS SDKs' test vector")
        XCTAssertEqual(Array(frame.suffix(4)), [0x8D, 0x9C, 0x08, 0xB1], "the message CRC of the AWS SDKs' test vector")
        XCTAssertEqual(frame, Data(base64Encoded: "AAAAPQAAACAH/YOWDGNvbnRlbnQtdHlwZQcAEGFwcGxpY2F0aW9uL2pzb257J2Zvbyc6J2Jhcid9jZwIsQ==")!,
                       "the AWS SDKs' event stream test vector, byte for byte")
        let messages = try EventStream.decode(frame)
        XCTAssertEqual(messages.count, 1)
        XCTAssertEqual(messages[0][header: "content-type"], .string("application/json"))
        XCTAssertEqual(String(decoding: messages[0].payload, as: UTF8.self), "{'foo':'bar'}")
    }

    func testAPreludeCRCMismatchIsRefused() {
        var frame = BedrockAgentRuntimeTests.chunk("x")
        frame[9] ^= 0x01
        XCTAssertThrowsError(try EventStream.decode(frame)) { error in
            guard case .preludeChecksum(offset: 0, _, _)? = error as? EventStream.DecodingError else { return XCTFail("\(error)") }
        }
    }

    func testATruncatedStreamIsRefused() {
        let frame = BedrockAgentRuntimeTests.chunk("hello")
        XCTAssertThrowsError(try EventStream.decode(frame + frame.prefix(10))) { error in
            XCTAssertEqual(error as? EventStream.DecodingError, .truncated(offset: frame.count))
        }
    }

    func testEveryHeaderTypeDecodes() throws {
        // bool true, bool false, byte, int16, int32, int64, bytes, string, timestamp, uuid
        var h: [UInt8] = []
        func name(_ s: String) { h.append(UInt8(s.count)); h += Array(s.utf8) }
        name("t"); h.append(0)
        name("f"); h.append(1)
        name("b"); h += [2, 0xFF]
        name("s"); h += [3, 0x01, 0x02]
        name("i"); h += [4, 0, 0, 1, 0]
        name("l"); h += [5, 0, 0, 0, 0, 0, 0, 0, 9]
        name("y"); h += [6, 0, 2, 0xAB, 0xCD]
        name("x"); h += [7, 0, 2] + Array("ok".utf8)
        name("d"); h += [8, 0, 0, 0, 0, 0, 0, 0x03, 0xE8]
        name("u"); h += [9] + Array(repeating: 0x11, count: 16)
        let total = 12 + h.count + 4
        func be(_ n: Int) -> [UInt8] { [UInt8(n >> 24 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] }
        var bytes = be(total) + be(h.count)
        bytes += be(Int(CRC32.checksum(bytes))) + h
        bytes += be(Int(CRC32.checksum(bytes)))
        let m = try XCTUnwrap(EventStream.decode(Data(bytes)).first)
        XCTAssertEqual(m.headers.map(\.value), [.bool(true), .bool(false), .byte(-1), .int16(258), .int32(256), .int64(9), .bytes(Data([0xAB, 0xCD])),
                                                .string("ok"), .timestamp(1000), .uuid(Data(repeating: 0x11, count: 16))])
        XCTAssertTrue(m.payload.isEmpty)
    }
}
