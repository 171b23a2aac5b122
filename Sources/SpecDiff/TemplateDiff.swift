import SpecModel

/// Compares one environment's two CloudFormation templates resource by resource, property by property.
enum TemplateDiff {
    /// A property that changed, as a path from the resource (`KeySchema`, `RedrivePolicy.maxReceiveCount`).
    struct PropertyChange {
        var path: [String]
        var before: JSONValue?
        var after: JSONValue?
        /// `GlobalSecondaryIndexes[byPhone].KeySchema`: named elements in brackets, no dot before them.
        var pathString: String {
            path.enumerated().map { i, part in i == 0 || part.hasPrefix("[") ? part : "." + part }.joined()
        }
    }

    /// Lambda variables are compared in the model, where `{ table: Contacts }` is still a reference:
    /// in the template they are resolved values, and one spec change (a prefix path, SEND_MODE) would
    /// show once per function that names it instead of once at its source.
    static let modelComparedProperties: [String: Set<String>] = ["AWS::Lambda::Function": ["Environment"]]

    static func changes(base: JSONValue, head: JSONValue, environment: String, names: LogicalNames) -> [Change] {
        let before = resources(base), after = resources(head)
        var out: [Change] = []
        for id in Set(before.keys).union(after.keys).sorted() {
            let b = before[id], a = after[id]
            let type = string((a ?? b)?["Type"]) ?? "?"
            let resource = names.resource(for: id, type: type, properties: properties(a ?? b))
            switch (b, a) {
            case (let b?, nil):
                let (risk, why) = TemplateRisk.removed(type: type, resource: b)
                let holdsData = TemplateReplacement.replacing[type] != nil
                out.append(Change(environment: environment, risk: risk, resource: resource, field: "resource",
                                  before: physicalName(b) ?? type, after: nil, why: why,
                                  retained: holdsData ? member(b, "DeletionPolicy") == .string("Retain") : nil))
            case (nil, let a?):
                let (risk, why) = TemplateRisk.added(type: type)
                out.append(Change(environment: environment, risk: risk, resource: resource, field: "resource",
                                  before: nil, after: physicalName(a) ?? type, why: why))
            case (let b?, let a?):
                for p in propertyChanges(b, a, type: type) {
                    let (risk, why) = TemplateRisk.classify(type: type, change: p, base: properties(b), head: properties(a))
                    let replaced = TemplateReplacement.outcome(type: type, change: p, before: b, after: a, keyDefinitionChanged: risk == .dataLoss)
                    out.append(Change(environment: environment, risk: risk, resource: resource, field: p.pathString,
                                      before: ShortValue.render(p.before, unit: unit(p)), after: ShortValue.render(p.after, unit: unit(p)),
                                      why: replaced?.why ?? why, replacement: replaced?.replacement ?? .none, retained: replaced?.retained))
                }
            case (nil, nil): break
            }
        }
        // Parameters and the description belong to the stack, not to one resource; outputs only
        // mirror resources, whose own changes are already listed.
        for key in ["Description", "Parameters"] {
            var found: [PropertyChange] = []
            walk(member(base, key), member(head, key), path: [key], into: &found)
            out += found.map {
                Change(environment: environment, risk: .other, resource: DiffResource("stack", environment), field: $0.pathString,
                       before: ShortValue.render($0.before), after: ShortValue.render($0.after), why: "The stack's \(key.lowercased()) changes; no resource is touched.")
            }
        }
        return out
    }

    static func propertyChanges(_ b: JSONValue, _ a: JSONValue, type: String) -> [PropertyChange] {
        var found: [PropertyChange] = []
        for key in ["Type", "DeletionPolicy", "UpdateReplacePolicy"] where member(b, key) != member(a, key) {
            found.append(PropertyChange(path: [key], before: member(b, key), after: member(a, key)))
        }
        var pb = properties(b), pa = properties(a)
        for skipped in modelComparedProperties[type] ?? [] {
            pb[skipped] = nil
            pa[skipped] = nil
        }
        walk(.object(pb), .object(pa), path: [], into: &found)
        return found
    }

    /// Descends into objects and into arrays of named elements (indexes, metrics, tags) so that a
    /// change is reported at the narrowest path; anything else is compared whole.
    static func walk(_ b: JSONValue?, _ a: JSONValue?, path: [String], into found: inout [PropertyChange]) {
        if b == a { return }
        if case .object(let ob)? = b, case .object(let oa)? = a, !isIntrinsic(ob), !isIntrinsic(oa) {
            for key in Set(ob.keys).union(oa.keys).sorted() { walk(ob[key], oa[key], path: path + [key], into: &found) }
            return
        }
        if case .array(let xb)? = b, case .array(let xa)? = a, let key = elementKey(xb + xa),
           let nb = named(xb, key), let na = named(xa, key) {
            for name in Set(nb.keys).union(na.keys).sorted() { walk(nb[name], na[name], path: path + ["[\(name)]"], into: &found) }
            return
        }
        found.append(PropertyChange(path: path, before: b, after: a))
    }

    static let elementKeys = ["IndexName", "Id", "Key"]

    static func elementKey(_ items: [JSONValue]) -> String? {
        guard !items.isEmpty else { return nil }
        return elementKeys.first { key in items.allSatisfy { if case .object(let o) = $0, case .string? = o[key] { true } else { false } } }
    }

    static func named(_ items: [JSONValue], _ key: String) -> [String: JSONValue]? {
        var out: [String: JSONValue] = [:]
        for item in items {
            guard case .object(let o) = item, case .string(let name)? = o[key], out[name] == nil else { return nil }
            out[name] = item
        }
        return out
    }

    static func isIntrinsic(_ o: [String: JSONValue]) -> Bool {
        o.count == 1 && o.keys.first.map { $0 == "Ref" || $0.hasPrefix("Fn::") } == true
    }

    /// The name a resource has in AWS, when it declares one: what `before`/`after` show for an added or removed resource.
    /// A name made with `Fn::Sub` (a branch's slug in it) is shown as written.
    static func physicalName(_ resource: JSONValue) -> String? {
        let p = properties(resource)
        for key in ["TableName", "QueueName", "FunctionName", "LogGroupName", "AlarmName", "RouteKey", "Name"] {
            if case .string(let s)? = p[key] { return s }
            if let s = string(member(p[key], "Fn::Sub")) { return s }
        }
        return nil
    }

    /// The unit a numeric property is given in, so that `300 → 900` reads `300 s → 900 s`.
    static let units: [String: String] = [
        "VisibilityTimeout": "s", "MessageRetentionPeriod": "s", "DelaySeconds": "s", "ReceiveMessageWaitTimeSeconds": "s",
        "Timeout": "s", "MaximumBatchingWindowInSeconds": "s", "Period": "s", "MemorySize": "MB", "RetentionInDays": "days",
    ]

    static func unit(_ change: PropertyChange) -> String? { change.path.last.flatMap { units[$0] } }

    static func resources(_ template: JSONValue) -> [String: JSONValue] {
        if case .object(let r)? = member(template, "Resources") { return r }
        return [:]
    }

    static func properties(_ resource: JSONValue?) -> [String: JSONValue] {
        if case .object(let p)? = resource.flatMap({ member($0, "Properties") }) { return p }
        return [:]
    }

    static func member(_ value: JSONValue?, _ key: String) -> JSONValue? {
        if case .object(let o)? = value { return o[key] }
        return nil
    }

    static func string(_ value: JSONValue?) -> String? {
        if case .string(let s)? = value { return s }
        return nil
    }
}

extension JSONValue {
    fileprivate subscript(key: String) -> JSONValue? { TemplateDiff.member(self, key) }
}
