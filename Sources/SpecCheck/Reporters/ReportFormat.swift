import SpecModel

/// The output formats of `wecare check`. Each renders the same report value.
public enum ReportFormat: String, CaseIterable, Sendable {
    case text, json, sarif, github, markdown
}

/// What a reporter needs besides the diagnostics: the source text, for the line under a caret.
public struct ReportInput: Sendable {
    public var report: CheckReport
    public var sources: [String: String]
    public var environments: [String]
    /// A `--branch` resolution to print, if asked.
    public var branch: BranchResolution?

    /// Where each line of each file starts, found once, so that showing the line under every diagnostic
    /// costs the same for the thousandth diagnostic of a file as for the first.
    private let lineStarts: [String: [String.Index]]

    public init(report: CheckReport, sources: [String: String], environments: [String], branch: BranchResolution? = nil) {
        self.report = report
        self.sources = sources
        self.environments = environments
        self.branch = branch
        let files = Set(report.diagnostics.map(\.location.file))
        lineStarts = Dictionary(uniqueKeysWithValues: sources.filter { files.contains($0.key) }.map { path, text in
            var starts = [text.startIndex]
            for i in text.indices where text[i] == "\n" { starts.append(text.index(after: i)) }
            return (path, starts)
        })
    }

    func line(_ location: SourceLocation) -> String? {
        guard let text = sources[location.file], let starts = lineStarts[location.file], location.line >= 1, location.line <= starts.count else { return nil }
        let start = starts[location.line - 1]
        let end = location.line < starts.count ? text.index(before: starts[location.line]) : text.endIndex
        return String(text[start..<end])
    }
}

/// Where a branch deploys, as `--branch` reports it.
public struct BranchResolution: Sendable {
    public var branch: String
    public var environment: String?
    public var sendMode: String?

    public init(branch: String, environment: String?, sendMode: String?) {
        self.branch = branch
        self.environment = environment
        self.sendMode = sendMode
    }

    public var sentence: String {
        guard let environment, let sendMode else { return "branch '\(branch)' deploys nowhere: no environment's branch rules match it" }
        return "branch '\(branch)' deploys to \(environment) with SEND_MODE=\(sendMode)"
    }
}

public enum Reporter {
    public static func render(_ input: ReportInput, as format: ReportFormat) -> String {
        switch format {
        case .text: TextReporter.render(input)
        case .json: JSONReporter.render(input)
        case .sarif: SARIFReporter.render(input)
        case .github: GitHubReporter.render(input)
        case .markdown: MarkdownReporter.render(input)
        }
    }

    static func summary(_ report: CheckReport) -> String {
        let e = report.errorCount, w = report.warningCount
        var s = "\(e) error\(e == 1 ? "" : "s"), \(w) warning\(w == 1 ? "" : "s")"
        if !report.waived.isEmpty { s += ", \(report.waived.count) waived" }
        return s
    }
}
