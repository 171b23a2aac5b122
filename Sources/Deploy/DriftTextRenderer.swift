/// For a terminal and CI logs: a heading, then each part with what it found, then one closing sentence.
enum DriftTextRenderer {
    static func render(_ r: DriftReport) -> String {
        var out = "wecare drift: \(r.environment) (stack \(r.stack)\(r.stackStatus.map { ", \($0)" } ?? ""))\n"
        out += "  specs \(r.specHash.prefix(12)) now" + (r.deployedSpecHash.map { ", \($0.prefix(12)) at the last deployment" } ?? "") + "\n"
        for note in r.notes { out += "note: \(note)\n" }

        out += "\nResources (CloudFormation drift detection): "
        if let reason = r.resources.notChecked {
            out += "not compared: \(reason)\n"
        } else if let check = r.resourceCheck {
            out += "\(check.drifted.count) drifted, \(check.inSync) in sync" + (check.unchecked.isEmpty ? "" : ", \(check.unchecked.count) not checked")
            out += check.detectionStatus == "DETECTION_COMPLETE" ? "\n" : " (\(check.detectionStatus)\(check.detectionStatusReason.map { ": \($0)" } ?? ""))\n"
            for d in check.drifted {
                out += "  \(d.isDeleted ? "-" : "~") \(d.logicalID) [\(d.resourceType)] \(d.isDeleted ? "deleted outside CloudFormation" : "modified")"
                    + (d.physicalID.map { " (\($0))" } ?? "") + "\n"
                for p in d.properties { out += "      \(p.path): \(p.sentence)\n" }
            }
        }

        out += "\nTemplate (deployed vs \(r.templatePath)): "
        if let reason = r.template.notChecked {
            out += "not compared: \(reason)\n"
        } else {
            out += r.template.items.isEmpty ? "the same\n" : "\(r.template.items.count) difference\(r.template.items.count == 1 ? "" : "s")\n"
            for c in r.template.items {
                out += "  \(c.risk) \(c.resource) \(c.field): deployed \(c.before ?? "—") → generated \(c.after ?? "—") — \(c.why)\n"
            }
        }

        out += "\nRole policy (\(r.roleName.map { "role \($0)" } ?? "no role") vs \(r.policyPath)): "
        if let reason = r.policy.notChecked {
            out += "not compared: \(reason)\n"
        } else {
            out += r.policy.items.isEmpty ? "holds exactly what the specs grant\n"
                : "\(r.policy.items.count) statement\(r.policy.items.count == 1 ? "" : "s") differ\(r.policy.items.count == 1 ? "s" : "")\n"
            for row in r.policy.items {
                out += "  \(row.statement)" + (row.heldIn.isEmpty ? " (in no policy of the role)" : " (\(row.heldIn.joined(separator: "; ")))") + "\n"
                for phrase in row.missing.phrases { out += "      missing: \(phrase)\n" }
                for phrase in row.extra.phrases { out += "      extra:   \(phrase)\n" }
            }
        }
        return out + "\n" + r.sentence + "\n"
    }
}
