import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP/1.1 load generator for loopback benchmarks: blocking sockets, one keep-alive connection
/// per thread, one request in flight per connection, request bytes built before the clock starts, so
/// the client costs little of the machine it shares with the service.
struct HTTPLoad {
    let port: UInt16
    let path: String

    struct Result {
        var requests: Int
        var seconds: Double
        var latencies: [Double]
        var failures: Int
    }

    /// Sends `bodies` with `connections` connections; when `rate` is set, request i goes at start + i / rate.
    func run(_ bodies: [[UInt8]], connections: Int, rate: Double? = nil) throws -> Result {
        let requests = bodies.map { body -> [UInt8] in
            Array("POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
        }
        /// What the threads share, under one lock.
        final class Tally: @unchecked Sendable {
            let lock = NSLock()
            var next = 0, latencies: [Double] = [], failures = 0
        }
        let tally = Tally()
        tally.latencies.reserveCapacity(bodies.count)
        let start = DispatchTime.now().uptimeNanoseconds
        let group = DispatchGroup()
        for _ in 0..<connections {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                guard let socket = try? Self.connect(port: port) else {
                    tally.lock.withLock { tally.failures += 1 }
                    return
                }
                defer { close(socket) }
                var buffer = [UInt8](repeating: 0, count: 65_536)
                while true {
                    let i: Int = tally.lock.withLock { defer { tally.next += 1 }; return tally.next }
                    guard i < requests.count else { return }
                    if let rate {
                        let due = start + UInt64(Double(i) / rate * 1e9)
                        let now = DispatchTime.now().uptimeNanoseconds
                        if due > now { usleep(UInt32((due - now) / 1000)) }
                    }
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    let ok = Self.exchange(socket, requests[i], &buffer)
                    let t1 = DispatchTime.now().uptimeNanoseconds
                    tally.lock.withLock {
                        if ok { tally.latencies.append(Double(t1 - t0) / 1e9) } else { tally.failures += 1 }
                    }
                    if !ok { return }
                }
            }
        }
        group.wait()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return tally.lock.withLock { Result(requests: tally.latencies.count, seconds: seconds, latencies: tally.latencies.sorted(), failures: tally.failures) }
    }

    static func connect(port: UInt16) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw POSIXError(.ECONNREFUSED)
        }
        return fd
    }

    /// Writes one request and reads its whole response; true for a 2xx.
    static func exchange(_ fd: Int32, _ request: [UInt8], _ buffer: inout [UInt8]) -> Bool {
        var sent = 0
        while sent < request.count {
            let n = request.withUnsafeBytes { send(fd, $0.baseAddress! + sent, request.count - sent, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return false }
            sent += n
        }
        var received = 0, headerEnd = -1, contentLength = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + received, $0.count - received, 0) }
            guard n > 0 else { return false }
            received += n
            if headerEnd < 0, let end = find(buffer, received) {
                headerEnd = end
                let head = String(decoding: buffer[0..<end], as: UTF8.self).lowercased()
                if let range = head.range(of: "content-length:") {
                    contentLength = Int(head[range.upperBound...].prefix { $0 != "\r" }.trimmingCharacters(in: .whitespaces)) ?? 0
                }
            }
            if headerEnd >= 0, received >= headerEnd + 4 + contentLength {
                return buffer[9] == UInt8(ascii: "2")
            }
            guard received < buffer.count else { return false }
        }
    }

    static func find(_ b: [UInt8], _ count: Int) -> Int? {
        guard count >= 4 else { return nil }
        for i in 0...(count - 4) where b[i] == 13 && b[i + 1] == 10 && b[i + 2] == 13 && b[i + 3] == 10 { return i }
        return nil
    }
}
