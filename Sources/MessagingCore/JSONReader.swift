import Foundation

/// A JSON value as the inbound hot path reads it. Objects keep their members in order and are searched
/// linearly: webhook objects have a handful of keys, where hashing costs more than comparing. Not
/// `indirect`: the arrays already hold the nested values, and boxing every node cost 8 % of decoding an event.
public enum JSONNode: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONNode])
    case object([(key: String, value: JSONNode)])

    public subscript(key: String) -> JSONNode? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    public var string: String? { if case .string(let s) = self { s } else { nil } }
    public var number: Double? { if case .number(let n) = self { n } else { nil } }
    public var array: [JSONNode]? { if case .array(let a) = self { a } else { nil } }
    public var isObject: Bool { if case .object = self { true } else { false } }

    public static func == (a: JSONNode, b: JSONNode) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.number(let x), .number(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.array(let x), .array(let y)): x == y
        case (.object(let x), .object(let y)): x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }
}

/// A strict RFC 8259 reader over UTF-8 bytes. Inbound events are parsed twice each (the SNS envelope,
/// then the webhook entry inside it as a string); Foundation's JSONSerialization, which boxes every
/// value as `Any`, was the largest single cost of ingesting one.
public struct JSONReader {
    public struct SyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
        public var offset: Int
        public var reason: String
        public var description: String { "invalid JSON at byte \(offset): \(reason)" }
    }

    /// Nesting deeper than this is refused rather than risking the stack.
    static let maximumDepth = 512

    public static func parse(_ text: String) throws(SyntaxError) -> JSONNode {
        var text = text
        let result: Result<JSONNode, SyntaxError> = text.withUTF8 { bytes in
            var reader = JSONReader(bytes: bytes)
            do throws(SyntaxError) {
                reader.skipWhitespace()
                let value = try reader.value(depth: 0)
                reader.skipWhitespace()
                guard reader.at == bytes.count else { throw reader.error("unexpected content after the value") }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var at = 0

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    private func error(_ reason: String) -> SyntaxError { SyntaxError(offset: at, reason: reason) }

    private mutating func skipWhitespace() {
        while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x0A || bytes[at] == 0x0D || bytes[at] == 0x09 { at += 1 }
    }

    private mutating func value(depth: Int) throws(SyntaxError) -> JSONNode {
        guard depth < Self.maximumDepth else { throw error("nested deeper than \(Self.maximumDepth)") }
        guard at < bytes.count else { throw error("unexpected end of input") }
        switch bytes[at] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw error("unexpected character")
        }
    }

    private mutating func literal(_ word: StaticString) throws(SyntaxError) {
        let count = word.utf8CodeUnitCount
        guard at + count <= bytes.count, memcmp(bytes.baseAddress! + at, word.utf8Start, count) == 0 else { throw error("invalid literal") }
        at += count
    }

    private mutating func object(depth: Int) throws(SyntaxError) -> JSONNode {
        at += 1
        var members: [(key: String, value: JSONNode)] = []
        skipWhitespace()
        if at < bytes.count, bytes[at] == UInt8(ascii: "}") {
            at += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let key = try string()
            skipWhitespace()
            guard at < bytes.count, bytes[at] == UInt8(ascii: ":") else { throw error("expected ':'") }
            at += 1
            skipWhitespace()
            members.append((key, try value(depth: depth + 1)))
            skipWhitespace()
            guard at < bytes.count else { throw error("unterminated object") }
            if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
            guard bytes[at] == UInt8(ascii: "}") else { throw error("expected ',' or '}'") }
            at += 1
            return .object(members)
        }
    }

    private mutating func array(depth: Int) throws(SyntaxError) -> JSONNode {
        at += 1
        var elements: [JSONNode] = []
        skipWhitespace()
        if at < bytes.count, bytes[at] == UInt8(ascii: "]") {
            at += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try value(depth: depth + 1))
            skipWhitespace()
            guard at < bytes.count else { throw error("unterminated array") }
            if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
            guard bytes[at] == UInt8(ascii: "]") else { throw error("expected ',' or ']'") }
            at += 1
            return .array(elements)
        }
    }

    private mutating func string() throws(SyntaxError) -> String {
        at += 1
        let start = at
        // Fast path: no escapes, so the bytes are the string.
        while at < bytes.count {
            let c = bytes[at]
            if c == UInt8(ascii: "\"") {
                let s = Self.text(UnsafeBufferPointer(rebasing: bytes[start..<at]))
                at += 1
                return s
            }
            if c == UInt8(ascii: "\\") { break }
            guard c >= 0x20 else { throw error("control character in a string") }
            at += 1
        }
        // Escapes: the string ends at the first quote not escaped, and unescaping never lengthens it, so
        // it is decoded into a buffer of the escaped text's length, the unescaped runs between escapes
        // copied whole (an SNS envelope's Message is an event escaped once or twice, a backslash every
        // few bytes).
        var end = at
        while end < bytes.count, bytes[end] != UInt8(ascii: "\"") { end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1 }
        guard end < bytes.count else {
            at = bytes.count
            throw error("unterminated string")
        }
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: end - start) { (out) throws(SyntaxError) -> String in
            var count = at - start
            _ = out.initialize(fromContentsOf: UnsafeBufferPointer(rebasing: bytes[start..<at]))
            func put(_ byte: UInt8) {
                out[count] = byte
                count += 1
            }
            while at < end {
                let run = at
                while at < end, bytes[at] != UInt8(ascii: "\\"), bytes[at] >= 0x20 { at += 1 }
                if at > run {
                    (out.baseAddress! + count).initialize(from: bytes.baseAddress! + run, count: at - run)
                    count += at - run
                }
                guard at < end else { break }
                guard bytes[at] == UInt8(ascii: "\\") else { throw error("control character in a string") }
                at += 1
                let e = bytes[at]
                at += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): put(e)
                case UInt8(ascii: "b"): put(0x08)
                case UInt8(ascii: "f"): put(0x0C)
                case UInt8(ascii: "n"): put(0x0A)
                case UInt8(ascii: "r"): put(0x0D)
                case UInt8(ascii: "t"): put(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4(before: end)
                    if (0xD800...0xDBFF).contains(code) {
                        guard at + 1 < end, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") else { throw error("unpaired surrogate") }
                        at += 2
                        let low = try hex4(before: end)
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("unpaired surrogate") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(code) {
                        throw error("unpaired surrogate")
                    }
                    UTF8.encode(Unicode.Scalar(code)!) { put($0) }
                default:
                    at -= 2
                    throw error("invalid escape")
                }
            }
            at = end + 1
            return Self.text(UnsafeBufferPointer(rebasing: out[..<count]))
        }
    }

    /// A string's bytes as a String. They need no validation: the reader reads a String's UTF-8, a string
    /// ends at an ASCII quote (never inside a multi-byte character), and an escape writes a whole scalar
    /// (lone surrogates are refused). The generic `String(validating:as:)` looked up type metadata on
    /// every call.
    private static func text(_ utf8: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: utf8, as: UTF8.self)
    }

    private mutating func hex4(before end: Int) throws(SyntaxError) -> UInt32 {
        guard at + 4 <= end else { throw error("short \\u escape") }
        var code: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[at]
            let digit: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
            default: throw error("invalid \\u escape")
            }
            code = code << 4 | UInt32(digit)
            at += 1
        }
        return code
    }

    /// The number grammar of RFC 8259 (no leading zeros, no bare '.', no '+'), then Double's parser.
    private mutating func number() throws(SyntaxError) -> Double {
        let start = at
        func digits(_ r: inout JSONReader) -> Int {
            let from = r.at
            while r.at < r.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(r.bytes[r.at]) { r.at += 1 }
            return r.at - from
        }
        if bytes[at] == UInt8(ascii: "-") { at += 1 }
        guard at < bytes.count else { throw error("invalid number") }
        if bytes[at] == UInt8(ascii: "0") {
            at += 1
        } else if digits(&self) == 0 {
            throw error("invalid number")
        }
        if at < bytes.count, bytes[at] == UInt8(ascii: ".") {
            at += 1
            guard digits(&self) > 0 else { throw error("invalid number") }
        }
        if at < bytes.count, bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") {
            at += 1
            if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { at += 1 }
            guard digits(&self) > 0 else { throw error("invalid number") }
        }
        guard let n = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)) else { throw error("invalid number") }
        return n
    }
}
