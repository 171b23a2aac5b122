import ArgumentParser
import Foundation
import Pipeline
import SpecDiff

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare the specs at a base with the working tree and class every change by risk.",
        discussion: """
        Risk classes: data-loss, send-mode, security-broadening, security-narrowing, capacity, other (security means security-broadening).
        Exit status: 0, or 1 when --fail-on names a class that has changes; 2 on usage or I/O errors \
        (bad ref, unreadable specs, specs that do not load into a complete model).
        """)

    @Option(help: "Git ref or folder holding specs/ and environments/ (default: git merge-base HEAD main).") var base: String?
    @Option(help: "Output format: markdown, json, text.") var format: String = "text"
    @Option(help: "Comma-separated risk classes that make the exit status 1, e.g. data-loss,security-broadening.") var failOn: String?
    @Option(help: "Project root holding specs/ and environments/ (the head side).") var root: String = "."

    func run() throws {
        do {
            // Parsed here rather than by ArgumentParser, so that a usage error exits 2 like every other.
            let format = try DiffRun.format(format)
            let failOn = try failOn.map(DiffRun.risks) ?? []
            let rootURL = URL(fileURLWithPath: root)
            let result = try DiffRun.run(base: DiffRun.Base.parse(base), root: rootURL, today: Today.string())
            // Text prints its notes inline; elsewhere they would break the JSON or the one no-change line.
            for note in result.report.notes where format != .text || result.report.isEmpty {
                FileHandle.standardError.write(Data("wecare: note: \(note)\n".utf8))
            }
            print(result.render(format), terminator: "")
            throw ExitCode(result.exitCode(failOn: failOn))
        } catch let error as DiffRun.Failure {
            FileHandle.standardError.write(Data("wecare: \(error.description)\n".utf8))
            throw ExitCode(2)
        }
    }
}
