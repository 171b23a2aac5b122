import Pipeline
import SpecDiff
import XCTest

/// `--fail-on`, `--format` and the failures that exit 2, through DiffRun as the CLI calls it.
final class ExitCodeTests: XCTestCase {
    func testFailOnListsRiskClasses() throws {
        XCTAssertEqual(try DiffRun.risks("data-loss,security"), [.dataLoss, .securityBroadening], "security alone means broadening")
        XCTAssertEqual(try DiffRun.risks("security-narrowing"), [.securityNarrowing])
        XCTAssertEqual(try DiffRun.risks(" send-mode , capacity,other "), [.sendMode, .capacity, .other])
        XCTAssertEqual(try DiffRun.risks(""), [])
        XCTAssertThrowsError(try DiffRun.risks("data-loss,dataloss")) { error in
            XCTAssertEqual(String(describing: error),
                           "unknown risk class 'dataloss'; use a comma-separated list of data-loss, send-mode, security-broadening, "
                           + "security-narrowing, capacity, other (security means security-broadening)")
        }
    }

    func testFormats() throws {
        XCTAssertEqual(try DiffRun.format("markdown"), .markdown)
        XCTAssertEqual(try DiffRun.format("json"), .json)
        XCTAssertEqual(try DiffRun.format("text"), .text)
        XCTAssertThrowsError(try DiffRun.format("sarif"))
    }

    func testExitStatusFollowsFailOn() throws {
        let run = try diff(DiffGoldenTests.pairs["access-entry"]!)
        XCTAssertEqual(run.exitCode(failOn: []), 0, "without --fail-on a diff never fails")
        XCTAssertEqual(run.exitCode(failOn: [.dataLoss]), 0)
        XCTAssertEqual(run.exitCode(failOn: [.dataLoss, .securityBroadening]), 1)
        XCTAssertEqual(run.exitCode(failOn: [.securityNarrowing]), 0)
        // Taking access away narrows: `--fail-on security` does not fail on it.
        let narrowed = try diff([Edit("specs/functions.yaml", "      - { table: Contacts, allow: [read] }\n\n  inbound-whatsapp-handler:", "\n  inbound-whatsapp-handler:")])
        XCTAssertTrue(narrowed.report.changes.contains { $0.risk == .securityNarrowing }, "\(narrowed.report.changes.map(\.risk))")
        XCTAssertFalse(narrowed.report.changes.contains { $0.risk == .securityBroadening }, "\(narrowed.report.changes.map { "\($0.risk) \($0.resource) \($0.field)" })")
        XCTAssertEqual(narrowed.exitCode(failOn: try DiffRun.risks("security")), 0)
        XCTAssertEqual(narrowed.exitCode(failOn: try DiffRun.risks("security-narrowing")), 1)
        XCTAssertEqual(try diff(DiffGoldenTests.pairs["preview-live"]!).exitCode(failOn: try DiffRun.risks("send-mode")), 1)
        XCTAssertEqual(try diff(DiffGoldenTests.pairs["description"]!).exitCode(failOn: try DiffRun.risks("data-loss,security,send-mode,capacity")), 0)
    }

    func testSpecsThatLoseAFileCannotBeDiffed() throws {
        let broken = try edited([Edit("specs/queues.yaml", "queues:\n", "queues:\n  - [\n")])
        XCTAssertThrowsError(try DiffRun.run(base: try shippedSpecs(), baseLabel: "shipped specs", head: broken, today: testToday)) { error in
            guard case DiffRun.Failure.brokenModel(let side, let diagnostics) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(side, DiffReport.workingTree)
            XCTAssertEqual(diagnostics.first?.rule, "yaml.syntax")
            XCTAssertTrue(String(describing: error).hasPrefix("cannot diff: the specs of the working tree do not load"))
        }
        XCTAssertThrowsError(try DiffRun.run(base: broken, baseLabel: "old", head: try shippedSpecs(), today: testToday))
    }

    func testSpecsWithCheckErrorsAreDiffedWithANote() throws {
        let run = try diff(DiffGoldenTests.pairs["preview-live"]!)
        XCTAssertEqual(run.report.notes, ["the working tree has 1 check error (`wecare check` lists it); it is diffed anyway."])
    }
}
