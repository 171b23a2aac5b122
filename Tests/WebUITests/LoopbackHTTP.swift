import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// HTTP/1.1 over a blocking loopback socket, one request per connection (`Connection: close`), the
/// response read to the end of the stream. chromedriver writes `Content-Length:252` without the space
/// that FoundationNetworking insists on; reading to the close needs no length at all.
enum LoopbackHTTP {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    struct Response {
        var status: Int
        var body: Data
    }

    /// Runs the exchange on a thread of its own: blocking reads never hold a thread of the concurrency pool.
    static func exchange(port: Int, method: String, path: String, body: Data?, timeout: TimeInterval = 90) async throws -> Response {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try blockingExchange(port: port, method: method, path: path, body: body, timeout: timeout) })
            }
        }
    }

    static func blockingExchange(port: Int, method: String, path: String, body: Data?, timeout: TimeInterval) throws -> Response {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket(): errno \(errno)") }
        defer { close(fd) }
        var limit = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "connect to 127.0.0.1:\(port): errno \(errno)") }

        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\nAccept: application/json\r\n"
        if let body { head += "Content-Type: application/json; charset=utf-8\r\nContent-Length: \(body.count)\r\n" } else if method != "GET" { head += "Content-Length: 0\r\n" }
        let request = Data((head + "\r\n").utf8) + (body ?? Data())
        var sent = 0
        while sent < request.count {
            let n = request.withUnsafeBytes { send(fd, $0.baseAddress! + sent, request.count - sent, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "\(method) \(path): send failed, errno \(errno)") }
            sent += n
        }
        // chromedriver keeps the connection open despite `Connection: close`: the answer ends where its
        // length says, or at the close when it gives none.
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while !isComplete(received) {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n == 0 { break }
            guard n > 0 else { throw Failure(description: "\(method) \(path): no complete answer within \(Int(timeout)) s (errno \(errno))") }
            received.append(contentsOf: buffer[0..<n])
        }
        return try parse(received, what: "\(method) \(path)")
    }

    /// Whether `data` holds a whole response: its head, and as many body bytes as its Content-Length
    /// (read with or without the space after the colon) or, chunked, up to the last chunk.
    static func isComplete(_ data: Data) -> Bool {
        guard let end = data.firstRange(of: Data("\r\n\r\n".utf8)) else { return false }
        let headers = headerFields(data[..<end.lowerBound])
        if let length = headers["content-length"].flatMap({ Int($0) }) { return data.count - end.upperBound >= length }
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true { return data[end.upperBound...].range(of: Data("\r\n0\r\n\r\n".utf8)) != nil || data[end.upperBound...].starts(with: Data("0\r\n\r\n".utf8)) }
        return false
    }

    /// The head's fields, names lower-cased, values trimmed.
    static func headerFields(_ head: Data) -> [String: String] {
        var fields: [String: String] = [:]
        for line in String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n").dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { fields[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        return fields
    }

    /// The status and body of a whole response; a chunked body is put together.
    static func parse(_ data: Data, what: String) throws -> Response {
        guard let end = data.firstRange(of: Data("\r\n\r\n".utf8)) else { throw Failure(description: "\(what): the answer has no header end") }
        let lines = String(decoding: data[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusWords = lines.first?.split(separator: " ") ?? []
        guard statusWords.count >= 2, let status = Int(statusWords[1]) else { throw Failure(description: "\(what): bad status line \(lines.first ?? "")") }
        let headers = headerFields(data[..<end.lowerBound])
        let chunked = headers["transfer-encoding"]?.lowercased().contains("chunked") == true
        var body = Data(data[end.upperBound...])
        if let length = headers["content-length"].flatMap({ Int($0) }), !chunked { body = body.prefix(length) }
        if chunked { body = try dechunk(body, what: what) }
        return Response(status: status, body: body)
    }

    static func dechunk(_ data: Data, what: String) throws -> Data {
        var out = Data()
        var rest = data[...]
        while let lineEnd = rest.firstRange(of: Data("\r\n".utf8)) {
            let sizeText = String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { throw Failure(description: "\(what): bad chunk size") }
            if size == 0 { return out }
            let start = lineEnd.upperBound
            guard rest.distance(from: start, to: rest.endIndex) >= size else { throw Failure(description: "\(what): short chunk") }
            let stop = rest.index(start, offsetBy: size)
            out.append(rest[start..<stop])
            rest = rest[(rest.index(stop, offsetBy: 2, limitedBy: rest.endIndex) ?? rest.endIndex)...]
        }
        return out
    }
}
