import Foundation

/// A pull-request or issue comment: a title, a summary table (one row per part), then each part's findings,
/// the role policy as a statement table.
enum DriftMarkdownRenderer {
    static func render(_ r: DriftReport) -> String {
        var out = "### wecare drift: \(r.environment) (`\(r.stack)`)\n\n"
        out += r.sentence + "\n\n"
        out += "| Part | Compared | Findings |\n|---|---|---:|\n"
        out += "| Resources (CloudFormation drift detection) | \(r.resources.notChecked == nil ? "yes" : "**no**") | \(r.resources.items.count) |\n"
        out += "| Template (deployed vs `\(r.templatePath)`) | \(r.template.notChecked == nil ? "yes" : "**no**") | \(r.template.items.count) |\n"
        out += "| Role policy (\(r.roleName.map { "`\($0)`" } ?? "no role") vs `\(r.policyPath)`) | \(r.policy.notChecked == nil ? "yes" : "**no**") | \(r.policy.items.count) |\n"
        for note in r.notes { out += "\n> **Note:** \(note)\n" }

        out += "\n#### Resources\n\n"
        if let reason = r.resources.notChecked {
            out += "Not compared: \(reason)\n"
        } else if r.resources.items.isEmpty {
            out += "No resource drifted" + (r.resourceCheck.map { " (\($0.inSync) in sync\($0.unchecked.isEmpty ? "" : ", \($0.unchecked.count) not checked"))" } ?? "") + ".\n"
        } else {
            out += "| Resource | Type | Status | Property | Template | Actual |\n|---|---|---|---|---|---|\n"
            for d in r.resources.items {
                if d.properties.isEmpty {
                    out += "| `\(d.logicalID)` | \(d.resourceType) | \(d.isDeleted ? "**deleted**" : "modified") | | | |\n"
                }
                for p in d.properties {
                    out += "| `\(d.logicalID)` | \(d.resourceType) | \(p.kind) | `\(p.path)` | \(code(p.kind == "ADD" ? nil : p.expected)) | \(code(p.kind == "REMOVE" ? nil : p.actual)) |\n"
                }
            }
        }

        out += "\n#### Template\n\n"
        if let reason = r.template.notChecked {
            out += "Not compared: \(reason)\n"
        } else if r.template.items.isEmpty {
            out += "The deployed template is `\(r.templatePath)`.\n"
        } else {
            for c in r.template.items {
                out += "- **\(c.risk)** \(c.resource.kind) `\(c.resource.name)` · `\(c.field)`: deployed \(code(c.before)) → generated \(code(c.after))  \n"
                out += "  \(c.why)\n"
            }
        }

        out += "\n#### Role policy\n\n"
        if let reason = r.policy.notChecked {
            out += "Not compared: \(reason)\n"
        } else if r.policy.items.isEmpty {
            out += "The role holds exactly what `\(r.policyPath)` grants.\n"
        } else {
            out += "| Statement | Held in | Missing | Extra |\n|---|---|---|---|\n"
            for row in r.policy.items {
                out += "| `\(row.statement)` | \(row.heldIn.isEmpty ? "—" : row.heldIn.map(cell).joined(separator: "<br>")) | "
                    + "\(row.missing.phrases.isEmpty ? "—" : row.missing.phrases.map(cell).joined(separator: "<br>")) | "
                    + "\(row.extra.phrases.isEmpty ? "—" : row.extra.phrases.map(cell).joined(separator: "<br>")) |\n"
            }
        }
        return out
    }

    /// Inline code that survives a backtick in the value; an absent value is a dash.
    static func code(_ value: String?) -> String {
        guard let value else { return "—" }
        if value.isEmpty { return "(empty)" }
        return cell(value.contains("`") ? "`` \(value) ``" : "`\(value)`")
    }

    /// A table cell cannot hold a pipe or a line break.
    static func cell(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
