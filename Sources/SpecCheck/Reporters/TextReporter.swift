import SpecModel

/// Compiler-style text: `file:line:col: error: message [rule]`, the source line, a caret, the hint.
enum TextReporter {
    static func render(_ input: ReportInput) -> String {
        var out = ""
        for d in input.report.diagnostics {
            let envs = d.environments.isEmpty ? "" : " (in \(d.environments.joined(separator: ", ")))"
            out += "\(d.location): \(d.severity.rawValue): \(d.message)\(envs) [\(d.rule)]\n"
            if let line = input.line(d.location) {
                out += "    \(line)\n"
                let pad = String(line.prefix(max(d.location.column - 1, 0)).map { $0 == "\t" ? "\t" : " " })
                out += "    \(pad)^\n"
            }
            if let hint = d.hint { out += "    hint: \(hint)\n" }
        }
        if let branch = input.branch { out += branch.sentence + "\n" }
        out += "checked \(input.environments.joined(separator: ", ")): \(Reporter.summary(input.report))\n"
        return out
    }
}
