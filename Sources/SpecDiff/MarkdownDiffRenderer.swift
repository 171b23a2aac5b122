/// A pull-request comment: a title, a summary table (risk classes × environments), then each
/// environment's changes grouped by risk, each with `before → after` and why it has its risk.
enum MarkdownDiffRenderer {
    static func render(_ r: DiffReport) -> String {
        guard !r.isEmpty else { return r.noChangeSentence + "\n" }
        var out = "### wecare diff: \(r.base) → \(r.head)\n\n"
        out += "| Risk | " + r.environments.joined(separator: " | ") + " |\n"
        out += "|---|" + String(repeating: "---:|", count: r.environments.count) + "\n"
        for risk in Risk.allCases {
            out += "| \(risk) | " + r.environments.map { String(r.count(risk, in: $0)) }.joined(separator: " | ") + " |\n"
        }
        if r.changes.contains(where: { $0.environment == Change.allEnvironments }) {
            out += "\nEach environment's count includes the changes listed under **All environments**.\n"
        }
        for note in r.notes { out += "\n> **Note:** \(note)\n" }
        let sections = [Change.allEnvironments] + r.environments.filter { $0 != Change.allEnvironments }
        for env in sections {
            let changes = r.changes.filter { $0.environment == env }
            guard !changes.isEmpty else { continue }
            out += "\n#### \(env == Change.allEnvironments ? "All environments" : env)\n"
            for risk in Risk.allCases {
                let group = changes.filter { $0.risk == risk }
                guard !group.isEmpty else { continue }
                out += "\n**\(risk)**\n\n"
                for c in group {
                    out += "- \(c.resource.kind) `\(c.resource.name)` · `\(c.field)`: \(code(c.before)) → \(code(c.after))  \n"
                    out += "  \(c.why)\n"
                }
            }
        }
        return out
    }

    /// Inline code that survives a backtick in the value; an absent value is a dash.
    static func code(_ value: String?) -> String {
        guard let value else { return "—" }
        if value.isEmpty { return "(empty)" }
        return value.contains("`") ? "`` \(value) ``" : "`\(value)`"
    }
}
