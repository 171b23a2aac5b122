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
                              configuration: .init(address: .hostname("127.0.0.1", port: 0)))
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
