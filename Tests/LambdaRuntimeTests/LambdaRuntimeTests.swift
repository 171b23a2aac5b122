import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LambdaRuntime
import XCTest

/// The bootstrap loop against a small Runtime API endpoint served on 127.0.0.1, and the event decoders.
final class LambdaRuntimeTests: XCTestCase {
    actor FakeRuntimeAPI {
        var pending: [(String, String)]
        var responses: [String: String] = [:]
        var errors: [String: String] = [:]
        init(_ events: [(String, String)]) { pending = events }
        func next() -> (String, String)? { pending.isEmpty ? nil : pending.removeFirst() }
        func respond(_ id: String, _ body: String) { responses[id] = body }
        func fail(_ id: String, _ body: String) { errors[id] = body }
    }

    func testTheLoopAnswersEveryInvocationAndReportsErrors() async throws {
        let api = FakeRuntimeAPI([("req-1", #"{"n": 1}"#), ("req-2", #"{"fail": true}"#)])
        let router = Router()
        router.get("/2018-06-01/runtime/invocation/next") { _, _ -> Response in
            guard let (id, body) = await api.next() else { return Response(status: .noContent) }
            return Response(status: .ok, headers: [HTTPTypes.HTTPField.Name("Lambda-Runtime-Aws-Request-Id")!: id, HTTPTypes.HTTPField.Name("Lambda-Runtime-Deadline-Ms")!: "1795000000000"],
                            body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        router.post("/2018-06-01/runtime/invocation/:id/response") { req, ctx -> HTTPResponse.Status in
            var req = req
            await api.respond(try ctx.parameters.require("id"), String(buffer: try await req.collectBody(upTo: 1 << 20)))
            return .accepted
        }
        router.post("/2018-06-01/runtime/invocation/:id/error") { req, ctx -> HTTPResponse.Status in
            var req = req
            await api.fail(try ctx.parameters.require("id"), String(buffer: try await req.collectBody(upTo: 1 << 20)))
            return .accepted
        }
        try await Application(router: router).test(.live) { client in
            let runtime = RuntimeAPIClient(endpoint: "127.0.0.1:\(client.port!)")
            struct Boom: Error {}
            try await LambdaLoop.run(client: runtime, limit: 2) { invocation in
                if String(decoding: invocation.event, as: UTF8.self).contains("fail") { throw Boom() }
                XCTAssertEqual(invocation.deadline, Date(timeIntervalSince1970: 1_795_000_000))
                return Data(#"{"ok":true}"#.utf8)
            }
        }
        let responses = await api.responses
        let errors = await api.errors
        XCTAssertEqual(responses, ["req-1": #"{"ok":true}"#])
        XCTAssertEqual(errors.keys.sorted(), ["req-2"])
        XCTAssertTrue(errors["req-2"]!.contains(#""errorType":"Boom""#), errors["req-2"]!)
    }

    func testEventDecoding() throws {
        let sns = #"{"Records":[{"EventSource":"aws:sns","Sns":{"MessageId":"m1","TopicArn":"arn:aws:sns:us-east-1:1:t","Message":"{\"x\":1}"}}]}"#
        guard case .sns(let records) = LambdaEvent.decode(Data(sns.utf8)) else { return XCTFail("not SNS") }
        XCTAssertEqual(records, [.init(messageId: "m1", topicArn: "arn:aws:sns:us-east-1:1:t", message: #"{"x":1}"#)])

        let sqs = #"{"Records":[{"eventSource":"aws:sqs","messageId":"q1","body":"chunk","attributes":{"ApproximateReceiveCount":"2"}}]}"#
        guard case .sqs(let batch) = LambdaEvent.decode(Data(sqs.utf8)) else { return XCTFail("not SQS") }
        XCTAssertEqual(batch, [.init(messageId: "q1", body: "chunk", receiveCount: 2)])
        XCTAssertEqual(String(decoding: LambdaEvent.batchResponse(failed: ["q1"]), as: UTF8.self), #"{"batchItemFailures":[{"itemIdentifier":"q1"}]}"#)

        let http = #"{"version":"2.0","routeKey":"GET /api/messages","rawPath":"/api/messages","rawQueryString":"contactId=c1","headers":{"authorization":"Bearer t"},"requestContext":{"http":{"method":"GET","path":"/api/messages"}},"isBase64Encoded":true,"body":"eyJhIjoxfQ=="}"#
        guard case .http(let request) = LambdaEvent.decode(Data(http.utf8)) else { return XCTFail("not HTTP") }
        XCTAssertEqual(request.method, "GET")
        XCTAssertEqual(request.rawQuery, "contactId=c1")
        XCTAssertEqual(String(decoding: request.body, as: UTF8.self), #"{"a":1}"#)
        let response = String(decoding: LambdaEvent.httpResponse(status: 201, headers: ["content-type": "application/json"], body: Data("{}".utf8)), as: UTF8.self)
        XCTAssertEqual(response, #"{"body":"{}","headers":{"content-type":"application\/json"},"isBase64Encoded":false,"statusCode":201}"#)

        guard case .direct = LambdaEvent.decode(Data(#"{"channel":"sms"}"#.utf8)) else { return XCTFail("not direct") }
        let scheduled = #"{"version":"0","id":"e1","detail-type":"Scheduled Event","source":"aws.events","account":"123456789012","time":"2026-12-02T08:00:00Z","region":"ap-south-1","resources":["arn:aws:events:ap-south-1:123456789012:rule/r"],"detail":{}}"#
        guard case .scheduled(let time) = LambdaEvent.decode(Data(scheduled.utf8)) else { return XCTFail("not a scheduled event") }
        XCTAssertEqual(time, "2026-12-02T08:00:00Z")
    }
}
