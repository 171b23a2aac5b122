import Foundation

/// The `application/vnd.amazon.eventstream` framing of streamed responses (Bedrock's InvokeAgent):
/// each message is total length (UInt32 BE) · headers length (UInt32 BE) · prelude CRC-32 (of the
/// first 8 bytes) · headers · payload · message CRC-32 (of everything before it).
public enum EventStream {
    /// A header's value; the wire types 0–9.
    public enum HeaderValue: Sendable, Equatable {
        case bool(Bool)
        case byte(Int8)
        case int16(Int16)
        case int32(Int32)
        case int64(Int64)
        case bytes(Data)
        case string(String)
        /// Milliseconds since 1970.
        case timestamp(Int64)
        case uuid(Data)

        public var string: String? { if case .string(let s) = self { return s }; return nil }
    }

    public struct Message: Sendable, Equatable {
        public var headers: [(name: String, value: HeaderValue)]
        public var payload: Data

        public init(headers: [(name: String, value: HeaderValue)], payload: Data) {
            self.headers = headers
            self.payload = payload
        }

        public subscript(header name: String) -> HeaderValue? { headers.first { $0.name == name }?.value }

        /// `event`, `exception` or `error` (`:message-type`).
        public var messageType: String? { self[header: ":message-type"]?.string }
        /// The event's kind (`:event-type`), e.g. `chunk` or `trace`.
        public var eventType: String? { self[header: ":event-type"]?.string }
        /// A modelled exception's name (`:exception-type`), e.g. `throttlingException`.
        public var exceptionType: String? { self[header: ":exception-type"]?.string }

        public static func == (a: Message, b: Message) -> Bool {
            a.payload == b.payload && a.headers.count == b.headers.count && zip(a.headers, b.headers).allSatisfy { $0.name == $1.name && $0.value == $1.value }
        }
    }

    public enum DecodingError: Error, Equatable, Sendable, CustomStringConvertible {
        /// The stream ends inside a message.
        case truncated(offset: Int)
        case preludeChecksum(offset: Int, expected: UInt32, computed: UInt32)
        case messageChecksum(offset: Int, expected: UInt32, computed: UInt32)
        /// Lengths that cannot be (headers longer than the message, a message shorter than its frame).
        case malformed(offset: Int, String)

        public var description: String {
            switch self {
            case .truncated(let o): "event stream truncated in the message at byte \(o)"
            case .preludeChecksum(let o, let e, let c): "event stream prelude CRC mismatch at byte \(o): the frame says \(e), the bytes give \(c)"
            case .messageChecksum(let o, let e, let c): "event stream message CRC mismatch at byte \(o): the frame says \(e), the bytes give \(c)"
            case .malformed(let o, let why): "event stream message at byte \(o) is malformed: \(why)"
            }
        }
    }

    static let preludeLength = 12
    static let minimumLength = 16

    /// Every message of a complete stream, checked; throws at the first bad frame (nothing after it is trusted).
    public static func decode(_ data: Data) throws(DecodingError) -> [Message] {
        let bytes = [UInt8](data)
        var messages: [Message] = []
        var offset = 0
        while offset < bytes.count {
            let (message, length) = try decodeOne(bytes, at: offset)
            messages.append(message)
            offset += length
        }
        return messages
    }

    static func uint32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
    }

    static func decodeOne(_ b: [UInt8], at start: Int) throws(DecodingError) -> (Message, Int) {
        guard b.count - start >= preludeLength else { throw .truncated(offset: start) }
        let total = Int(uint32(b, start)), headersLength = Int(uint32(b, start + 4))
        let preludeCRC = uint32(b, start + 8)
        let computedPrelude = CRC32.checksum(b[start..<start + 8])
        guard preludeCRC == computedPrelude else { throw .preludeChecksum(offset: start, expected: preludeCRC, computed: computedPrelude) }
        guard total >= minimumLength, headersLength <= total - minimumLength else {
            throw .malformed(offset: start, "total length \(total) cannot hold \(headersLength) bytes of headers")
        }
        guard b.count - start >= total else { throw .truncated(offset: start) }
        let end = start + total
        let messageCRC = uint32(b, end - 4)
        let computedMessage = CRC32.checksum(b[start..<end - 4])
        guard messageCRC == computedMessage else { throw .messageChecksum(offset: start, expected: messageCRC, computed: computedMessage) }
        let headersStart = start + preludeLength
        let headers = try decodeHeaders(b, from: headersStart, to: headersStart + headersLength, message: start)
        return (Message(headers: headers, payload: Data(b[headersStart + headersLength..<end - 4])), total)
    }

    static func decodeHeaders(_ b: [UInt8], from: Int, to end: Int, message: Int) throws(DecodingError) -> [(name: String, value: HeaderValue)] {
        var out: [(name: String, value: HeaderValue)] = []
        var i = from
        func need(_ n: Int) throws(DecodingError) {
            guard i + n <= end else { throw .malformed(offset: message, "a header runs past the headers' length") }
        }
        func integer(_ n: Int) throws(DecodingError) -> UInt64 {
            try need(n)
            var v: UInt64 = 0
            for k in 0..<n { v = v << 8 | UInt64(b[i + k]) }
            i += n
            return v
        }
        while i < end {
            let nameLength = Int(try integer(1))
            try need(nameLength)
            guard let name = String(bytes: b[i..<i + nameLength], encoding: .utf8) else { throw .malformed(offset: message, "a header name is not UTF-8") }
            i += nameLength
            let type = try integer(1)
            let value: HeaderValue
            switch type {
            case 0: value = .bool(true)
            case 1: value = .bool(false)
            case 2: value = .byte(Int8(truncatingIfNeeded: try integer(1)))
            case 3: value = .int16(Int16(truncatingIfNeeded: try integer(2)))
            case 4: value = .int32(Int32(truncatingIfNeeded: try integer(4)))
            case 5: value = .int64(Int64(bitPattern: try integer(8)))
            case 6, 7:
                let length = Int(try integer(2))
                try need(length)
                let raw = Data(b[i..<i + length])
                i += length
                if type == 6 {
                    value = .bytes(raw)
                } else {
                    guard let s = String(data: raw, encoding: .utf8) else { throw .malformed(offset: message, "header \(name) is not UTF-8") }
                    value = .string(s)
                }
            case 8: value = .timestamp(Int64(bitPattern: try integer(8)))
            case 9:
                try need(16)
                value = .uuid(Data(b[i..<i + 16]))
                i += 16
            default: throw .malformed(offset: message, "header \(name) has unknown value type \(type)")
            }
            out.append((name, value))
        }
        return out
    }

    /// One message, framed: what the tests' endpoints answer with (string headers only, as AWS sends them).
    public static func encode(headers: [(String, String)], payload: Data) -> Data {
        var h: [UInt8] = []
        for (name, value) in headers {
            h.append(UInt8(name.utf8.count))
            h += Array(name.utf8)
            h.append(7)
            let v = Array(value.utf8)
            h += [UInt8(v.count >> 8), UInt8(v.count & 0xFF)] + v
        }
        let total = preludeLength + h.count + payload.count + 4
        func be(_ n: Int) -> [UInt8] { [UInt8(n >> 24 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] }
        var out = be(total) + be(h.count)
        out += be(Int(CRC32.checksum(out)))
        out += h + Array(payload)
        out += be(Int(CRC32.checksum(out)))
        return Data(out)
    }
}
