import SpecCheck

/// The rule documentation `wecare explain` prints and README.md's rule catalogue is made from.
public enum RuleDocs {
    public static func explain(_ rule: Rule) -> String {
        var out = "\(rule.id) (\(rule.family), \(rule.severity.rawValue)\(rule.waivable ? "" : ", cannot be waived"))\n"
        out += "\(rule.summary).\n\n\(rule.documentation)\n"
        for (title, examples) in [("Failing example", rule.failing), ("Passing example", rule.passing)] {
            for example in examples {
                out += "\n\(title) — \(example.file):\n"
                for line in example.yaml.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
                    out += "    \(line)\n"
                }
            }
        }
        return out
    }

    public static func list() -> String {
        let width = RuleCatalogue.all.map(\.id.count).max() ?? 0
        return RuleCatalogue.all.map { $0.id.padding(width) + "  " + $0.summary }.joined(separator: "\n") + "\n"
    }

    /// The rule catalogue as Markdown, between the README's catalogue markers.
    public static func markdownCatalogue() -> String {
        var out = ""
        var family = ""
        for rule in RuleCatalogue.all {
            if rule.family != family {
                family = rule.family
                out += "\n#### \(family)\n\n| Rule | Severity | What it checks |\n|---|---|---|\n"
            }
            let sev = rule.severity.rawValue + (rule.waivable ? "" : " (no waiver)")
            out += "| `\(rule.id)` | \(sev) | \(rule.summary). \(rule.documentation.replacingOccurrences(of: "|", with: "\\|")) |\n"
        }
        return out
    }
}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
