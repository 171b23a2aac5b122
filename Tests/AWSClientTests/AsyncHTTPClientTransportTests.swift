import AWSClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import XCTest

/// The live transport against a small server on 127.0.0.1: what goes on the wire, what comes back,
/// redirects left alone and oversized bodies refused.
final class AsyncHTTPClientTransportTests: XCTestCase {
    private func withServer(_ body: @Sendable (URL) async throws -> Void) async throws {
        let router = Router()
        router.post("/echo") { req, _ -> Response in
            var req = req
            let received = try await req.collectBody(upTo: 1 << 20)
            return Response(
                status: .created,
                headers: [
                    HTTPField.Name("X-Seen-Method")!: req.method.rawValue,
                    HTTPField.Name("X-Seen-Token")!: req.headers[HTTPField.Name("X-Token")!] ?? "",
                    HTTPField.Name("X-Seen-Host")!: req.head.authority ?? "",
                ],
                body: .init(byteBuffer: received))
        }
        router.get("/moved") { _, _ -> Response in
            Response(status: .movedPermanently, headers: [.location: "https://attacker.example/"])
        }
        router.get("/large") { _, _ -> Response in
            Response(status: .ok, body: .init(byteBuffer: ByteBuffer(repeating: UInt8(ascii: "x"), count: 100_000)))
        }
        try await Application(router: router).test(.live) { client in
            try await body(URL(string: "http://127.0.0.1:\(client.port!)")!)
        }
    }

    func testASignedRequestGoesOutAsBuiltAndTheResponseComesBackWhole() async throws {
        try await withServer { base in
            let request = AWSHTTPRequest(
                method: "POST", scheme: "http", host: "127.0.0.1", port: base.port, path: "/echo",
                headers: ["Host": "ignored.example", "X-Token": "t-1", "Content-Length": "999"], body: Data("payload".utf8))
            let response = try await AsyncHTTPClientTransport().send(request)
            XCTAssertEqual(response.statusCode, 201)
            XCTAssertEqual(response.headers["x-seen-method"], "POST")
            XCTAssertEqual(response.headers["X-Seen-Token"], "t-1")
            XCTAssertEqual(response.headers["X-Seen-Host"], "127.0.0.1:\(base.port!)", "Host is the URL's authority, as signed")
            XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "payload")
        }
    }

    func testRedirectsAreNotFollowed() async throws {
        try await withServer { base in
            let response = try await AsyncHTTPClientTransport().get(base.appendingPathComponent("moved"))
            XCTAssertEqual(response.statusCode, 301)
            XCTAssertEqual(response.headers["Location"], "https://attacker.example/")
        }
    }

    func testOversizedBodiesAreRefused() async throws {
        try await withServer { base in
            let url = base.appendingPathComponent("large")
            do {
                _ = try await AsyncHTTPClientTransport(maximumResponseSize: 1024).get(url)
                XCTFail("expected responseTooLarge")
            } catch let error as AsyncHTTPClientTransport.TransportError {
                XCTAssertEqual(error, .responseTooLarge(url: url.absoluteString, limit: 1024))
            }
            let whole = try await AsyncHTTPClientTransport().get(url)
            XCTAssertEqual(whole.body.count, 100_000)
        }
    }

    func testOnlyHTTPURLsAreSent() async throws {
        do {
            _ = try await AsyncHTTPClientTransport().get(URL(string: "file:///etc/passwd")!)
            XCTFail("expected invalidURL")
        } catch let error as AsyncHTTPClientTransport.TransportError {
            XCTAssertEqual(error, .invalidURL("file:///etc/passwd"))
        }
    }
}
