import Pipeline
import SpecLoading
import SpecModel
import TestSupport
import XCTest

/// Mutates the shipped specs at random, thousands of times: the checker must never crash,
/// only report diagnostics. The generator is seeded, so a failure is reproducible.
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
        for _ in 0..<iterations {
            var files = original
            let count = Int.random(in: 1...2, using: &rng)
            for _ in 0..<count {
                let i = Int.random(in: 0..<files.count, using: &rng)
                files[i].text = mutate(files[i].text, &rng)
            }
            // One environment per run (and every fifth run all of them) keeps thousands of runs fast.
            let env = environments.randomElement(using: &rng)!
            guard let run = try? CheckRun.run(files: files, environment: env, today: testToday) else { continue }
            if run.report.errorCount > 0 { withErrors += 1 }
            for d in run.report.diagnostics {
                XCTAssertGreaterThanOrEqual(d.location.line, 1)
                XCTAssertGreaterThanOrEqual(d.location.column, 1)
                XCTAssertFalse(d.message.isEmpty)
            }
            _ = run.render(.text)
        }
        XCTAssertGreaterThan(withErrors, iterations / 2, "most mutations break something and must be reported")
    }
}
