import SpecCheck
import SpecLoading
import SpecModel

/// Load and check in one call: what `wecare check` (and every later command) starts with.
public struct CheckRun: Sendable {
    public var files: [SourceFile]
    public var platform: Platform?
    public var report: CheckReport
    public var environments: [String]

    public enum Failure: Error, CustomStringConvertible {
        case unknownEnvironment(String, known: [String])
        public var description: String {
            switch self {
            case .unknownEnvironment(let name, let known):
                "unknown environment '\(name)'; the specs declare: \(known.joined(separator: ", "))"
            }
        }
    }

    /// - Parameter environment: check only this environment; all when nil.
    public static func run(files: [SourceFile], environment: String? = nil, today: String) throws -> CheckRun {
        let loaded = SpecLoader.load(files)
        let platform = loaded.platform
        let known = (platform?.environments ?? []).map(\.name.value).sorted()
        if let environment, !known.contains(environment) {
            throw Failure.unknownEnvironment(environment, known: known)
        }
        let selected = environment.map { [$0] } ?? known
        let report: CheckReport
        if let platform {
            report = Checker.check(platform, loaderDiagnostics: loaded.diagnostics, environments: selected, today: today)
        } else {
            report = CheckReport(diagnostics: loaded.diagnostics.sorted(), waived: [])
        }
        return CheckRun(files: files, platform: platform, report: report, environments: selected)
    }

    public var sources: [String: String] { Dictionary(uniqueKeysWithValues: files.map { ($0.path, $0.text) }) }

    public func branch(_ name: String) -> BranchResolution {
        let env = platform.flatMap { BranchRules.environment(for: name, in: $0.environments) }
        return BranchResolution(branch: name, environment: env?.name.value, sendMode: env?.sendMode.value.rawValue)
    }

    public func render(_ format: ReportFormat, branch: String? = nil) -> String {
        Reporter.render(ReportInput(report: report, sources: sources, environments: environments, branch: branch.map(self.branch)), as: format)
    }

    /// 0 clean, 1 errors (or warnings with `warningsAsErrors`).
    public func exitCode(warningsAsErrors: Bool) -> Int32 {
        report.errorCount > 0 || (warningsAsErrors && report.warningCount > 0) ? 1 : 0
    }
}
