import SpecModel

/// One row of the role policy's statement table: for one statement (by Sid), what the role lacks of what
/// generated/iam/<env>.json grants, and what the role grants beyond it.
public struct PolicyDriftRow: Sendable, Equatable {
    /// Grants, grouped so a row reads short: whole actions (on every resource of the statement), whole resources
    /// (for every action), and the single action-on-resource pairs left over.
    public struct Grants: Sendable, Equatable {
        public var actions: [String] = []
        public var resources: [String] = []
        /// `action on resource`.
        public var pairs: [String] = []
        /// What no action and resource list says: a Deny, a NotAction or NotResource statement, another Condition.
        public var other: [String] = []

        public init(actions: [String] = [], resources: [String] = [], pairs: [String] = [], other: [String] = []) {
            self.actions = actions
            self.resources = resources
            self.pairs = pairs
            self.other = other
        }

        public var isEmpty: Bool { actions.isEmpty && resources.isEmpty && pairs.isEmpty && other.isEmpty }

        /// Each grant on its own line-sized phrase: `actions sqs:SendMessage`, `resources arn:…`, `s3:GetObject on arn:…`.
        public var phrases: [String] {
            (actions.isEmpty ? [] : ["action\(actions.count == 1 ? "" : "s") " + actions.joined(separator: ", ")])
                + (resources.isEmpty ? [] : ["resource\(resources.count == 1 ? "" : "s") " + resources.joined(separator: ", ")])
                + pairs + other
        }

        mutating func merge(_ g: Grants) {
            actions = Array(Set(actions + g.actions)).sorted()
            resources = Array(Set(resources + g.resources)).sorted()
            pairs = Array(Set(pairs + g.pairs)).sorted()
            other = Array(Set(other + g.other)).sorted()
        }
    }

    public var statement: String
    /// The role's policies that hold a statement of this Sid (`inline NAME`, `managed ARN`); empty when none does.
    public var heldIn: [String]
    public var missing: Grants
    public var extra: Grants

    public init(statement: String, heldIn: [String], missing: Grants, extra: Grants) {
        self.statement = statement
        self.heldIn = heldIn
        self.missing = missing
        self.extra = extra
    }
}

/// Compares the policies an existing role holds with the policy the specs say it must hold, grant by grant
/// (each action on each resource). A grant is held when an Allow statement of the role matches it with IAM's
/// wildcards (`*`, `?`; actions case-insensitively) under the same Condition, and no Deny matches it. A role grant
/// is extra unless a generated statement (of this environment, or of another the role also serves) has it literally
/// or by its own wildcard: `sqs:*` in the role is extra even though it covers everything the specs grant.
public enum PolicyDrift {
    /// One statement of a policy document, normalised: Action and Resource as lists, a missing Sid named by position.
    struct Statement {
        var policy: String
        var sid: String
        var allow: Bool
        var actions: [String]
        var notActions: [String]?
        var resources: [String]
        var notResources: [String]?
        var condition: JSONValue?

        func matches(action a: String, resource r: String) -> Bool {
            let actionHit = (notActions ?? actions).contains { Glob.matches($0.lowercased(), a.lowercased()) }
            let resourceHit = (notResources ?? resources).contains { Glob.matches($0, r) }
            return (notActions == nil ? actionHit : !actionHit) && (notResources == nil ? resourceHit : !resourceHit)
        }

        /// The same statement as written: effect, actions (case-insensitively), resources and Condition.
        func sameAsWritten(_ other: Statement) -> Bool {
            func lowered(_ list: [String]?) -> Set<String>? { list.map { Set($0.map { $0.lowercased() }) } }
            return allow == other.allow && lowered(actions) == lowered(other.actions) && lowered(notActions) == lowered(other.notActions)
                && Set(resources) == Set(other.resources) && notResources.map(Set.init) == other.notResources.map(Set.init) && condition == other.condition
        }

