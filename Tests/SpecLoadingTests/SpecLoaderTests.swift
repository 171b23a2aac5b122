import SpecCheck
import SpecLoading
import SpecModel
import XCTest

/// The loader's own reporting: positions, hints, and that one bad file does not hide the others.
final class SpecLoaderTests: XCTestCase {
    func load(_ overrides: [String: String]) -> LoadResult {
        var files = ExampleBase.files
        for (path, text) in overrides { files[path] = text }
        return SpecLoader.load(files.map { SourceFile(path: $0.key, text: $0.value) })
    }

    func testDuplicateKeyPointsAtTheSecondOccurrence() {
        let result = load(["specs/queues.yaml": "queues:\n  work:\n    name: work\n    name: other\n    visibilityTimeout: 180s\n    retention: 1d\n"])
        let d = result.diagnostics.first { $0.rule == RuleID.duplicateKey }
        XCTAssertEqual(d?.location, SourceLocation(file: "specs/queues.yaml", line: 4, column: 5))
        XCTAssertEqual(d?.message, "duplicate key 'name' (first defined at line 3)")
    }

    func testUnknownKeySuggestsTheClosestKnownKey() {
        let result = load(["specs/queues.yaml": "queues:\n  work:\n    name: work\n    visibilityTimout: 180s\n    retention: 1d\n"])
        let d = result.diagnostics.first { $0.rule == RuleID.unknownKey }
        XCTAssertEqual(d?.location, SourceLocation(file: "specs/queues.yaml", line: 4, column: 5))
        XCTAssertTrue(d?.hint?.hasPrefix("did you mean 'visibilityTimeout'?") ?? false, d?.hint ?? "")
        XCTAssertTrue(result.diagnostics.contains { $0.rule == RuleID.missingField && $0.message.contains("'visibilityTimeout'") })
    }

    /// Issue 14's environment values: the alert address, and substitutes, which name topics only.
    func testAlertEmailAndSubstitutesAreRead() {
        let good = load([:])
        let preview = good.platform?.environment("preview")
        XCTAssertEqual(preview?.substitutes.map { "\($0.original.id) → \($0.replacement.id)" }, ["topic 'events' → topic 'test-events'"])
        XCTAssertEqual(good.platform?.topic("test-events")?.id.location, SourceLocation(file: "specs/topics.yaml", line: 2, column: 3))

        let environment = ExampleBase.files["environments/preview.yaml"]!
            .replacingOccurrences(of: "  substitutes:\n    - { topic: events, by: test-events }\n",
                                  with: "  alertEmail: ops at example\n  substitutes:\n    - { table: Messages, by: Other }\n")
        let bad = load(["environments/preview.yaml": environment])
        let email = bad.diagnostics.first { $0.message.hasPrefix("alertEmail") }
        XCTAssertEqual(email?.rule, RuleID.schemaType)
        XCTAssertEqual(email?.location, SourceLocation(file: "environments/preview.yaml", line: 6, column: 15))
        XCTAssertTrue(bad.diagnostics.contains { $0.rule == RuleID.schemaType && $0.message.contains("cannot refer to a table") },
                      "\(bad.diagnostics.map(\.message))")
    }

    func testSyntaxErrorInOneFileLeavesTheOthersChecked() {
        let result = load([
            "specs/queues.yaml": "queues:\n  work: [unclosed\n",
            "specs/tables.yaml": ExampleBase.files["specs/tables.yaml"]!.replacingOccurrences(of: "PAY_PER_REQUEST", with: "PAY_PER_REQUEST\n    bogus: 1"),
        ])
        XCTAssertTrue(result.diagnostics.contains { $0.rule == RuleID.yamlSyntax && $0.location.file == "specs/queues.yaml" })
        XCTAssertTrue(result.diagnostics.contains { $0.rule == RuleID.unknownKey && $0.location.file == "specs/tables.yaml" })
        XCTAssertNotNil(result.platform)
    }

    func testWrongKindOfReferenceIsNamed() {
        let functions = ExampleBase.files["specs/functions.yaml"]!.replacingOccurrences(of: "trigger: { topic: events }", with: "trigger: { topic: events }\n    deadLetterQueue: { table: Messages }")
        let result = load(["specs/functions.yaml": functions])
        let d = result.diagnostics.first { $0.rule == RuleID.schemaType }
        XCTAssertEqual(d?.message, "'deadLetterQueue' of function 'inbound' cannot refer to a table")
    }

    func testDurationsAndNumbers() {
        XCTAssertEqual(SpecDuration(parsing: "30d")?.seconds, 2_592_000)
        XCTAssertEqual(SpecDuration(parsing: "15m")?.description, "15m")
        XCTAssertEqual(SpecDuration(parsing: "86400s")?.description, "1d")
        XCTAssertNil(SpecDuration(parsing: "3 days"))
        XCTAssertNil(SpecDuration(parsing: "-1s"))
        let result = load(["specs/queues.yaml": "queues:\n  work:\n    name: work\n    visibilityTimeout: 180\n    retention: 1d\n"])
        XCTAssertEqual(result.diagnostics.first { $0.rule == RuleID.schemaType }?.location, SourceLocation(file: "specs/queues.yaml", line: 4, column: 24))
    }

    func testQuotedNumbersAreStringsAndPlainNumbersAreNot() {
        let result = load(["specs/platform.yaml": "platform:\n  name: Example\n  account: 12345\n  region: us-east-1\n"])
        XCTAssertEqual(result.diagnostics.first?.message, "account must be a 12-digit AWS account id, found '12345'")
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        components(separatedBy: target).joined(separator: replacement)
    }
    func components(separatedBy separator: String) -> [String] {
        var parts: [String] = []
        var rest = Substring(self)
        while let r = rest.firstRange(of: separator) {
            parts.append(String(rest[..<r.lowerBound]))
            rest = rest[r.upperBound...]
        }
        return parts + [String(rest)]
    }
}
