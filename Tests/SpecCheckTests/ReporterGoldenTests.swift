import Foundation
import Pipeline
import SpecCheck
import XCTest

/// Golden files of every rule's failing example in text, JSON and SARIF: a change to any
/// message, location or format shows up as a reviewed diff.
final class ReporterGoldenTests: XCTestCase {
    func render(_ format: ReportFormat) throws -> String {
        var out = ""
        for rule in RuleCatalogue.all {
            let run = try check(exampleTree(rule.failing))
            out += "==== \(rule.id) ====\n" + run.render(format)
        }
        return out
    }

    func testText() throws {
        if let failure = try assertGolden(try render(.text), "failing-examples.txt") { XCTFail(failure) }
    }

    func testJSON() throws {
        if let failure = try assertGolden(try render(.json), "failing-examples.json") { XCTFail(failure) }
    }

    func testSARIF() throws {
        if let failure = try assertGolden(try render(.sarif), "failing-examples.sarif") { XCTFail(failure) }
    }

    func testGitHubAndMarkdown() throws {
        if let failure = try assertGolden(try render(.github), "failing-examples.github.txt") { XCTFail(failure) }
        if let failure = try assertGolden(try render(.markdown), "failing-examples.md") { XCTFail(failure) }
    }

    func testJSONAndSARIFParse() throws {
        let rule = RuleCatalogue.rule("sqs.visibility-timeout")!
        let run = try check(exampleTree(rule.failing))
        let json = try JSONSerialization.jsonObject(with: Data(run.render(.json).utf8)) as! [String: Any]
        XCTAssertEqual(json["version"] as? Int, 1)
        let first = (json["diagnostics"] as! [[String: Any]]).first!
        XCTAssertEqual(first["rule"] as? String, "sqs.visibility-timeout")
        XCTAssertEqual(first["line"] as? Int, 4)

        let sarif = try JSONSerialization.jsonObject(with: Data(run.render(.sarif).utf8)) as! [String: Any]
        XCTAssertEqual(sarif["version"] as? String, "2.1.0")
        let runs = sarif["runs"] as! [[String: Any]]
        let results = runs[0]["results"] as! [[String: Any]]
        XCTAssertEqual(results.first?["ruleId"] as? String, "sqs.visibility-timeout")
        let rules = ((runs[0]["tool"] as! [String: Any])["driver"] as! [String: Any])["rules"] as! [[String: Any]]
        XCTAssertEqual(results.first?["ruleIndex"] as? Int, rules.firstIndex { $0["id"] as? String == "sqs.visibility-timeout" })
    }

    func testGitHubCommandsEscapeData() throws {
        let rule = RuleCatalogue.rule("sqs.visibility-timeout")!
        let out = try check(exampleTree(rule.failing)).render(.github)
        XCTAssertTrue(out.hasPrefix("::error file=specs/queues.yaml,line=4,col=24,title=sqs.visibility-timeout::"), out)
        XCTAssertTrue(out.contains("%0Ahint: "), "the hint is on its own line, newline escaped")
    }
}
