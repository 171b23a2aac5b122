import SpecModel

/// Machine-readable changes. Schema, version 1 (fields are only ever added within a version):
///
/// ```
/// {
///   "version": 1,
///   "base": "main (3f2a1bc)",              // how the base was named
///   "head": "working tree",
///   "environments": ["preview", "production", "staging"],   // the summary's columns
///   "notes": ["…"],                         // about the comparison itself, e.g. a side with check errors
///   "checkErrors": ["`rule` file:line:col: message"],   // the head's check errors
///   "summary": {
///     "total": 3,                           // entries in `changes`
///     "risks": { "capacity": 0, "data-loss": 1, "other": 1, "security": 1, "send-mode": 0 },
///     "environments": { "preview": { "capacity": 0, "data-loss": 1, … }, … }   // includes "all" changes
///   },
///   "changes": [
///     { "environment": "all",               // or one environment's name
///       "risk": "data-loss",                // data-loss | send-mode | security-broadening | security-narrowing | capacity | other
///       "action": "modify",                 // add | modify | remove: what happens to the field (field "resource": to the resource)
///       "replacement": "refused",           // none | conditional | always | refused (needs a replacement CloudFormation cannot make)
///       "retained": null,                   // replaced or removed: whether the old resource keeps its data (Retain); else null
///       "effect": null,                     // role policy changes: the statement's effect, Allow or Deny; else null
///       "resource": { "kind": "table", "name": "Contacts" },
///       "field": "KeySchema",
///       "before": "contactId HASH",         // null when absent on that side
///       "after": "phone HASH",
///       "why": "The table key changes: CloudFormation replaces the table and its items are lost.",
///       "channels": [] }                    // send-mode only: whatsapp, sms, email
///   ]
/// }
/// ```
/// Keys are sorted; `changes` are ordered "all" first, then by environment, risk (most dangerous
/// first), resource and field.
enum JSONDiffRenderer {
    static let version = 1

    static func render(_ r: DiffReport) -> String {
        func counts(_ count: (Risk) -> Int) -> JSONValue {
            .object(Dictionary(uniqueKeysWithValues: Risk.allCases.map { ($0.rawValue, .int(count($0))) }))
        }
        let root: [String: JSONValue] = [
            "version": .int(version),
            "base": .string(r.base),
            "head": .string(r.head),
            "environments": .array(r.environments.map { .string($0) }),
            "notes": .array(r.notes.map { .string($0) }),
            "checkErrors": .array(r.checkErrors.map { .string($0) }),
            "summary": .object([
                "total": .int(r.changes.count),
                "risks": counts { r.count($0) },
                "environments": .object(Dictionary(uniqueKeysWithValues: r.environments.map { env in (env, counts { r.count($0, in: env) }) })),
            ]),
            "changes": .array(r.changes.map(encode)),
        ]
        return JSONValue.object(root).rendered()
    }

    static func encode(_ c: Change) -> JSONValue {
        .object([
            "environment": .string(c.environment),
            "risk": .string(c.risk.rawValue),
            "resource": .object(["kind": .string(c.resource.kind), "name": .string(c.resource.name)]),
            "field": .string(c.field),
            "before": c.before.map { .string($0) } ?? .null,
            "after": c.after.map { .string($0) } ?? .null,
            "why": .string(c.why),
            "channels": .array(c.channels.map { .string($0) }),
            "action": .string(c.action.rawValue),
            "replacement": .string(c.replacement.rawValue),
            "retained": c.retained.map { .bool($0) } ?? .null,
            "effect": c.effect.map { .string($0) } ?? .null,
        ])
    }
}
