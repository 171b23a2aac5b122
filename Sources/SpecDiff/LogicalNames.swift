import SpecModel

/// Template logical ids back to the spec names a reviewer knows: `TableContacts` is table 'Contacts'.
/// The spelling mirrors the CloudFormation generator's (kind prefix + PascalCase spec name); SpecDiff
/// depends on the model only, so it cannot call the generator. An id it does not recognise is shown
/// as it stands, with the kind taken from the resource type, so a drift here never hides a change.
struct LogicalNames {
    private var names: [String: DiffResource] = [:]

    init(_ platforms: [Platform]) {
        for p in platforms {
            for t in p.tables { names["Table" + Self.pascal(t.id.value)] = DiffResource("table", t.id.value) }
            for q in p.queues { names["Queue" + Self.pascal(q.id.value)] = DiffResource("queue", q.id.value) }
            for g in p.logGroups { names["LogGroup" + Self.pascal(g.id.value)] = DiffResource("logGroup", g.id.value) }
            for f in p.functions {
                let fn = "Function" + Self.pascal(f.id.value), id = f.id.value
                names[fn] = DiffResource("function", id)
                names[fn + "EventSource"] = DiffResource("eventSource", id)
                names[fn + "Subscription"] = DiffResource("subscription", id)
                names[fn + "TopicPermission"] = DiffResource("permission", "\(id) (topic)")
                names[fn + "ApiPermission"] = DiffResource("permission", "\(id) (api)")
                names[fn + "Integration"] = DiffResource("integration", id)
            }
            for a in p.alarms {
                let base = "Alarm" + Self.pascal(a.id.value)
                names[base] = DiffResource("alarm", a.id.value)
                for f in p.functions { names[base + Self.pascal(f.id.value)] = DiffResource("alarm", "\(a.id.value)/\(f.id.value)") }
                for q in p.queues { names[base + Self.pascal(q.id.value)] = DiffResource("alarm", "\(a.id.value)/\(q.id.value)") }
            }
        }
    }

    func resource(for logicalID: String, type: String, properties: [String: JSONValue]) -> DiffResource {
        if let known = names[logicalID] { return known }
        // Routes are named by their route key, which is what the spec says (`GET /api/me`).
        if type == "AWS::ApiGatewayV2::Route", case .string(let key)? = properties["RouteKey"] { return DiffResource("route", key) }
        let short = type.split(separator: ":").last.map(String.init) ?? type
        return DiffResource(short.prefix(1).lowercased() + short.dropFirst(), logicalID)
    }

    static func pascal(_ s: String) -> String {
        s.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}
