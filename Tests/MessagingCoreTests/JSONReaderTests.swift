import Foundation
@testable import MessagingCore
import TestSupport
import XCTest

/// The inbound path's JSON reader accepts what RFC 8259 accepts, reads it as Foundation does, and
/// refuses the rest with the byte offset.
final class JSONReaderTests: XCTestCase {
    func testReadsScalarsEscapesAndNesting() throws {
        let node = try JSONReader.parse(#" {"a": [1, -2.5e3, 0, true, false, null], "s": "q\"\\\/\b\f\n\r\t\u00e9\ud83d\udc4d", "o": {}, "e": []} "#)
        XCTAssertEqual(node["a"], .array([.number(1), .number(-2500), .number(0), .bool(true), .bool(false), .null]))
        XCTAssertEqual(node["s"]?.string, "q\"\\/\u{8}\u{c}\n\r\té👍")
        XCTAssertEqual(node["o"], .object([]))
        XCTAssertEqual(node["e"], .array([]))
        XCTAssertNil(node["missing"])
        XCTAssertEqual(try JSONReader.parse(#""नमस्ते 👋""#).string, "नमस्ते 👋", "UTF-8 passes through unescaped")
    }

    func testAgreesWithFoundationOnGeneratedDocuments() throws {
        // Random documents written by JSONSerialization read the same through both parsers.
        var rng = SplitMix(seed: 42)
        for _ in 0..<300 {
            let value = randomValue(&rng, depth: 0)
            let text = String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys]), as: UTF8.self)
            XCTAssertEqual(sorted(try JSONReader.parse(text)), node(value), text)
        }
    }

    func testLongStringsWithManyEscapesAgreeWithFoundation() throws {
        // An SNS envelope's Message is an event escaped once or twice: long strings, an escape every few bytes.
        var rng = SplitMix(seed: 7)
        let alphabet = Array("abc \"\\/\n\t\u{1}é€👍{}:,")
        for length in [0, 1, 15, 16, 17, 63, 64, 65, 200, 4_000] {
            for _ in 0..<20 {
                let text = String((0..<length).map { _ in alphabet[below(&rng, alphabet.count)] })
                let document = String(decoding: try JSONSerialization.data(withJSONObject: [text, [text]], options: []), as: UTF8.self)
                XCTAssertEqual(try JSONReader.parse(document), .array([.string(text), .array([.string(text)])]), document)
                let twice = String(decoding: try JSONSerialization.data(withJSONObject: [document], options: []), as: UTF8.self)
                XCTAssertEqual(try JSONReader.parse(twice), .array([.string(document)]))
            }
        }
    }

    func testRefusesWhatTheGrammarRefuses() {
        let bad = ["", "{", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "+1", "-", "1e", "\"abc", "\"\u{01}\"", #""\x""#, #""\u12""#,
                   #""\ud83d""#, #""\udc4d""#,
                   #""\n"#, #""\""#, "\"\\n\u{01}\"", #""\n\u00e""#, #""\ud83d\u""#, #""\n\"#, #""\n\x""#, "tru", "nul", "{\"a\" 1}", "{1:2}", "[1 2]", "{} x", "'a'", "NaN"]
        for text in bad {
            XCTAssertThrowsError(try JSONReader.parse(text), text)
        }
        XCTAssertThrowsError(try JSONReader.parse(String(repeating: "[", count: 600) + String(repeating: "]", count: 600))) { error in
            XCTAssertEqual((error as? JSONReader.SyntaxError)?.reason, "nested deeper than 512")
        }
        XCTAssertEqual(try? JSONReader.parse(String(repeating: "[", count: 500) + String(repeating: "]", count: 500)).array?.count, 1)
    }

    func testErrorsNameTheOffset() {
        XCTAssertThrowsError(try JSONReader.parse(#"{"a": [1, 2,]}"#)) { error in
            XCTAssertEqual((error as? JSONReader.SyntaxError)?.offset, 12)
            XCTAssertEqual("\(error)", "invalid JSON at byte 12: unexpected character")
        }
        XCTAssertThrowsError(try JSONReader.parse(#"["a\nb\qc"]"#)) { error in
            XCTAssertEqual("\(error)", "invalid JSON at byte 6: invalid escape")
        }
    }

    // MARK: Support

    func below(_ rng: inout SplitMix, _ n: Int) -> Int { Int.random(in: 0..<n, using: &rng) }

    func randomValue(_ rng: inout SplitMix, depth: Int) -> Any {
        let alphabet = Array("aZ09 \"\\/\n\t\u{1}é€👍-_:{}[],")
        switch below(&rng, depth > 3 ? 4 : 6) {
        case 0: return NSNull()
        case 1: return below(&rng, 2) == 0
        case 2: return below(&rng, 2) == 0 ? Double(below(&rng, 1_000_000)) - 500_000 : Double(below(&rng, 1_000_000)) / 1000
        case 3: return String((0..<below(&rng, 12)).map { _ in alphabet[below(&rng, alphabet.count)] })
        case 4: return (0..<below(&rng, 4)).map { _ in randomValue(&rng, depth: depth + 1) }
        default:
            var object: [String: Any] = [:]
            for i in 0..<below(&rng, 4) { object["k\(i)\(alphabet[below(&rng, alphabet.count)])"] = randomValue(&rng, depth: depth + 1) }
            return object
        }
    }

    /// Object members in key order (the reader keeps the document's order; Foundation's is its own).
    func sorted(_ n: JSONNode) -> JSONNode {
        switch n {
        case .array(let a): .array(a.map(sorted))
        case .object(let o): .object(o.sorted { $0.key < $1.key }.map { ($0.key, sorted($0.value)) })
        default: n
        }
    }

    /// `jsonQuote` writes a literal the reader (and Foundation) read back as the same string, whether it
    /// copies the string whole (nothing to escape) or escapes it.
    func testJSONQuoteReadsBackTheSameString() throws {
        let strings = ["", "0190a7f2-0000-7000-8000-000000000000", "Rāma 🙂", "say \"hi\"", "back\\slash", "line\nbreak\ttab\r", "bell\u{07}", "\u{1F}end"]
        for s in strings {
            let quoted = jsonQuote(s)
            XCTAssertEqual(try JSONReader.parse(quoted), .string(s), quoted)
            XCTAssertEqual(try JSONSerialization.jsonObject(with: Data(quoted.utf8), options: .fragmentsAllowed) as? String, s, quoted)
        }
        XCTAssertEqual(jsonQuote("plain"), "\"plain\"")
        XCTAssertEqual(jsonQuote("a\"b"), #""a\"b""#)
    }

    /// What the reader should produce for a Foundation value; object keys compared in sorted order.
    func node(_ value: Any) -> JSONNode {
        switch value {
        case is NSNull: return .null
        case let b as Bool where type(of: value) == Bool.self: return .bool(b)
        case let n as Double: return .number(n)
        case let s as String: return .string(s)
        case let a as [Any]: return .array(a.map(node))
        case let o as [String: Any]: return .object(o.keys.sorted().map { ($0, node(o[$0]!)) })
        default: return .null
        }
    }
}
