import Pipeline
import SpecDiff
import XCTest

/// One pair of spec trees per risk class: the shipped specs against a small edit of them, rendered
/// as Markdown and JSON and compared byte for byte with Tests/SpecDiffTests/Golden.
final class DiffGoldenTests: XCTestCase {
    static let pairs: [String: [Edit]] = [
        "table-key": [Edit("specs/tables.yaml", "    key: { partition: contactId }\n    indexes:\n      byPhone",
                           "    key: { partition: phone }\n    indexes:\n      byPhone")],
        "ttl-attribute": [
            Edit("specs/tables.yaml", "      expiresAt: N\n    key: { partition: messageId }", "      expiresAt: N\n      purgeAt: N\n    key: { partition: messageId }"),
            Edit("specs/tables.yaml", "ttl: { attribute: expiresAt, retention: 30d }            # Req 17.2",
                 "ttl: { attribute: purgeAt, retention: 30d }              # Req 17.2"),
        ],
        "access-entry": [Edit("specs/functions.yaml", "      - { table: Contacts, allow: [read] }\n\n  inbound-whatsapp-handler:",
                              "      - { table: Contacts, allow: [read] }\n      - { table: Messages, allow: [read] }\n\n  inbound-whatsapp-handler:")],
        "preview-live": [Edit("environments/preview.yaml", "sendMode: DRY_RUN", "sendMode: LIVE")],
        "branch-pattern": [Edit("environments/staging.yaml", #"branches: ["release/*"]"#, #"branches: ["release/*", "rc/*"]"#)],
        "rate-and-timeout": [
            Edit("specs/messaging.yaml", "    pool: wecare\n    ratePerSecond: 5", "    pool: wecare\n    ratePerSecond: 4"),
            Edit("specs/functions.yaml", "    timeout: 120 ", "    timeout: 130 "),
        ],
        "description": [Edit("specs/functions.yaml", "Case-insensitive search by name, phone or email (Req 2.6)",
                             "Search contacts by name, phone or email, ignoring case (Req 2.6)")],
        "no-change": [],
        // Every environment's grants, statements and alarms move: a big PR, which must stay one readable comment.
        "prefix-rename": [Edit("environments/staging.yaml", "prefix: base-wecare-digital-staging", "prefix: base-wecare-digital-stage")],
    ]

    func golden(_ name: String, expect risks: Set<Risk>, file: StaticString = #filePath, line: UInt = #line) throws {
        let run = try diff(Self.pairs[name]!)
        XCTAssertEqual(Set(run.report.changes.map(\.risk)), risks, "risk classes of \(name)", file: file, line: line)
        try assertGolden(run.render(.markdown), "\(name).md", file: file, line: line)
        try assertGolden(run.render(.json), "\(name).json", file: file, line: line)
        try assertGolden(run.render(.text), "\(name).txt", file: file, line: line)
    }

    func testTableKeyIsDataLoss() throws { try golden("table-key", expect: [.dataLoss]) }
    func testTTLAttributeIsDataLoss() throws { try golden("ttl-attribute", expect: [.dataLoss, .other]) }
    func testAccessEntryIsSecurityBroadening() throws { try golden("access-entry", expect: [.securityBroadening]) }
    func testPreviewLiveIsSendMode() throws { try golden("preview-live", expect: [.sendMode]) }
    func testBranchPatternIsSendMode() throws { try golden("branch-pattern", expect: [.sendMode]) }
    func testRateAndTimeoutAreCapacity() throws { try golden("rate-and-timeout", expect: [.capacity]) }
    func testDescriptionIsOther() throws { try golden("description", expect: [.other]) }

    func testABigPullRequestIsOneCommentUnderTheCap() throws {
        try golden("prefix-rename", expect: [.dataLoss, .securityBroadening, .securityNarrowing, .other])
        let run = try diff(Self.pairs["prefix-rename"]!)
        XCTAssertGreaterThanOrEqual(run.report.changes.count, 100)
        let markdown = run.render(.markdown)
        XCTAssertLessThan(markdown.utf8.count, 60_000)
        XCTAssertTrue(markdown.hasPrefix("<!-- wecare-diff -->\n"))
        XCTAssertFalse(markdown.contains("The comment is cut"))
    }

    func testAHugeReportIsCutAtTheCapWithANote() {
        let changes = (0..<3000).map { i in
            Change(environment: "production", risk: i % 3 == 0 ? .dataLoss : .other, resource: DiffResource("queue", "q\(i)"), field: "QueueName",
                   before: "base-wecare-digital-q\(i)", after: "base-wecare-digital-r\(i)", why: "QueueName changes: CloudFormation creates a new, empty queue.")
        }
        let report = DiffReport(base: "main", head: DiffReport.workingTree, environments: ["production"], changes: changes.sorted())
        let markdown = DiffFormat.markdown.render(report)
        XCTAssertLessThanOrEqual(markdown.utf8.count, 61_000)
        XCTAssertTrue(markdown.contains("The comment is cut at 60 KB"), String(markdown.suffix(400)))
        XCTAssertTrue(markdown.contains("Every change is in the JSON report"))
        XCTAssertTrue(markdown.hasSuffix("`wecare diff --format json`, kept as this run's artifact).\n"))
    }

    func testNoChangeIsOneLine() throws {
        try golden("no-change", expect: [])
        let run = try diff([])
        for format in [DiffFormat.markdown, .text] {
            XCTAssertEqual(run.render(format), "No changes to the platform between shipped specs and the working tree.\n")
        }
        XCTAssertEqual(run.exitCode(failOn: Set(Risk.allCases)), 0)
    }
}
