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

    public init(report: CheckReport, sources: [String: String], environments: [String], branch: BranchResolution? = nil) {
        self.report = report
        self.sources = sources
        self.environments = environments
        self.branch = branch
    }

    func line(_ location: SourceLocation) -> String? {
        guard let text = sources[location.file] else { return nil }
        var n = 1
        var start = text.startIndex
        while n < location.line {
            guard let nl = text[start...].firstIndex(of: "\n") else { return nil }
            start = text.index(after: nl)
            n += 1
        }
        let end = text[start...].firstIndex(of: "\n") ?? text.endIndex
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
