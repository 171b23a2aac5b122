import SpecDiff
import SpecModel

/// Machine-readable drift. Schema, version 1 (fields are only ever added within a version):
///
/// ```
/// {
///   "version": 1,
///   "environment": "preview", "stack": "base-wecare-digital-preview", "stackId": "arn:…", "stackStatus": "UPDATE_COMPLETE",
///   "specHash": "…",                       // the specs now
///   "deployedSpecHash": "…",               // the stack's wecare:spec-hash tag; null when untagged
///   "drift": true,                          // anything drifted: exit status 1
///   "notes": ["…"],
///   "summary": { "resources": 1, "template": 0, "policy": 2, "notChecked": [] },   // counts per part; parts not compared
///   "resources": {
///     "notChecked": null,                   // or why the part could not be compared
///     "detectionStatus": "DETECTION_COMPLETE", "detectionStatusReason": null, "inSync": 97, "unchecked": ["Id [Type]"],
///     "drifted": [ { "logicalId": "TableContacts", "resourceType": "AWS::DynamoDB::Table", "physicalId": "…",
///                    "status": "MODIFIED",      // or DELETED
///                    "differences": [ { "path": "/BillingMode", "expected": "PAY_PER_REQUEST", "actual": "PROVISIONED",
///                                       "type": "NOT_EQUAL" } ],
///                    "expected": { … }, "actual": { … } } ]   // the properties, null when CloudFormation sends none
///   },
///   "template": {
///     "path": "generated/cloudformation/preview.json", "notChecked": null,
///     "changes": [ { "risk": "capacity", "resource": { "kind": "table", "name": "Contacts" }, "field": "BillingMode",
///                    "deployed": "PROVISIONED", "generated": "PAY_PER_REQUEST", "why": "…" } ]   // null when absent on that side
///   },
///   "policy": {
///     "path": "generated/iam/preview.json", "role": "base-wecare-digital", "notChecked": null,
///     "statements": [ { "statement": "QueuesSendConsume", "heldIn": ["inline wecare-preview"],
///                       "missing": { "actions": ["sqs:SendMessage"], "resources": [], "pairs": [], "other": [] },
///                       "extra": { "actions": [], "resources": [], "pairs": ["sqs:PurgeQueue on arn:…"], "other": [] } } ]
///   }
/// }
/// ```
/// Keys are sorted; lists are in the order of the text format.
enum DriftJSONRenderer {
    static let version = 1

    static func render(_ r: DriftReport) -> String {
        JSONValue.object(object(r)).rendered()
    }

    static func object(_ r: DriftReport) -> [String: JSONValue] {
        func optional(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
        func strings(_ items: [String]) -> JSONValue { .array(items.map { .string($0) }) }
        func grants(_ g: PolicyDriftRow.Grants) -> JSONValue {
            .object(["actions": strings(g.actions), "resources": strings(g.resources), "pairs": strings(g.pairs), "other": strings(g.other)])
        }
        let check = r.resourceCheck
        return [
            "version": .int(version),
            "environment": .string(r.environment), "stack": .string(r.stack), "stackId": optional(r.stackID), "stackStatus": optional(r.stackStatus),
            "specHash": .string(r.specHash), "deployedSpecHash": optional(r.deployedSpecHash),
            "drift": .bool(r.hasDrift),
            "notes": strings(r.notes),
            "summary": .object([
                "resources": .int(r.resources.items.count), "template": .int(r.template.items.count), "policy": .int(r.policy.items.count),
                "notChecked": strings(r.unchecked.map(\.part.rawValue)),
            ]),
            "resources": .object([
                "notChecked": optional(r.resources.notChecked),
                "detectionStatus": optional(check?.detectionStatus), "detectionStatusReason": optional(check?.detectionStatusReason),
                "inSync": check.map { .int($0.inSync) } ?? .null, "unchecked": strings(check?.unchecked ?? []),
                "drifted": .array(r.resources.items.map { d in
                    .object([
                        "logicalId": .string(d.logicalID), "resourceType": .string(d.resourceType), "physicalId": optional(d.physicalID),
                        "status": .string(d.status),
                        "differences": .array(d.properties.map { p in
                            .object(["path": .string(p.path), "expected": .string(p.expected), "actual": .string(p.actual), "type": .string(p.kind)])
                        }),
                        "expected": d.expected ?? .null, "actual": d.actual ?? .null,
                    ])
                }),
            ]),
            "template": .object([
                "path": .string(r.templatePath), "notChecked": optional(r.template.notChecked),
                "changes": .array(r.template.items.map { c in
                    .object(["risk": .string(c.risk.rawValue), "resource": .object(["kind": .string(c.resource.kind), "name": .string(c.resource.name)]),
                             "field": .string(c.field), "deployed": optional(c.before), "generated": optional(c.after), "why": .string(c.why)])
                }),
            ]),
            "policy": .object([
                "path": .string(r.policyPath), "role": optional(r.roleName), "notChecked": optional(r.policy.notChecked),
                "statements": .array(r.policy.items.map { row in
                    .object(["statement": .string(row.statement), "heldIn": strings(row.heldIn), "missing": grants(row.missing), "extra": grants(row.extra)])
                }),
            ]),
        ]
    }
}
