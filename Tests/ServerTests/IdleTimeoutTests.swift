#if canImport(Glibc)
import Foundation
import Glibc
import Hummingbird
import HummingbirdTesting
@testable import Server
import XCTest

/// A client that starts a request and stops sending loses its connection (issue 15, "no read timeout").
final class IdleTimeoutTests: XCTestCase {
    func testAHalfSentRequestIsCutOffAndAnIdleConnectionToo() async throws {
        let harness = ServerHarness()
        let app = Application(router: try await harness.router(), server: HTTPServerSettings.http1(idleTimeout: .milliseconds(500)),
                              configuration: .init(address: .hostname("127.0.0.1", port: 0)), eventLoopGroupProvider: HTTPServerSettings.eventLoops)
        try await app.test(.live) { client in
            let port = try XCTUnwrap(client.port)
            for partial in ["GET /healthz HTTP/1.1\r\nHost: x\r\n", ""] {
                let fd = try Self.connect(port)
                defer { close(fd) }
                _ = partial.withCString { send(fd, $0, strlen($0), 0) }
                let start = Date()
                var byte: UInt8 = 0
                var timeout = timeval(tv_sec: 5, tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                let got = recv(fd, &byte, 1, 0)
                let elapsed = Date().timeIntervalSince(start)
                XCTAssertLessThan(elapsed, 4, "closed by the server, not by the test's own 5 s receive timeout: \(partial.debugDescription)")
                XCTAssertGreaterThanOrEqual(elapsed, 0.3, "not before the idle timeout")
                XCTAssertLessThanOrEqual(got, 0, "no answer to a request that never ended")
            }
        }
    }

    /// A body trickled a byte at a time never trips the idle timeout; the body deadline answers 408.
    func testABodyTrickledSlowerThanTheDeadlineGets408() async throws {
        var harness = ServerHarness()
        harness.bodyDeadline = .seconds(1)
        let op = try await harness.token(["Operator"])
        let app = Application(router: try await harness.router(), server: HTTPServerSettings.http1(idleTimeout: .seconds(5)),
                              configuration: .init(address: .hostname("127.0.0.1", port: 0)), eventLoopGroupProvider: HTTPServerSettings.eventLoops)
        try await app.test(.live) { client in
            let port = try XCTUnwrap(client.port)
            let fd = try Self.connect(port)
            defer { close(fd) }
            let head = "POST /api/contacts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(op)\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
            _ = head.withCString { send(fd, $0, strlen($0), 0) }
            let start = Date()
            var timeout = timeval(tv_sec: 0, tv_usec: 300_000)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var answer = [UInt8](repeating: 0, count: 4096)
            var got = -1
            // One byte every 0.3 s: always under the idle timeout, never the whole body.
            while got <= 0, Date().timeIntervalSince(start) < 6 {
                _ = " ".withCString { send(fd, $0, 1, Int32(MSG_NOSIGNAL)) }
                got = recv(fd, &answer, answer.count, 0)
            }
            let elapsed = Date().timeIntervalSince(start)
            let text = String(decoding: answer.prefix(max(got, 0)), as: UTF8.self)
            XCTAssertTrue(text.hasPrefix("HTTP/1.1 408"), text)
            XCTAssertTrue(text.contains("REQUEST_TIMEOUT"), text)
            XCTAssertGreaterThanOrEqual(elapsed, 0.9, "not before the deadline")
            XCTAssertLessThan(elapsed, 4, "at the deadline, not at the idle timeout")
            // Then the connection closes: the rest of the cut-off body could not be told from a next request.
            var rest = [UInt8](repeating: 0, count: 4096)
            var closed = false
            let waitStart = Date()
            while !closed, Date().timeIntervalSince(waitStart) < 3 {
                let n = recv(fd, &rest, rest.count, 0)
                if n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) { closed = true }
            }
            XCTAssertTrue(closed, "the server closed the connection after its 408")
        }
        let created = await harness.store.searchContacts("", limit: 10)
        XCTAssertEqual(created.count, 0)
    }

    static func connect(_ port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw POSIXError(.ECONNREFUSED) }
        return fd
    }
}
#endif
