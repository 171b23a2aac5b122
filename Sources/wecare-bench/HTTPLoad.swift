import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP/1.1 load generator for loopback benchmarks: keep-alive connections with one request in
/// flight each, all driven by one thread waiting in poll(2), request bytes built before the clock starts,
/// so the client costs little of the machine it shares with the service. (A thread per connection,
/// blocking on its socket, cost a thread switch per request on top.)
struct HTTPLoad {
    let port: UInt16
    let path: String

    struct Result {
        var requests: Int
        var seconds: Double
        var latencies: [Double]
        var failures: Int
        /// CPU time (user and system) of this whole process over the run.
        var processCPU: Double
        /// CPU time of the load generator's own thread over the run (part of `processCPU`).
        var generatorCPU: Double
    }

    /// CPU time (user and system) of this process so far, in seconds.
    static func processCPU() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let seconds = { (t: timeval) in Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// CPU time (user and system) of the calling thread so far, in seconds.
    static func threadCPU() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// One connection: when its request went, and the response so far.
    private struct Connection {
        var fd: Int32
        var sentAt: UInt64 = 0
        var received = 0
        var buffer = [UInt8](repeating: 0, count: 65_536)
    }

    /// `run` on a thread of its own, for a caller in the service's process: called from a task, the load
    /// would hold one of the concurrency pool's threads (two on a 2-core machine) for the whole run and
    /// leave the service one.
    func runOnItsOwnThread(_ bodies: [[UInt8]], connections: Int, rate: Double? = nil) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Swift.Result { try run(bodies, connections: connections, rate: rate) }) }.start()
        }
    }

    /// Sends `bodies` with `connections` connections; when `rate` is set, request i goes at start + i / rate.
    func run(_ bodies: [[UInt8]], connections: Int, rate: Double? = nil) throws -> Result {
        let requests = bodies.map { body -> [UInt8] in
            Array("POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
        }
        var open: [Connection] = []
        defer { for c in open { close(c.fd) } }
        for _ in 0..<connections { open.append(Connection(fd: try Self.connect(port: port))) }
        var watched = open.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
        var idle = Array(open.indices), inFlight = 0, next = 0, failures = 0, latencies: [Double] = []
        latencies.reserveCapacity(requests.count)
        // A connection that fails is dropped: it leaves `idle` and poll's set for good.
        func drop(_ index: Int) {
            failures += 1
            watched[index].fd = -1
        }
        let start = DispatchTime.now().uptimeNanoseconds, cpuAtStart = Self.processCPU(), threadAtStart = Self.threadCPU()
        let due = { (i: Int) -> UInt64 in rate.map { start + UInt64(Double(i) / $0 * 1e9) } ?? 0 }
        while inFlight > 0 || (next < requests.count && !idle.isEmpty) {
            // Every idle connection takes the next request that is due.
            while let index = idle.last, next < requests.count, due(next) <= DispatchTime.now().uptimeNanoseconds {
                idle.removeLast()
                open[index].received = 0
                open[index].sentAt = DispatchTime.now().uptimeNanoseconds
                if Self.send(open[index].fd, requests[next]) { inFlight += 1 } else { drop(index) }
                next += 1
            }
            var timeout: Int32 = -1
            if inFlight == 0 || (!idle.isEmpty && next < requests.count) {
                let now = DispatchTime.now().uptimeNanoseconds, at = due(min(next, requests.count - 1))
                timeout = at > now ? Int32((at - now + 999_999) / 1_000_000) : 0
            }
            let ready = Glibc.poll(&watched, nfds_t(watched.count), timeout)
            guard ready >= 0 || errno == EINTR else { throw POSIXError(.EIO) }
            for index in watched.indices where watched[index].fd >= 0 && watched[index].revents != 0 {
                watched[index].revents = 0
                switch Self.receive(&open[index]) {
                case nil: continue
                case true?:
                    latencies.append(Double(DispatchTime.now().uptimeNanoseconds - open[index].sentAt) / 1e9)
                    idle.append(index)
                case false?: drop(index)
                }
                inFlight -= 1
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Result(requests: latencies.count, seconds: seconds, latencies: latencies.sorted(), failures: failures,
                      processCPU: Self.processCPU() - cpuAtStart, generatorCPU: Self.threadCPU() - threadAtStart)
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

    /// Writes a whole request.
    static func send(_ fd: Int32, _ request: [UInt8]) -> Bool {
        var sent = 0
        while sent < request.count {
            let n = request.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, request.count - sent, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return false }
            sent += n
        }
        return true
    }

    /// Reads what has arrived: nil while the response is incomplete, then true for a 2xx.
    private static func receive(_ c: inout Connection) -> Bool? {
        let n = c.buffer.withUnsafeMutableBytes { [received = c.received] in recv(c.fd, $0.baseAddress! + received, $0.count - received, 0) }
        guard n > 0 else { return false }
        c.received += n
        guard let end = find(c.buffer, c.received) else { return c.received < c.buffer.count ? nil : false }
        guard c.received >= end + 4 + contentLength(c.buffer[0..<end]) else { return c.received < c.buffer.count ? nil : false }
        return c.buffer[9] == UInt8(ascii: "2")
    }

    /// The Content-Length of a response head, 0 without one.
    static func contentLength(_ head: ArraySlice<UInt8>) -> Int {
        let name = Array("\r\ncontent-length:".utf8)
        var i = head.startIndex
        while i + name.count <= head.endIndex {
            if zip(head[i..<i + name.count], name).allSatisfy({ ($0 | 0x20) == ($1 | 0x20) }) {
                var value = 0
                for byte in head[(i + name.count)...] where byte != UInt8(ascii: " ") {
                    guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { break }
                    value = value * 10 + Int(byte - UInt8(ascii: "0"))
                }
                return value
            }
            i += 1
        }
        return 0
    }

    static func find(_ b: [UInt8], _ count: Int) -> Int? {
        guard count >= 4 else { return nil }
        for i in 0...(count - 4) where b[i] == 13 && b[i + 1] == 10 && b[i + 2] == 13 && b[i + 3] == 10 { return i }
        return nil
    }
}
