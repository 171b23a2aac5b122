import Foundation

/// A pull-request comment, built for GitHub: a hidden marker (so CI updates one sticky comment), a one-screen
/// summary (counts per risk and environment, the head's check errors with their rule ids, every data-loss and
/// send-mode change), then one collapsed `<details>` per environment, role policy changes as a statement table.
/// The comment stays under GitHub's limit: past `sizeLimit` the rest is cut, and a note says where the full list is.
enum MarkdownDiffRenderer {
    /// The first line of every comment: what a CI step searches for to update the comment instead of adding one.
    static let marker = "<!-- wecare-diff -->"
    /// GitHub refuses comments over 65,536 characters; this leaves room for the note and the closing tags.
    static let sizeLimit = 60_000

    static func render(_ r: DiffReport) -> String {
        guard !r.isEmpty || !r.checkErrors.isEmpty else { return r.noChangeSentence + "\n" }
        var head = "\(marker)\n### wecare diff: \(r.base) → \(r.head)\n\n"
        let totals = Risk.allCases.map { ($0, r.count($0)) }.filter { $0.1 > 0 }
        head += "**\(r.changes.count) change\(r.changes.count == 1 ? "" : "s")**: " + totals.map { "\($0.1) \($0.0)" }.joined(separator: " · ") + "\n\n"
        head += "| Risk | " + r.environments.joined(separator: " | ") + " |\n"
        head += "|---|" + String(repeating: "---:|", count: r.environments.count) + "\n"
        for risk in Risk.allCases where r.count(risk) > 0 {
            head += "| \(risk) | " + r.environments.map { String(r.count(risk, in: $0)) }.joined(separator: " | ") + " |\n"
        }
        if r.changes.contains(where: { $0.environment == Change.allEnvironments }) {
            head += "\nEach environment's count includes the changes listed under **All environments**.\n"
        }
        if !r.checkErrors.isEmpty {
            head += "\n> [!CAUTION]\n> **\(r.head == DiffReport.workingTree ? "The working tree" : r.head) has \(r.checkErrors.count) check error\(r.checkErrors.count == 1 ? "" : "s")** "
                + "(deployments are refused until they are fixed):\n"
            for e in r.checkErrors.prefix(20) { head += "> - \(e)\n" }
            if r.checkErrors.count > 20 { head += "> - … and \(r.checkErrors.count - 20) more (`wecare check`)\n" }
        }
        for note in r.notes { head += "\n> **Note:** \(note)\n" }
        let urgent = r.changes.filter { $0.risk == .dataLoss || $0.risk == .sendMode }
        if !urgent.isEmpty {
            head += "\n**Data loss and send mode, first:**\n\n"
            for c in urgent.prefix(30) { head += bullet(c, environment: true) }
            if urgent.count > 30 { head += "- … and \(urgent.count - 30) more, below\n" }
        }

        var body = ""
        var shown = 0
        let sections = [Change.allEnvironments] + r.environments.filter { $0 != Change.allEnvironments }
        // The graphs come after every change: the cap cuts pictures before it cuts changes.
        let graphs = r.environments.compactMap { env in r.graphs[env].map { (env, $0) } }
        sectionLoop: for env in sections {
            let changes = r.changes.filter { $0.environment == env }
            guard !changes.isEmpty else { continue }
            let counts = Risk.allCases.compactMap { risk -> String? in
                let n = changes.filter { $0.risk == risk }.count
                return n == 0 ? nil : "\(n) \(risk)"
            }
            let open = "\n<details><summary><b>\(env == Change.allEnvironments ? "All environments" : env)</b>: \(counts.joined(separator: ", "))</summary>\n"
            var section = open
            for risk in Risk.allCases {
                let group = changes.filter { $0.risk == risk }
                guard !group.isEmpty else { continue }
                section += "\n**\(risk)**\n\n"
                let statements = group.filter { $0.resource.kind == "statement" }
                if !statements.isEmpty { section += statementTable(statements) }
                for c in group where c.resource.kind != "statement" { section += bullet(c, environment: false) }
            }
            section += "\n</details>\n"
            guard head.utf8.count + body.utf8.count + section.utf8.count <= sizeLimit else {
                // Cut inside the section, line by line, so a huge environment still shows its first changes.
                var partial = open
                for line in section.dropFirst(open.count).split(separator: "\n", omittingEmptySubsequences: false) {
                    let next = String(line) + "\n"
                    guard head.utf8.count + body.utf8.count + partial.utf8.count + next.utf8.count <= sizeLimit else { break }
                    partial += next
                    if line.hasPrefix("- ") || line.hasPrefix("| `") { shown += 1 }
                }
                body += partial + "\n</details>\n"
                body += "\n> [!NOTE]\n> The comment is cut at \(sizeLimit / 1000) KB: \(shown) of \(r.changes.count) changes are shown. "
                    + "Every change is in the JSON report (`wecare diff --format json`, kept as this run's artifact).\n"
                break sectionLoop
            }
            shown += changes.count
            body += section
        }
        for (env, graph) in graphs where !body.contains("The comment is cut") {
            let section = "\n<details><summary><b>\(env)</b>: the resources, changed ones marked</summary>\n\n\(graph)\n</details>\n"
            guard head.utf8.count + body.utf8.count + section.utf8.count <= sizeLimit else { break }
            body += section
        }
        return head + body
    }

    static func bullet(_ c: Change, environment: Bool) -> String {
        let env = environment ? "**\(c.environment == Change.allEnvironments ? "all" : c.environment)** · \(c.risk) · " : ""
        return "- \(env)\(c.resource.kind) `\(c.resource.name)` · `\(c.field)`: \(code(c.before)) → \(code(c.after))  \n  \(c.why)\n"
    }

    /// Role policy changes as a table: the statement and its effect, what changes (Action, Resource, …), removed and added, ARNs whole.
    static func statementTable(_ changes: [Change]) -> String {
        var out = "| Statement | Effect | Field | Removed | Added |\n|---|---|---|---|---|\n"
        for c in changes {
            out += "| `\(c.resource.name)` | \(c.effect ?? "Allow") | \(c.field) | \(cell(c.before)) | \(cell(c.after)) |\n"
        }
        return out + "\n" + Set(changes.map(\.why)).sorted().map { "\($0)\n" }.joined() + "\n"
    }

    static func cell(_ value: String?) -> String {
        guard let value else { return "" }
        return code(value).replacingOccurrences(of: "|", with: "\\|")
    }

    /// Inline code that survives a backtick in the value; an absent value is a dash.
    static func code(_ value: String?) -> String {
        guard let value else { return "—" }
        if value.isEmpty { return "(empty)" }
        return value.contains("`") ? "`` \(value) ``" : "`\(value)`"
    }
}
