import Foundation
import Pipeline
import SpecLoading
import SpecCheck
import SpecModel
import TestSupport
import XCTest

/// Mutates the shipped specs at random, thousands of times: the checker must never crash or throw, only report
/// diagnostics that point inside the files, with an exit status that agrees with them, the same each time, in
/// formats that parse. The generator is seeded, so a failure is reproducible.
final class FuzzTests: XCTestCase {
    static let replacements = ["[1, 2]", "{ a: b }", "42", "\"\"", "true", "~", "-5", "999999999999999999999", "{ table: Nope }",
                               "\"*\"", "[]", "{}", "LIVE", "0s", "x: y: z", "\"unterminated", "- item", "&anchor value", "*alias"]

    func mutate(_ text: String, _ rng: inout SplitMix) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard !lines.isEmpty else { return text }
        let n = Int.random(in: 1...3, using: &rng)
        for _ in 0..<n {
            let i = Int.random(in: 0..<lines.count, using: &rng)
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: lines.remove(at: i)                                   // delete a key
            case 1: lines.insert(lines[i], at: i)                          // duplicate an entry
            case 2:                                                        // swap a value's type
                if let colon = lines[i].firstIndex(of: ":") {
                    lines[i] = String(lines[i][...colon]) + " " + Self.replacements.randomElement(using: &rng)!
                }
            case 3: lines.swapAt(i, Int.random(in: 0..<lines.count, using: &rng))
            case 4: lines[i] = "  " + lines[i]                            // break indentation
            default:                                                       // truncate a line
                lines[i] = String(lines[i].prefix(Int.random(in: 0...max(lines[i].count, 1), using: &rng)))
            }
            if lines.isEmpty { break }
        }
        return lines.joined(separator: "\n")
    }

    func testRandomMutationsNeverCrash() throws {
        let original = try shippedSpecs()
        var rng = SplitMix(seed: 0x5EED)
        let iterations = 2_000
        let environments = ["local", "preview", "production", "staging", nil]
        var withErrors = 0
        for iteration in 0..<iterations {
            var files = original
            let count = Int.random(in: 1...2, using: &rng)
            for _ in 0..<count {
                let i = Int.random(in: 0..<files.count, using: &rng)
                files[i].text = mutate(files[i].text, &rng)
            }
            // One environment per run (and every fifth run all of them) keeps thousands of runs fast.
            let env = environments.randomElement(using: &rng)!
            let run: CheckRun
            do {
                run = try CheckRun.run(files: files, environment: env, today: testToday)
            } catch CheckRun.Failure.unknownEnvironment {
                continue   // the mutation removed the environment asked for: that is the answer, not a failure
            } catch {
                XCTFail("the checker threw \(error) instead of reporting")
                continue
            }
            if run.report.errorCount > 0 { withErrors += 1 }
            // The exit status agrees with what is reported.
            let errors = run.report.diagnostics.filter { $0.severity == .error }.count + run.report.omittedErrors
            XCTAssertEqual(run.report.errorCount, errors)
            XCTAssertEqual(run.exitCode(warningsAsErrors: false), errors > 0 ? 1 : 0)
            // Every finding points inside a file that exists, at a line it has.
            let lineCounts = Dictionary(uniqueKeysWithValues: files.map { ($0.path, $0.text.split(separator: "\n", omittingEmptySubsequences: false).count) })
            for d in run.report.diagnostics {
                XCTAssertGreaterThanOrEqual(d.location.line, 1)
                XCTAssertGreaterThanOrEqual(d.location.column, 1)
                XCTAssertFalse(d.message.isEmpty)
                if let lines = lineCounts[d.location.file] {
                    XCTAssertLessThanOrEqual(d.location.line, lines + 1, "\(d.rule) points past the end of \(d.location.file)")
                } else {
                    XCTFail("\(d.rule) points at \(d.location.file), which is no file of the specs")
                }
            }
            let text = run.render(.text)
            // Every tenth run: the same input gives the same output, and the machine formats parse.
            if iteration % 10 == 0 {
                let again = try CheckRun.run(files: files, environment: env, today: testToday)
                XCTAssertEqual(again.render(.text), text, "the same specs were reported differently")
                for format in [ReportFormat.json, .sarif] {
                    XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(run.render(format).utf8)), "\(format) does not parse")
                }
            }
        }
        XCTAssertGreaterThan(withErrors, iterations / 2, "most mutations break something and must be reported")
    }
}
