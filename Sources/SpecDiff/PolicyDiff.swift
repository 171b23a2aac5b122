import SpecModel

/// Compares the policy the execution role must hold in one environment, statement by statement:
/// every action or resource added broadens the role, every one removed may break a function.
enum PolicyDiff {
    static let broadens = "The role may do more: review that a function needs it (least privilege)."
    static let narrows = "The role may do less: a function that still needs it fails with AccessDenied."

    static let denyBroadens = "The role's Deny covers less: review that the role may now do this (least privilege)."
    static let denyNarrows = "The role's Deny covers more: a function that needs it fails with AccessDenied."

    static func changes(base: JSONValue, head: JSONValue, environment: String) -> [Change] {
        let before = statements(base), after = statements(head)
        var out: [Change] = []
        for sid in Set(before.keys).union(after.keys).sorted() {
            let b = before[sid], a = after[sid]
            // An action added to a Deny takes a permission away: the direction follows the effect.
            let effect = TemplateDiff.string(a?["Effect"]) ?? TemplateDiff.string(b?["Effect"]) ?? "Allow"
            let (more, less) = effect == "Deny" ? (denyNarrows, denyBroadens) : (broadens, narrows)
            func change(_ field: String, _ old: String?, _ new: String?, _ why: String) {
                let narrowing = why == narrows || why == denyNarrows
                out.append(Change(environment: environment, risk: narrowing ? .securityNarrowing : .securityBroadening,
                                  resource: DiffResource("statement", sid), field: field, before: old, after: new, why: why, effect: effect))
            }
            switch (b, a) {
            case (let b?, nil): change("Statement", summary(b), nil, less)
            case (nil, let a?): change("Statement", nil, summary(a), more)
            case (let b?, let a?):
                for key in ["Action", "Resource"] {
                    let xb = list(b[key]), xa = list(a[key])
                    for item in xa.subtracting(xb).sorted() { change(key, nil, item, more) }
                    for item in xb.subtracting(xa).sorted() { change(key, item, nil, less) }
                }
                for key in ["Effect", "Condition", "NotAction", "NotResource"] where b[key] != a[key] {
                    change(key, ShortValue.render(b[key]), ShortValue.render(a[key]), "The statement's \(key.lowercased()) changes what the role may do.")
                }
            case (nil, nil): break
            }
        }
        return out
    }

    /// Statements by Sid; one without a Sid is named by its position, so it still compares.
    static func statements(_ policy: JSONValue) -> [String: [String: JSONValue]] {
        guard case .array(let items)? = TemplateDiff.member(policy, "Statement") else { return [:] }
        var out: [String: [String: JSONValue]] = [:]
        for (i, item) in items.enumerated() {
            guard case .object(let o) = item else { continue }
            out[TemplateDiff.string(o["Sid"]) ?? "#\(i + 1)"] = o
        }
        return out
    }

    static func list(_ value: JSONValue?) -> Set<String> {
        switch value {
        case .string(let s)?: return [s]
        case .array(let items)?: return Set(items.compactMap { TemplateDiff.string($0) })
        default: return []
        }
    }

    static func summary(_ statement: [String: JSONValue]) -> String {
        let actions = list(statement["Action"]).sorted(), resources = list(statement["Resource"])
        let text = "\(actions.joined(separator: ", ")) on \(resources.count) resource\(resources.count == 1 ? "" : "s")"
        return ShortValue.render(.string(text)) ?? text
    }
}
