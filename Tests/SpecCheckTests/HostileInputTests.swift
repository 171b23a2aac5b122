import Foundation
import Pipeline
import SpecCheck
import SpecLoading
import SpecModel
import XCTest

/// Input built to hurt the checker: each gets an error at its place and costs little. (How little is measured by
/// scripts/bench-hostile on a release build; these tests check the outcome.)
final class HostileInputTests: XCTestCase {
    func run(_ file: String, _ text: String, maxPerRule: Int = CheckReport.defaultLimit) throws -> CheckRun {
        var files = ExampleBase.files
        files[file] = text
        return try CheckRun.run(files: files.map { SourceFile(path: $0.key, text: $0.value) }.sorted { $0.path < $1.path },
                                today: testToday, maxPerRule: maxPerRule)
    }

    func testAnAliasBombIsOneErrorAtItsAnchorAndIsNeverExpanded() throws {
        var yaml = ExampleBase.files["specs/platform.yaml"]! + "x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...12 {
            yaml += "x\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ") + "]\n"
        }
        let result = try run("specs/platform.yaml", yaml)
        let anchors = result.report.diagnostics.filter { $0.message == "YAML anchors and aliases are not allowed in specs" }
        XCTAssertEqual(anchors.first?.location, SourceLocation(file: "specs/platform.yaml", line: 5, column: 5))
        XCTAssertEqual(result.exitCode(warningsAsErrors: false), 1)
    }

    func testDeepNestingIsRefusedAtItsPlaceBeforeParsing() throws {
        let flow = "platform:\n  name: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n"
        let result = try run("specs/platform.yaml", flow)
        let nested = try XCTUnwrap(result.report.diagnostics.first { $0.rule == RuleID.yamlSyntax })
        XCTAssertEqual(nested.location, SourceLocation(file: "specs/platform.yaml", line: 2, column: 9 + YAMLLimits.maxDepth))
        XCTAssertTrue(nested.message.contains("nested more than 64 levels"), nested.message)

        var block = "platform:\n"
        for depth in 1...100 { block += String(repeating: "  ", count: depth) + "k\(depth):\n" }
        block += String(repeating: "  ", count: 101) + "leaf: 1\n"
        let deep = try run("specs/platform.yaml", block)
        XCTAssertTrue(deep.report.diagnostics.contains { $0.rule == RuleID.yamlSyntax && $0.message.contains("nested more than 64 levels") },
                      "\(deep.report.diagnostics.map(\.message))")
    }

    func testAFileOverTheSizeLimitIsRefusedWithoutParsing() throws {
        let big = "platform:\n  name: x\n" + String(repeating: "# padding padding padding padding padding padding padding padding\n", count: 20_000)
        XCTAssertGreaterThan(big.utf8.count, YAMLLimits.maxFileBytes)
        let result = try run("specs/platform.yaml", big)
        let first = try XCTUnwrap(result.report.diagnostics.first { $0.rule == RuleID.yamlSyntax })
        XCTAssertEqual(first.location, SourceLocation(file: "specs/platform.yaml", line: 1, column: 1))
        XCTAssertTrue(first.message.contains("a spec file may hold at most 1024 KiB"), first.message)
    }

    func testAHugeScalarIsReadAndReportedLikeAnyOther() throws {
        let yaml = "platform:\n  name: Example\n  account: \"" + String(repeating: "9", count: 500_000) + "\"\n  region: us-east-1\n"
        let result = try run("specs/platform.yaml", yaml)
        XCTAssertEqual(result.exitCode(warningsAsErrors: false), 1)
        XCTAssertTrue(result.report.diagnostics.contains { $0.location.file == "specs/platform.yaml" && $0.location.line == 3 },
                      "\(result.report.diagnostics.map { "\($0.location) \($0.message.prefix(80))" })")
    }

    /// One duplicated key used to lose the whole file and bury the cause under dozens of reference errors.
    func testAFileThatCannotBeReadShowsItsCauseAloneAndCountsTheRest() throws {
        let tables = ExampleBase.files["specs/tables.yaml"]!.replacingOccurrences(of: "    billing: PAY_PER_REQUEST\n",
                                                                                    with: "    billing: PAY_PER_REQUEST\n    billing: PROVISIONED\n")
        let result = try run("specs/tables.yaml", tables)
        XCTAssertEqual(result.report.diagnostics.first?.rule, RuleID.duplicateKey)
        XCTAssertFalse(result.report.diagnostics.contains { $0.rule == RuleID.unresolvedReference }, "\(result.report.diagnostics.map(\.rule))")
        let note = try XCTUnwrap(result.report.diagnostics.last)
        XCTAssertEqual(note.severity, .note)
        XCTAssertTrue(note.message.contains("of later checks not shown while specs/tables.yaml cannot be read"), note.message)
        XCTAssertEqual(result.exitCode(warningsAsErrors: false), 1)
    }

    func testFindingsAreCappedPerFileAndRuleWithTheRestCounted() throws {
        var queues = ExampleBase.files["specs/queues.yaml"]!
        for n in 0..<120 { queues += "  extra-\(n):\n    name: extra-\(n)\n    visibilityTimeout: 99999s\n    retention: 1d\n" }
        let capped = try run("specs/queues.yaml", queues)
        let shown = capped.report.diagnostics.filter { $0.rule == RuleID.retentionRange && $0.severity == .error }
        XCTAssertEqual(shown.count, 50)
        let note = try XCTUnwrap(capped.report.diagnostics.first { $0.rule == RuleID.retentionRange && $0.severity == .note })
        XCTAssertTrue(note.message.hasPrefix("70 more [sqs.retention-range] findings in this file"), note.message)
        let all = try run("specs/queues.yaml", queues, maxPerRule: 0)
        XCTAssertEqual(all.report.diagnostics.filter { $0.rule == RuleID.retentionRange }.count, 120)
        XCTAssertEqual(capped.report.errorCount, all.report.errorCount, "the totals count what is not shown")
        // The text stays readable: one line per finding shown, the note, the summary.
        XCTAssertTrue(capped.render(.text).contains("\(all.report.errorCount) errors"))
    }

    func testTheTextReporterShowsTheRightLineForEveryFinding() throws {
        var queues = ExampleBase.files["specs/queues.yaml"]!
        for n in 0..<300 { queues += "  extra-\(n):\n    name: extra-\(n)\n    visibilityTimeout: 99999s\n    retention: 1d\n" }
        let text = try run("specs/queues.yaml", queues, maxPerRule: 0).render(.text)
        let lines = queues.split(separator: "\n", omittingEmptySubsequences: false)
        for match in text.matches(of: /specs\/queues.yaml:(\d+):\d+: error: [^\n]*\n    ([^\n]*)\n/) {
            XCTAssertEqual(String(match.2), String(lines[Int(match.1)! - 1]))
        }
    }

    func testAScopeWaiverSilencesTheScopesFindings() throws {
        let iam = ExampleBase.files["specs/iam.yaml"]!.replacingOccurrences(of: "    - sid: IncomingPut\n      actions: [s3:PutObject]", with: """
                - sid: IncomingPut
                  actions: [s3:PutObject, s3:*]
                  waivers:
                    - { rule: iam.wildcard-action, reason: "migration of the bucket, tracked in the runbook", expires: 2027-01-31 }
            """)
        let result = try run("specs/iam.yaml", iam)
        XCTAssertTrue(result.report.waived.contains { $0.diagnostic.rule == RuleID.wildcardAction }, "\(result.report.diagnostics.map(\.rule))")
        XCTAssertFalse(result.report.diagnostics.contains { $0.rule == RuleID.wildcardAction })
        // s3:* still grants what the role must never hold: another rule, not waived.
        XCTAssertTrue(result.report.diagnostics.contains { $0.rule == RuleID.deniedOperation }, "\(result.report.diagnostics.map(\.rule))")
    }
}
