import Pipeline
import SpecCheck
import SpecModel
import XCTest

/// Every rule's examples are tests: the failing one reports the rule at the marked place,
/// the passing one does not report it and leaves no error at all.
final class RuleExampleTests: XCTestCase {
    func testEveryRuleHasFailingAndPassingExamples() {
        for rule in RuleCatalogue.all {
            XCTAssertFalse(rule.failing.isEmpty, "\(rule.id) has no failing example")
            XCTAssertFalse(rule.passing.isEmpty, "\(rule.id) has no passing example")
            XCTAssertEqual(rule.failing.compactMap(\.unmarked).count, 1, "\(rule.id): exactly one failing example file carries the ↓ marker")
        }
    }

    func testRuleIdsAreUnique() {
        let ids = RuleCatalogue.all.map(\.id)
        XCTAssertEqual(ids.count, Set(ids).count)
    }

    func testFailingExamplesReportTheirRuleAtTheMarker() throws {
        for rule in RuleCatalogue.all {
            guard let marked = rule.failing.first(where: { $0.unmarked != nil }), let (_, line, column) = marked.unmarked else { continue }
            let run = try check(exampleTree(rule.failing))
            let hits = run.report.diagnostics.filter { $0.rule == rule.id }
            XCTAssertFalse(hits.isEmpty, "\(rule.id): failing example reported nothing of this rule; got \(run.report.diagnostics.map { "\($0.rule)@\($0.location)" })")
            let expected = SourceLocation(file: marked.file, line: line, column: column)
            XCTAssertTrue(hits.contains { $0.location == expected },
                          "\(rule.id): expected a finding at \(expected), got \(hits.map { "\($0.location) \($0.message)" })")
            for hit in hits {
                XCTAssertFalse(hit.message.isEmpty)
                XCTAssertFalse(hit.hint?.isEmpty ?? true, "\(rule.id) finding without a hint: \(hit.message)")
            }
        }
    }

    func testPassingExamplesAreClean() throws {
        for rule in RuleCatalogue.all {
            let run = try check(exampleTree(rule.passing))
            let hits = run.report.diagnostics.filter { $0.rule == rule.id }
            XCTAssertTrue(hits.isEmpty, "\(rule.id): passing example reported \(hits.map { "\($0.location) \($0.message)" })")
            let errors = run.report.diagnostics.filter { $0.severity == .error }
            XCTAssertTrue(errors.isEmpty, "\(rule.id): passing example has errors \(errors.map { "\($0.rule)@\($0.location) \($0.message)" })")
        }
    }

    func testExampleBaseIsClean() throws {
        let run = try check(exampleTree([]))
        XCTAssertEqual(run.report.diagnostics.map { "\($0.rule)@\($0.location) \($0.message)" }, [])
    }
}
