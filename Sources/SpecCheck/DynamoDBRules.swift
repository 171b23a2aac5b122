import SpecModel

enum DynamoDBRules {
    static let all: [Rule] = [billingMode, ttlAttribute, keyAttribute, ttlRetention]

    /// Req 17.2–17.5: the retention each table must have. Tables not listed have no TTL requirement.
    static let requiredRetention: [String: (SpecDuration, String)] = [
        "Messages": (.days(30), "Req 17.2"),
        "DLQMessages": (.days(7), "Req 17.3"),
        "AuditLogs": (.days(180), "Req 17.4"),
        "RateLimitTrackers": (.hours(24), "Req 17.5"),
    ]

    static let baseTables = ExampleBase.files["specs/tables.yaml"]!

    static func messages(_ body: String) -> String { "tables:\n  Messages:\n    name: MessagesTable\n" + body }

    static let billingMode = Rule(
        id: RuleID.billingMode, family: "DynamoDB", summary: "Tables bill PAY_PER_REQUEST",
        documentation: "Req 11.1: every table uses on-demand (PAY_PER_REQUEST) billing; provisioned capacity would throttle bulk jobs.",
        failing: [RuleExample("specs/tables.yaml", messages("    billing: ↓PROVISIONED\n    attributes: { messageId: S, contactId: S, expiresAt: N }\n    key: { partition: messageId }\n    indexes:\n      byContact: { partition: contactId }\n    ttl: { attribute: expiresAt, retention: 30d }\n"))],
        passing: [RuleExample("specs/tables.yaml", baseTables)],
        check: .platform { p in
            p.tables.filter { $0.billing.value != "PAY_PER_REQUEST" }.map { t in
                Diagnostic(RuleID.billingMode, t.billing.location, "table '\(t.id.value)' bills \(t.billing.value); the platform uses PAY_PER_REQUEST (Req 11.1)",
                           hint: "write `billing: PAY_PER_REQUEST`", resource: ResourceID(.table, t.id.value))
            }
        })

    static let ttlAttribute = Rule(
        id: RuleID.ttlAttribute, family: "DynamoDB", summary: "The TTL attribute is a declared Number and not a key",
        documentation: "Req 17.1 and 17.10: DynamoDB only expires items whose TTL attribute is a Number of epoch seconds; a String never expires. A key attribute cannot be the TTL attribute.",
        failing: [RuleExample("specs/tables.yaml", messages("    billing: PAY_PER_REQUEST\n    attributes: { messageId: S, contactId: S, expiresAt: S }\n    key: { partition: messageId }\n    indexes:\n      byContact: { partition: contactId }\n    ttl: { attribute: ↓expiresAt, retention: 30d }\n"))],
        passing: [RuleExample("specs/tables.yaml", baseTables)],
        check: .platform { p in
            p.tables.compactMap { t in
                guard let ttl = t.ttl else { return nil }
                let name = ttl.attribute.value
                let id = ResourceID(.table, t.id.value)
                if t.keyAttributes.contains(where: { $0.value == name }) {
                    return Diagnostic(RuleID.ttlAttribute, ttl.attribute.location, "TTL attribute '\(name)' of table '\(t.id.value)' is a key attribute",
                                      hint: "use a separate attribute such as `expiresAt`", resource: id)
                }
                switch t.attributeType(name) {
                case .N?: return nil
                case nil:
                    return Diagnostic(RuleID.ttlAttribute, ttl.attribute.location, "TTL attribute '\(name)' of table '\(t.id.value)' is not declared",
                                      hint: "declare it under `attributes:` as `\(name): N` (epoch seconds)", resource: id)
                case let other?:
                    return Diagnostic(RuleID.ttlAttribute, ttl.attribute.location, "TTL attribute '\(name)' of table '\(t.id.value)' is \(other.rawValue); DynamoDB only expires Number attributes",
                                      hint: "declare it as `\(name): N` holding epoch seconds (Req 17.1)", resource: id)
                }
            }
        })

    static let keyAttribute = Rule(
        id: RuleID.keyAttribute, family: "DynamoDB", summary: "Key and index attributes are declared as S, N or B",
        documentation: "Every attribute of the table key or of an index key must be declared under `attributes:` with a scalar type (S, N or B).",
        failing: [RuleExample("specs/tables.yaml", messages("    billing: PAY_PER_REQUEST\n    attributes: { messageId: S, expiresAt: N }\n    key: { partition: messageId }\n    indexes:\n      byContact: { partition: ↓contactId }\n    ttl: { attribute: expiresAt, retention: 30d }\n"))],
        passing: [RuleExample("specs/tables.yaml", baseTables)],
        check: .platform { p in
            p.tables.flatMap { t in
                t.keyAttributes.compactMap { a -> Diagnostic? in
                    let id = ResourceID(.table, t.id.value)
                    guard let type = t.attributeType(a.value) else {
                        return Diagnostic(RuleID.keyAttribute, a.location, "key attribute '\(a.value)' of table '\(t.id.value)' is not declared",
                                          hint: "declare it under `attributes:`, e.g. `\(a.value): S`", resource: id)
                    }
                    guard type.isKeyType else {
                        return Diagnostic(RuleID.keyAttribute, a.location, "key attribute '\(a.value)' of table '\(t.id.value)' is \(type.rawValue); keys are S, N or B",
                                          hint: "declare it as S, N or B", resource: id)
                    }
                    return nil
                }
            }
        })

    static let ttlRetention = Rule(
        id: RuleID.ttlRetention, family: "DynamoDB", summary: "TTL retention matches the requirement for that table",
        documentation: "Req 17: Messages 30 days, DLQMessages 7 days, AuditLogs 180 days, RateLimitTrackers 24 hours. A table the requirements give a retention must have a TTL with exactly that retention.",
        failing: [RuleExample("specs/tables.yaml", messages("    billing: PAY_PER_REQUEST\n    attributes: { messageId: S, contactId: S, expiresAt: N }\n    key: { partition: messageId }\n    indexes:\n      byContact: { partition: contactId }\n    ttl: { attribute: expiresAt, retention: ↓90d }\n"))],
        passing: [RuleExample("specs/tables.yaml", baseTables)],
        check: .platform { p in
            p.tables.compactMap { t in
                guard let (required, source) = requiredRetention[t.id.value] else { return nil }
                let id = ResourceID(.table, t.id.value)
                guard let ttl = t.ttl else {
                    return Diagnostic(RuleID.ttlRetention, t.id.location, "table '\(t.id.value)' has no TTL; \(source) asks for \(required)",
                                      hint: "add `ttl: { attribute: expiresAt, retention: \(required) }`", resource: id)
                }
                guard ttl.retention.value != required else { return nil }
                return Diagnostic(RuleID.ttlRetention, ttl.retention.location, "table '\(t.id.value)' keeps items \(ttl.retention.value); \(source) asks for \(required)",
                                  hint: "write `retention: \(required)`", resource: id)
            }
        })
}
