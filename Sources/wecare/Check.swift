import ArgumentParser
import Foundation
import Pipeline
import SpecCheck

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate specs/ and environments/ and report every violation.",
        discussion: "Exit status: 0 clean, 1 errors found, 2 usage or I/O error.")

    @Option(help: "Check only this environment (default: all).") var env: String?
    @Option(help: "Also print which environment and SEND_MODE this branch deploys to.") var branch: String?
    @Option(help: "Output format: text, json, sarif, github, markdown.") var format: ReportFormat = .text
    @Flag(help: "Exit 1 on warnings too.") var warningsAsErrors = false
    @Option(help: "Show at most N findings per file and rule, then a note counting the rest (0: all).") var maxPerRule: Int = CheckReport.defaultLimit
    @Option(help: "Project root holding specs/ and environments/.") var root: String = "."

    func validate() throws {
        guard maxPerRule >= 0 else { throw ValidationError("--max-per-rule takes 0 (all) or a positive number, got \(maxPerRule)") }
    }

    func run() throws {
        do {
            let files = try SpecTree.read(root: URL(fileURLWithPath: root))
            let result = try CheckRun.run(files: files, environment: env, today: Today.string(), maxPerRule: maxPerRule)
            print(result.render(format, branch: branch), terminator: "")
            throw ExitCode(result.exitCode(warningsAsErrors: warningsAsErrors))
        } catch let error as SpecTree.ReadError {
            FileHandle.standardError.write(Data("wecare: \(error.description)\n".utf8))
            throw ExitCode(2)
        } catch let error as CheckRun.Failure {
            FileHandle.standardError.write(Data("wecare: \(error.description)\n".utf8))
            throw ExitCode(2)
        }
    }
}

extension ReportFormat: ExpressibleByArgument {}

enum Today {
    /// The UTC date, for waiver expiry; WECARE_TODAY overrides it for repeatable runs.
    static func string() -> String {
        if let fixed = ProcessInfo.processInfo.environment["WECARE_TODAY"] { return fixed }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        return f.string(from: Date())
    }
}
