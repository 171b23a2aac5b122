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

    /// - Parameters:
    ///   - environment: check only this environment; all when nil.
    ///   - maxPerRule: at most this many findings per file and rule (0: all); the rest are counted in a note.
    public static func run(files: [SourceFile], environment: String? = nil, today: String,
                           maxPerRule: Int = CheckReport.defaultLimit) throws -> CheckRun {
        let loaded = SpecLoader.load(files)
        let platform = loaded.platform
        let known = (platform?.environments ?? []).map(\.name.value).sorted()
        if let environment, !known.contains(environment) {
            throw Failure.unknownEnvironment(environment, known: known)
        }
        let selected = environment.map { [$0] } ?? known
        var report: CheckReport
        if let platform {
            report = Checker.check(platform, loaderDiagnostics: loaded.diagnostics, environments: selected, today: today)
        } else {
            report = CheckReport(diagnostics: loaded.diagnostics.sorted(), waived: [])
        }
        return CheckRun(files: files, platform: platform, report: rootCausesOnly(report, loader: loaded.diagnostics).capped(maxPerRule),
                        environments: selected)
    }

    /// YAML a file could not be read as (a syntax error, a duplicate key, an anchor) takes part of the model with
    /// it, so the later checks report what is missing elsewhere: references to it, grants it would use. Until it
    /// reads, only what the loader found is shown, and one note counts what the later checks would add.
    static func rootCausesOnly(_ report: CheckReport, loader: [Diagnostic]) -> CheckReport {
        let unreadable = loader.filter { $0.rule == RuleID.yamlSyntax || $0.rule == RuleID.duplicateKey }
        let fromLoader = Set(loader)
        let later = report.diagnostics.filter { !fromLoader.contains($0) }
        guard let first = unreadable.min() else { return report }
        let files = Set(unreadable.map(\.location.file)).sorted()
        let note = later.isEmpty ? [] : [Diagnostic(rule: first.rule, severity: .note, at: first.location,
                              "\(later.count) finding\(later.count == 1 ? "" : "s") of later checks not shown while \(files.joined(separator: ", ")) "
                                + "cannot be read as it stands; they may all follow from this",
                              hint: "fix the YAML error\(unreadable.count == 1 ? "" : "s") first and check again")]
        // The files that cannot be read first: the rest of what the loader says may follow from them too.
        let causes = Set(unreadable)
        let loaderFindings = report.diagnostics.filter { fromLoader.contains($0) }
        return CheckReport(diagnostics: loaderFindings.filter { causes.contains($0) }.sorted() + loaderFindings.filter { !causes.contains($0) }.sorted() + note,
                           waived: report.waived)
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
