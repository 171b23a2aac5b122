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
    func testAccessEntryIsSecurity() throws { try golden("access-entry", expect: [.security]) }
    func testPreviewLiveIsSendMode() throws { try golden("preview-live", expect: [.sendMode]) }
    func testBranchPatternIsSendMode() throws { try golden("branch-pattern", expect: [.sendMode]) }
    func testRateAndTimeoutAreCapacity() throws { try golden("rate-and-timeout", expect: [.capacity]) }
    func testDescriptionIsOther() throws { try golden("description", expect: [.other]) }

    func testNoChangeIsOneLine() throws {
        try golden("no-change", expect: [])
        let run = try diff([])
        for format in [DiffFormat.markdown, .text] {
            XCTAssertEqual(run.render(format), "No changes to the platform between shipped specs and the working tree.\n")
        }
        XCTAssertEqual(run.exitCode(failOn: Set(Risk.allCases)), 0)
    }
}
