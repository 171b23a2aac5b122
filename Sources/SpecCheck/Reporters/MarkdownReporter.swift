import SpecModel

/// A pull-request comment: a summary line, then a table of findings.
enum MarkdownReporter {
    static func render(_ input: ReportInput) -> String {
        var out = "### wecare check\n\n"
        let r = input.report
        out += (r.errorCount == 0 ? "✅ " : "❌ ") + "\(Reporter.summary(r)) in \(input.environments.joined(separator: ", "))\n"
        if let branch = input.branch { out += "\n\(branch.sentence)\n" }
        guard !r.diagnostics.isEmpty else { return out }
        out += "\n| | Rule | Where | Finding | Fix |\n|---|---|---|---|---|\n"
        for d in r.diagnostics {
            let icon = d.severity == .error ? "❌" : d.severity == .warning ? "⚠️" : "ℹ️"
            let envs = d.environments.isEmpty ? "" : " (\(d.environments.joined(separator: ", ")))"
            out += "| \(icon) | `\(d.rule)` | `\(d.location)` | \(cell(d.message))\(envs) | \(cell(d.hint ?? "")) |\n"
        }
        return out
    }

    static func cell(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
