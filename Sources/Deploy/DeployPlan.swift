import SpecModel

/// What `wecare plan --out` writes and `wecare deploy --plan` checks: what was reviewed is what ships.
public struct DeployPlan: Sendable, Equatable {
    public enum Verdict: String, Sendable {
        /// A change set with changes, ready to execute.
        case ready
        /// The stack already matches the template.
        case noChanges = "no-changes"
    }

    public struct Change: Sendable, Equatable {
        public var action: String
        public var logicalID: String
        public var resourceType: String
        public var replacement: String?
        public var risk: String
        public var why: String

        public init(action: String, logicalID: String, resourceType: String, replacement: String?, risk: String, why: String) {
            self.action = action
            self.logicalID = logicalID
            self.resourceType = resourceType
            self.replacement = replacement
            self.risk = risk
            self.why = why
        }
    }

    public var branch: String
    public var environment: String
    public var stack: String
    public var specHash: String
    public var templateHash: String
    public var verdict: Verdict
    public var changeSetName: String?
    public var changeSetType: String?
    public var changes: [Change]

    public init(branch: String, environment: String, stack: String, specHash: String, templateHash: String, verdict: Verdict,
                changeSetName: String?, changeSetType: String?, changes: [Change]) {
        self.branch = branch
        self.environment = environment
        self.stack = stack
        self.specHash = specHash
        self.templateHash = templateHash
        self.verdict = verdict
        self.changeSetName = changeSetName
        self.changeSetType = changeSetType
        self.changes = changes
    }

    public var json: String {
        var root: [String: JSONValue] = [
            "version": .int(1), "branch": .string(branch), "environment": .string(environment), "stack": .string(stack),
            "specHash": .string(specHash), "templateHash": .string(templateHash), "verdict": .string(verdict.rawValue),
            "changes": .array(changes.map { c in
                .object(["action": .string(c.action), "logicalId": .string(c.logicalID), "resourceType": .string(c.resourceType),
                         "replacement": c.replacement.map { .string($0) } ?? .null, "risk": .string(c.risk), "why": .string(c.why)])
            }),
        ]
        root["changeSet"] = changeSetName.map { .string($0) } ?? .null
        root["changeSetType"] = changeSetType.map { .string($0) } ?? .null
        return JSONValue.object(root).rendered()
    }

    /// The plan as a reviewer reads it.
    public var text: String {
        var out = "Plan for branch '\(branch)' → \(environment) (stack \(stack))\n"
        out += "  spec \(specHash.prefix(12)), template \(templateHash.prefix(12))\n"
        guard verdict == .ready else { return out + "No changes: the stack already matches the template.\n" }
        let counts = Dictionary(grouping: changes, by: \.action).mapValues(\.count)
        out += "  \(counts["Add"] ?? 0) to add, \(counts["Modify"] ?? 0) to modify, \(counts["Remove"] ?? 0) to remove"
        let replaced = changes.filter { $0.replacement == "True" }.count
        out += replaced > 0 ? ", \(replaced) replaced\n" : "\n"
        for c in changes {
            let mark = c.action == "Add" ? "+" : c.action == "Remove" ? "-" : c.replacement == "True" ? "±" : "~"
            let replace = c.replacement == "True" ? " (replacement)" : c.replacement == "Conditional" ? " (may be replaced)" : ""
            out += "  \(mark) \(c.logicalID) [\(c.resourceType)]\(replace) — \(c.risk): \(c.why)\n"
        }
        return out
    }
}

extension DeployPlan {
    public struct DecodeError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Reads a plan file written by `wecare plan --out`.
    public static func parse(_ object: [String: Any]) throws -> DeployPlan {
        func string(_ key: String) throws -> String {
            guard let s = object[key] as? String else { throw DecodeError(description: "plan file lacks '\(key)'; write it again with `wecare plan --out`") }
            return s
        }
        guard object["version"] as? Int == 1 else { throw DecodeError(description: "plan file version is not 1; write it again with this wecare") }
        guard let verdict = Verdict(rawValue: try string("verdict")) else { throw DecodeError(description: "plan file has an unknown verdict") }
        let changes = (object["changes"] as? [[String: Any]] ?? []).map { c in
            Change(action: c["action"] as? String ?? "", logicalID: c["logicalId"] as? String ?? "", resourceType: c["resourceType"] as? String ?? "",
                   replacement: c["replacement"] as? String, risk: c["risk"] as? String ?? "", why: c["why"] as? String ?? "")
        }
        return DeployPlan(branch: try string("branch"), environment: try string("environment"), stack: try string("stack"),
                          specHash: try string("specHash"), templateHash: try string("templateHash"), verdict: verdict,
                          changeSetName: object["changeSet"] as? String, changeSetType: object["changeSetType"] as? String, changes: changes)
    }
}
