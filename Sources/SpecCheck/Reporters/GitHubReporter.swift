import SpecModel

/// GitHub Actions workflow commands: annotations on the pull request's changed lines.
enum GitHubReporter {
    static func render(_ input: ReportInput) -> String {
        var out = ""
        for d in input.report.diagnostics {
            let command = d.severity == .error ? "error" : d.severity == .warning ? "warning" : "notice"
            var message = d.message
            if let hint = d.hint { message += "\nhint: \(hint)" }
            out += "::\(command) file=\(property(d.location.file)),line=\(d.location.line),col=\(d.location.column),title=\(property(d.rule))::\(data(message))\n"
        }
        if let branch = input.branch { out += branch.sentence + "\n" }
        out += "checked \(input.environments.joined(separator: ", ")): \(Reporter.summary(input.report))\n"
        return out
    }

    /// Escaping of workflow command data (the message).
    static func data(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
    }

    /// Escaping of workflow command properties (file, title).
    static func property(_ s: String) -> String {
        data(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