        var summary: String {
            let a = notActions.map { "every action but " + $0.joined(separator: ", ") } ?? actions.joined(separator: ", ")
            let r = notResources.map { "every resource but " + $0.joined(separator: ", ") } ?? resources.joined(separator: ", ")
            return "\(allow ? "Allow" : "Deny") \(a) on \(r)" + (condition.map { " if \(JSONText.compact($0))" } ?? "")
        }
    }

    /// - Parameters:
    ///   - expected: generated/iam/<env>.json.
    ///   - shared: the other environments' generated policies for the same role.
    ///   - held: the role's policy documents, each with where it comes from (`inline NAME`, `managed ARN`).
    public static func rows(expected: JSONValue, shared: [JSONValue] = [], held: [(policy: String, document: JSONValue)]) -> [PolicyDriftRow] {
        let wanted = statements(expected, policy: "generated")
        let known = wanted + shared.flatMap { statements($0, policy: "generated") }
        let role = held.flatMap { statements($0.document, policy: $0.policy) }
        var missing: [String: PolicyDriftRow.Grants] = [:], extra: [String: PolicyDriftRow.Grants] = [:]
        var contributed: Set<String> = []
        let allows = role.filter { $0.allow && $0.notActions == nil && $0.notResources == nil }
        let specified = (action: { (a: String) in known.contains { $0.actions.contains { Glob.matches($0.lowercased(), a.lowercased()) } } },
                         resource: { (r: String) in known.contains { $0.resources.contains { Glob.matches($0, r) } } })

        for g in wanted where g.allow && g.notActions == nil && g.notResources == nil {
            func lacks(sameCondition: Bool) -> (String, String) -> Bool {
                { a, r in
                    let allowed = role.contains { $0.allow && (!sameCondition || $0.condition == g.condition) && $0.matches(action: a, resource: r) }
                    // A conditional Deny (the DRY_RUN denial names the functions it applies to) leaves the grant to everyone else.
                    return !allowed || role.contains { !$0.allow && $0.condition == nil && $0.matches(action: a, resource: r) }
                }
            }
            let held = (action: { (a: String) in allows.contains { $0.actions.contains { Glob.matches($0.lowercased(), a.lowercased()) } } },
                        resource: { (r: String) in allows.contains { $0.resources.contains { Glob.matches($0, r) } } })
            var gap = group(g.actions, g.resources, known: held, keep: lacks(sameCondition: false))
            if group(g.actions, g.resources, known: held, keep: lacks(sameCondition: true)) != gap {
                gap.other.append("grants held only under another Condition than \(g.condition.map(JSONText.compact) ?? "none")")
            }
            if !gap.isEmpty { missing[g.sid, default: .init()].merge(gap) }
        }
        // A Deny, a NotAction or a NotResource is compared as written: held when the role has the same statement.
        for g in wanted where !g.allow || g.notActions != nil || g.notResources != nil {
            if !role.contains(where: { $0.sameAsWritten(g) }) {
                missing[g.sid, default: .init()].merge(.init(other: ["\(g.summary) is not held"]))
            }
        }
        for t in role {
            var gap = PolicyDriftRow.Grants()
            if (!t.allow || t.notActions != nil || t.notResources != nil) && known.contains(where: { $0.sameAsWritten(t) }) {
                continue
            } else if !t.allow || t.notActions != nil || t.notResources != nil {
                gap.other = ["\(t.summary) (\(t.policy))"]
            } else {
                func unknown(sameCondition: Bool) -> (String, String) -> Bool {
                    { a, r in
                        !known.contains { g in
                            g.allow && (!sameCondition || g.condition == t.condition)
                                && g.actions.contains { Glob.matches($0.lowercased(), a.lowercased()) } && g.resources.contains { Glob.matches($0, r) }
                        }
                    }
                }
                gap = group(t.actions, t.resources, known: specified, keep: unknown(sameCondition: false))
                if group(t.actions, t.resources, known: specified, keep: unknown(sameCondition: true)) != gap {
                    gap.other.append("Condition \(t.condition.map(JSONText.compact) ?? "none") where the specs have another (\(t.policy))")
                }
            }
            if !gap.isEmpty {
                extra[t.sid, default: .init()].merge(gap)
                contributed.insert(t.policy + "\u{0}" + t.sid)
            }
        }
        // Where a row's statement is held: the policies whose statement of that Sid grants beyond the specs, or is about the
        // same resources (the role serves every environment, and each environment's policy repeats the Sids).
        func heldIn(_ sid: String) -> [String] {
            let resources = wanted.filter { $0.sid == sid }.flatMap(\.resources)
            let holders = role.filter { t in
                t.sid == sid && (contributed.contains(t.policy + "\u{0}" + sid)
                    || t.resources.contains { r in resources.contains { Glob.matches($0, r) || Glob.matches(r, $0) } })
            }
            return Array(Set(holders.map(\.policy))).sorted()
        }
        return Set(missing.keys).union(extra.keys).sorted().map { sid in
            PolicyDriftRow(statement: sid, heldIn: heldIn(sid), missing: missing[sid] ?? .init(), extra: extra[sid] ?? .init())
        }
    }

