import XCTest
import TestSupport
@testable import MessagingCore

/// The patterns the API's schemas carry (phone numbers, email addresses, the `Idempotency-Key` header)
/// say exactly what the core takes: on strings built from the characters that matter, a pattern matches where the core's rule
/// accepts the value or reads it as blank, and nowhere else.
final class FieldPatternTests: XCTestCase {
    func testThePhonePatternIsTheRuleOfNormalize() throws {
        let alphabet: [String] = ["0", "0", "1", "4", "9", "9", "5", "+", "-", " ", ".", "(", ")", "\u{00A0}", "\t", "\n", "\r", "a", "@", "\u{0301}", "\u{2003}", "٣"]
        // Half the strings are built like numbers: space, a prefix, 6 to 17 digits with separators between.
        func numberLike(_ r: inout SplitMix) -> String {
            func pick(_ options: [String]) -> String { options[Int(r.next() % UInt64(options.count))] }
            var s = pick(["", "", " ", "\t", "\r\n", "("]) + pick(["", "+", "00", "0 0", "+0", "0", "(+", "+ "])
            for i in 0..<(6 + Int(r.next() % 12)) {
                s += pick(["", "", "", " ", "-", ".", ")", "\u{00A0}", "\t"]) + pick(i == 0 ? ["0", "1", "9"] : ["0", "1", "2", "5", "9"])
            }
            return s + pick(["", "", " ", ")", "\n", "x"])
        }
        try assertPattern(PhoneNumber.pattern, alphabet: alphabet, lengths: 0...18, seeds: 40_000, structured: numberLike) { raw in
            PhoneNumber.isBlank(raw) || (try? PhoneNumber.normalize(raw)) != nil
        }
        for taken in ["+91 93309 94400", "0091-93309-94400", "919330994400", " (+1) 425.555.0150\t", "0 0 14255550150", ""] {
            XCTAssertNotNil(try Regex(PhoneNumber.pattern).matchingSemantics(.unicodeScalar).firstMatch(in: taken), taken)
        }
    }

    func testTheEmailPatternIsTheRuleOfNormalize() throws {
        let alphabet: [String] = ["a", "B", "@", "@", ".", ".", " ", "\t", "\n", "\r", "\u{00A0}", "é", "-", "+", "\r\n"]
        try assertPattern(EmailAddress.pattern, alphabet: alphabet, lengths: 0...10, seeds: 40_000, structured: nil) { raw in
            PhoneNumber.isBlank(raw) || EmailAddress.normalize(raw) != nil
        }
        XCTAssertEqual(EmailAddress.normalize(" Asha@Example.COM\n"), "asha@example.com")
        for refused in ["a@@b.c", "@b.c", "a@b", "a b@c.d", "a\t@c.d"] { XCTAssertNil(EmailAddress.normalize(refused), refused) }
    }

    func testTheIdempotencyKeyPatternIsTheRuleOfBulkJobs() throws {
        let alphabet: [String] = ["a", "Z", "0", "-", "~", "!", " ", "\t", "\u{7F}", "\u{01}", "é", "\r\n"]
        func long(_ r: inout SplitMix) -> String { String(repeating: "k", count: 250 + Int(r.next() % 10)) }
        try assertPattern(BulkService.idempotencyKeyPattern, alphabet: alphabet, lengths: 0...6, seeds: 10_000, structured: long) {
            BulkService.isIdempotencyKey($0)
        }
    }

    /// Random strings over `alphabet` (a fixed generator, so a failure repeats), every other one from
    /// `structured` when given, so that both answers are common.
    private func assertPattern(_ pattern: String, alphabet: [String], lengths: ClosedRange<Int>, seeds: Int,
                               structured: ((inout SplitMix) -> String)?,
                               file: StaticString = #filePath, line: UInt = #line, _ takes: (String) -> Bool) throws {
        let regex = try Regex(pattern).matchingSemantics(.unicodeScalar)
        var random = SplitMix(seed: 7)
        var (matched, refused) = (0, 0)
        for n in 0..<seeds {
            let count = Int(random.next() % UInt64(lengths.count)) + lengths.lowerBound
            let raw = if let structured, n % 2 == 1 { structured(&random) }
                      else { (0..<count).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }.joined() }
            let expected = takes(raw)
            let actual = (try? regex.firstMatch(in: raw)) != nil
            if expected != actual {
                XCTFail("\(raw.debugDescription): the rule \(expected ? "takes" : "refuses") it, the pattern \(actual ? "matches" : "does not")", file: file, line: line)
                return
            }
            if expected { matched += 1 } else { refused += 1 }
        }
        XCTAssertGreaterThan(matched, seeds / 20, "too few strings the rule takes to show anything", file: file, line: line)
        XCTAssertGreaterThan(refused, seeds / 20, file: file, line: line)
    }
}
