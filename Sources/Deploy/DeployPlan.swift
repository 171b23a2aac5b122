import Foundation
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
    /// The branch pattern that matched (`feature/*`).
    public var branchRule: String
    public var environment: String
    public var stack: String
    /// The stack's id: a stack deleted and created again under the same name is another stack.
    public var stackID: String?
    /// The stack as it was when the plan was made; nil for a stack the plan's change set creates.
    public var stackStamp: StackStamp?
    public var specHash: String
    public var templateHash: String
    /// The template parameters the change set was made with.
    public var parameters: [String: String]
    public var verdict: Verdict
    public var changeSetName: String?
    /// The change set's ARN: `deploy --plan` executes exactly this one, never a new one.
    public var changeSetID: String?
    public var changeSetType: String?
    public var changes: [Change]
    /// For an IMPORT change set: the live resources it takes over, how they differ from the spec, and the cutover checklist.
    /// Written to the plan file for the reviewer; not read back (the change set is what binds).
    public var adoption: AdoptionReport?

    public init(branch: String, environment: String, stack: String, specHash: String, templateHash: String, verdict: Verdict,
                changeSetName: String?, changeSetType: String?, changes: [Change], branchRule: String = "", stackID: String? = nil,
                stackStamp: StackStamp? = nil, parameters: [String: String] = [:], changeSetID: String? = nil, adoption: AdoptionReport? = nil) {
        self.branch = branch
        self.branchRule = branchRule
        self.environment = environment
        self.stack = stack
        self.stackID = stackID
        self.stackStamp = stackStamp
        self.specHash = specHash
        self.templateHash = templateHash
        self.parameters = parameters
        self.verdict = verdict
        self.changeSetName = changeSetName
        self.changeSetID = changeSetID
        self.changeSetType = changeSetType
        self.changes = changes
        self.adoption = adoption
    }

    /// The plan file's version; a file of another version is refused, never half-read.
    public static let fileVersion = 2

    public var json: String {
        func optional(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
        let root: [String: JSONValue] = [
            "version": .int(Self.fileVersion), "branch": .string(branch), "branchRule": .string(branchRule), "environment": .string(environment),
            "stack": .string(stack), "stackId": optional(stackID),
            "stackStamp": stackStamp.map { .object(["updated": .string($0.updated), "lastEventId": optional($0.lastEvent)]) } ?? .null,
            "specHash": .string(specHash), "templateHash": .string(templateHash),
            "parameters": .object(parameters.mapValues { .string($0) }), "verdict": .string(verdict.rawValue),
            "changeSet": optional(changeSetName), "changeSetId": optional(changeSetID), "changeSetType": optional(changeSetType),
            "changes": .array(changes.map { c in
                .object(["action": .string(c.action), "logicalId": .string(c.logicalID), "resourceType": .string(c.resourceType),
                         "replacement": optional(c.replacement), "risk": .string(c.risk), "why": .string(c.why)])
            }),
        ]
        var fields = root
        if let adoption {
            fields["imports"] = .array(adoption.toImport.map { e in
                .object(["logicalId": .string(e.resource.logicalID), "resourceType": .string(e.resource.resourceType), "name": .string(e.resource.physicalName),
                         "differences": .array(e.differences.map { .object(["property": .string($0.property), "live": .string($0.live), "spec": .string($0.spec)]) })])
            })
            fields["cutoverChecklist"] = .array(adoption.checklist.map { .string($0) })
        }
        return JSONValue.object(fields).rendered()
    }

    /// The plan as a reviewer reads it.
    public var text: String {
        var out = "Plan for branch '\(branch)' → \(environment) (stack \(stack))\n"
        out += "  spec \(specHash.prefix(12)), template \(templateHash.prefix(12))\n"
        guard verdict == .ready else { return out + "No changes: the stack already matches the template.\n" }
        let counts = Dictionary(grouping: changes, by: \.action).mapValues(\.count)
        if let imports = counts["Import"] { out += "  IMPORT: \(imports) live resource\(imports == 1 ? "" : "s") taken into the stack as \(imports == 1 ? "it is" : "they are"); nothing is created\n" }
        out += "  \(counts["Add"] ?? 0) to add, \(counts["Modify"] ?? 0) to modify, \(counts["Remove"] ?? 0) to remove"
        let replaced = changes.filter { $0.replacement == "True" }.count
        out += replaced > 0 ? ", \(replaced) replaced\n" : "\n"
        for c in changes {
            let mark = c.action == "Import" ? "→" : c.action == "Add" ? "+" : c.action == "Remove" ? "-" : c.replacement == "True" ? "±" : "~"
            let replace = c.replacement == "True" ? " (replacement)" : c.replacement == "Conditional" ? " (may be replaced)" : ""
            out += "  \(mark) \(c.logicalID) [\(c.resourceType)]\(replace) — \(c.risk): \(c.why)\n"
        }
        if let adoption {
            let differences = adoption.toImport.flatMap { e in e.differences.map { (e.resource, $0) } }
            if !differences.isEmpty {
                out += "Live → spec, changed in place by the update that follows the import:\n"
                for (r, d) in differences { out += "  ~ \(r.logicalID) \(d.property): \(d.live) → \(d.spec)\n" }
            }
            out += "After the import, `wecare deploy` runs the normal update (its own change set, with the usual --allow checks).\n"
            if !adoption.checklist.isEmpty {
                out += "Cutover checklist:\n"
                for (i, item) in adoption.checklist.enumerated() { out += "  \(i + 1). \(item)\n" }
            }
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
        guard object["version"] as? Int == fileVersion else {
            throw DecodeError(description: "plan file version is not \(fileVersion); write it again with `wecare plan --out` of this wecare")
        }
        guard let verdict = Verdict(rawValue: try string("verdict")) else { throw DecodeError(description: "plan file has an unknown verdict") }
        let changes = (object["changes"] as? [[String: Any]] ?? []).map { c in
            Change(action: c["action"] as? String ?? "", logicalID: c["logicalId"] as? String ?? "", resourceType: c["resourceType"] as? String ?? "",
                   replacement: c["replacement"] as? String, risk: c["risk"] as? String ?? "", why: c["why"] as? String ?? "")
        }
        guard let parameters = object["parameters"] as? [String: String] else {
            throw DecodeError(description: "plan file lacks 'parameters'; write it again with `wecare plan --out`")
        }
        let stamp = (object["stackStamp"] as? [String: Any]).flatMap { s in
            (s["updated"] as? String).map { StackStamp(updated: $0, lastEvent: s["lastEventId"] as? String) }
        }
        let plan = DeployPlan(branch: try string("branch"), environment: try string("environment"), stack: try string("stack"),
                              specHash: try string("specHash"), templateHash: try string("templateHash"), verdict: verdict,
                              changeSetName: object["changeSet"] as? String, changeSetType: object["changeSetType"] as? String, changes: changes,
                              branchRule: try string("branchRule"), stackID: object["stackId"] as? String, stackStamp: stamp,
                              parameters: parameters, changeSetID: object["changeSetId"] as? String)
        if plan.verdict == .ready, plan.changeSetID == nil {
            throw DecodeError(description: "plan file has changes but no 'changeSetId' to execute; write it again with `wecare plan --out`")
        }
        return plan
    }

    /// Reads a plan file; a file that is not a plan is refused with what to do.
    public static func read(from url: URL) throws -> DeployPlan {
        do {
            let data = try Data(contentsOf: url)
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw DecodeError(description: "it is not a JSON object")
            }
            return try parse(object)
        } catch let error as DecodeError {
            throw DeployError.planUnreadable(path: url.path, reason: error.description)
        } catch let error as CocoaError where error.code == .fileReadNoSuchFile {
            throw DeployError.planUnreadable(path: url.path, reason: "no such file")
        } catch {
            throw DeployError.planUnreadable(path: url.path, reason: "\(error.localizedDescription)")
        }
    }
}