    /// The grants `keep` selects among actions × resources, grouped: all of them as one `actions on resources`; otherwise an action kept for every resource is listed as an
    /// action, a resource kept for every remaining action as a resource, and the rest as pairs. With one resource (or
    /// one action) either reading fits, so `known` decides: the side that appears nowhere else is the one that differs
    /// (a statement on `*` is extra for its resource, not its action).
    static func group(_ actions: [String], _ resources: [String], known: (action: (String) -> Bool, resource: (String) -> Bool),
                      keep: (String, String) -> Bool) -> PolicyDriftRow.Grants {
        var kept: Set<[String]> = []
        for a in actions { for r in resources where keep(a, r) { kept.insert([a, r]) } }
        guard !kept.isEmpty else { return .init() }
        // The whole statement: say it as one grant, whichever side a reader would otherwise have to infer.
        if kept.count == Set(actions).count * Set(resources).count {
            let shown = resources.count > 4 ? resources.prefix(3).joined(separator: ", ") + " and \(resources.count - 3) more" : resources.joined(separator: ", ")
            return .init(pairs: ["\(Array(Set(actions)).sorted().joined(separator: ", ")) on \(shown)"])
        }
        let wholeActions = actions.filter { a in resources.allSatisfy { kept.contains([a, $0]) } && (resources.count > 1 || !known.action(a)) }
        let rest = actions.filter { !wholeActions.contains($0) }
        let wholeResources = rest.isEmpty ? [] : resources.filter { r in
            rest.allSatisfy { kept.contains([$0, r]) } && (rest.count > 1 || !known.resource(r))
        }
        let pairs = kept.filter { !wholeActions.contains($0[0]) && !wholeResources.contains($0[1]) }.map { "\($0[0]) on \($0[1])" }
        return .init(actions: Array(Set(wholeActions)).sorted(), resources: Array(Set(wholeResources)).sorted(), pairs: pairs.sorted())
    }

    /// A policy document's statements; `Statement` may be one object, and Action/Resource a single string.
    static func statements(_ document: JSONValue, policy: String) -> [Statement] {
        guard case .object(let root) = document else { return [] }
        let items: [JSONValue]
        switch root["Statement"] {
        case .array(let a)?: items = a
        case .object?: items = [root["Statement"]!]
        default: items = []
        }
        return items.enumerated().compactMap { i, item in
            guard case .object(let o) = item else { return nil }
            let sid: String
            if case .string(let s)? = o["Sid"], !s.isEmpty { sid = s } else { sid = "\(policy) #\(i + 1)" }
            return Statement(policy: policy, sid: sid, allow: o["Effect"] != .string("Deny"), actions: list(o["Action"]),
                             notActions: o["NotAction"].map(list), resources: list(o["Resource"]), notResources: o["NotResource"].map(list),
                             condition: o["Condition"])
        }
    }

    static func list(_ value: JSONValue?) -> [String] {
        switch value {
        case .string(let s)?: [s]
        case .array(let items)?: items.compactMap { if case .string(let s) = $0 { s } else { nil } }
        default: []
        }
    }
}
