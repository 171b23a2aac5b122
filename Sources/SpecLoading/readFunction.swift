import SpecModel

/// What every function inherits unless it says otherwise.
struct FunctionDefaults {
    var runtime: Located<String>?
    var architecture: Located<String>?
    var memory: Located<Int>?
    var timeout: Located<Int>?
    var role: Reference?
    var logGroup: Reference?
    var environment: [Function.Variable] = []
}

func readFunctionDefaults(_ node: SyntaxNode, owner: SourceLocation, sink: DiagnosticSink) -> FunctionDefaults? {
    guard let r = MappingReader.expect(node, allowed: SpecSchema.keys(.functionDefaults),
                                       subject: "functionDefaults", owner: owner, sink: sink) else { return nil }
    var d = FunctionDefaults()
    d.runtime = r.string("runtime", required: false)
    d.architecture = r.string("architecture", required: false)
    d.memory = r.int("memory", required: false, example: "256")
    d.timeout = r.int("timeout", required: false, example: "30")
    d.role = r.has("role") ? r.reference("role", kinds: [.role]) : nil
    d.logGroup = r.has("logGroup") ? r.reference("logGroup", kinds: [.logGroup]) : nil
    d.environment = readVariables(r, inherited: true)
    return d
}

func readFunction(_ key: ScalarNode, _ node: SyntaxNode, defaults: FunctionDefaults?, sink: DiagnosticSink) -> Function? {
    let subject = "function '\(key.text)'"
    let allowed = SpecSchema.keys(.function)
    guard let r = MappingReader.expect(node, allowed: allowed, subject: subject, owner: key.location, sink: sink) else { return nil }
    let name = r.string("name", required: false) ?? Located(key.text, at: key.location)
    let handler = r.string("handler", example: "inbound.whatsapp")
    let runtime = r.string("runtime", required: defaults?.runtime == nil, example: "provided.al2023") ?? defaults?.runtime
    let architecture = r.string("architecture", required: false) ?? defaults?.architecture ?? Located("arm64", at: key.location)
    let memory = r.int("memory", required: defaults?.memory == nil, example: "256") ?? defaults?.memory
    let timeout = r.int("timeout", required: defaults?.timeout == nil, example: "30") ?? defaults?.timeout
    let reserved = r.int("reservedConcurrency", required: false, example: "5")
    let role = r.has("role") || defaults?.role == nil ? r.reference("role", kinds: [.role]) : defaults?.role
    let trigger = r.has("trigger") ? readTrigger(r.node["trigger"]!, subject: "the trigger of \(subject)", owner: r.keyLocation("trigger"), sink: sink) : nil
    if !r.has("trigger") {
        sink.error(RuleID.missingField, at: key.location, "\(subject) is missing 'trigger'",
                   hint: "add one of `trigger: { topic: name }`, `{ queue: name }`, `{ routes: [\"GET /api/x\"] }` or `{ invokedBy: [function] }`")
    }
    let dlq = r.has("deadLetterQueue") ? r.reference("deadLetterQueue", kinds: [.queue]) : nil
    let logGroup = r.has("logGroup") ? r.reference("logGroup", kinds: [.logGroup]) : defaults?.logGroup
    var variables = readVariables(r, inherited: false)
    for inherited in defaults?.environment ?? [] where !variables.contains(where: { $0.name.value == inherited.name.value }) {
        variables.append(inherited)
    }
    let access = readAccess(r, subject: subject, sink: sink)
    let waivers = readWaivers(r)
    guard let handler, let runtime, let memory, let timeout, let role, let trigger else { return nil }
    return Function(id: Located(key.text, at: key.location), name: name, handler: handler,
                    description: r.string("description", required: false)?.value ?? "", runtime: runtime,
                    architecture: architecture, memory: memory, timeout: timeout, reservedConcurrency: reserved, role: role,
                    trigger: trigger, deadLetterQueue: dlq, logGroup: logGroup, environment: variables, access: access, waivers: waivers)
}

private func readTrigger(_ node: SyntaxNode, subject: String, owner: SourceLocation?, sink: DiagnosticSink) -> Function.Trigger? {
    guard let r = MappingReader.expect(node, allowed: SpecSchema.keys(.trigger), subject: subject, owner: owner,
                                       sink: sink) else { return nil }
    let kinds = ["topic", "queue", "routes", "invokedBy", "schedule"].filter(r.has)
    guard kinds.count == 1 else {
        sink.error(kinds.isEmpty ? RuleID.missingField : RuleID.schemaType, at: r.owner,
                   kinds.isEmpty ? "\(subject) names no source" : "\(subject) has \(kinds.count) sources (\(kinds.joined(separator: ", "))); a function has one",
                   hint: "keep exactly one of topic, queue, routes, invokedBy, schedule")
        return nil
    }
    switch kinds[0] {
    case "topic":
        return r.name("topic", of: .topic).map { .topic($0) }
    case "queue":
        guard let q = r.name("queue", of: .queue) else { return nil }
        let batch = r.int("batchSize", required: false, example: "1") ?? Located(1, at: q.name.location)
        return .queue(q, batchSize: batch)
    case "routes":
        let routes = r.stringList("routes", required: true).compactMap { text -> Located<Function.Route>? in
            let parts = text.value.split(separator: " ", omittingEmptySubsequences: true)
            let methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
            guard parts.count == 2, methods.contains(String(parts[0])), parts[1].hasPrefix("/") else {
                sink.error(RuleID.schemaType, at: text.location, "route '\(text.value)' must be a method and a path",
                           hint: "write it like \"GET /api/messages\"; methods: \(methods.joined(separator: ", "))")
                return nil
            }
            return Located(Function.Route(method: String(parts[0]), path: String(parts[1])), at: text.location)
        }
        // Routes answered without the JWT authorizer: each must be one of the function's routes.
        var open = Set<String>()
        for text in r.stringList("unauthenticated") {
            if routes.contains(where: { $0.value.description == text.value }) { open.insert(text.value) } else {
                sink.error(RuleID.schemaType, at: text.location, "unauthenticated route '\(text.value)' is not one of the function's routes",
                           hint: "list it under routes too, or remove it: only the web UI's page and files are answered without a token")
            }
        }
        return .routes(routes.map { route in
            var r = route.value
            r.unauthenticated = open.contains(r.description)
            return Located(r, at: route.location)
        })
    case "schedule":
        guard let expression = r.string("schedule", example: "rate(1 minute)") else { return nil }
        guard isScheduleExpression(expression.value) else {
            sink.error(RuleID.schemaType, at: expression.location, "schedule '\(expression.value)' is not an EventBridge schedule expression",
                       hint: "write `rate(1 minute)`, `rate(5 minutes)`, `rate(1 hour)` or `cron(0 12 * * ? *)`")
            return nil
        }
        return .schedule(expression)
    default:
        return .invokedBy(r.stringList("invokedBy", required: true).map { Reference(kind: .function, name: $0) })
    }
}

private func readVariables(_ r: MappingReader, inherited: Bool) -> [Function.Variable] {
    guard let env = r.mapping("environment") else { return [] }
    let kinds = ResourceKind.allCases.filter { $0 != .alarm && $0 != .certificate && $0 != .role }
    return env.entries.compactMap { k, v in
        readValue(v, subject: "variable \(k.text)", of: r.subject, kinds: kinds, sink: r.sink)
            .map { Function.Variable(name: Located(k.text, at: k.location), value: $0, inherited: inherited) }
    }
}

/// A value as variables write it: a literal, `{ setting: name }`, or a reference to one of `kinds`.
func readValue(_ v: SyntaxNode, subject: String, of owner: String, kinds: [ResourceKind], sink: DiagnosticSink) -> Function.Value? {
    switch v {
    case .scalar(let s) where !s.isNull:
        return .literal(Located(s.text, at: s.location))
    case .mapping(let m) where m["setting"] != nil:
        let sr = MappingReader(m, allowed: SpecSchema.keys(.setting), subject: subject, sink: sink)
        guard let s = sr.string("setting") else { return nil }
        guard let setting = Setting(rawValue: s.value) else {
            var hint = "settings: \(Setting.allCases.map(\.rawValue).joined(separator: ", "))"
            if let g = Spelling.closest(to: s.value, in: Setting.allCases.map(\.rawValue)) { hint = "did you mean '\(g)'? " + hint }
            sink.error(RuleID.unresolvedReference, at: s.location, "\(subject) names an unknown setting '\(s.value)'", hint: hint)
            return nil
        }
        return .setting(Located(setting, at: s.location))
    default:
        return readReference(v, kinds: kinds, subject: "\(subject) of \(owner)", allowAttribute: true, sink: sink).map { .reference($0) }
    }
}

private func readAccess(_ r: MappingReader, subject: String, sink: DiagnosticSink) -> [Function.Access] {
    guard let items = r.sequence("access") else { return [] }
    let kinds = AccessVerbs.byKind.keys.sorted()
    return items.compactMap { item -> Function.Access? in
        guard case .mapping(let m) = item else {
            sink.error(RuleID.schemaType, at: item.location, "each access entry of \(subject) must be a mapping",
                       hint: "write it like `- { table: Contacts, allow: [read, write] }`")
            return nil
        }
        var stripped = m
        stripped.entries.removeAll { $0.key.text == "allow" }
        guard let target = readReference(.mapping(stripped), kinds: kinds, subject: "an access entry of \(subject)", sink: sink) else { return nil }
        let ar = MappingReader(m, allowed: m.entries.map(\.key.text), subject: "an access entry of \(subject)", owner: item.location, sink: sink)
        let verbs = ar.stringList("allow", required: false)
        if m["allow"] == nil {
            sink.error(RuleID.missingField, at: item.location, "an access entry of \(subject) is missing 'allow'",
                       hint: "add the verbs, e.g. `allow: [\((AccessVerbs.byKind[target.kind] ?? [:]).keys.sorted().joined(separator: ", "))]`")
        }
        let allowedVerbs = AccessVerbs.byKind[target.kind] ?? [:]
        for verb in verbs where allowedVerbs[verb.value] == nil {
            var hint = "verbs for a \(target.kind.key): \(allowedVerbs.keys.sorted().joined(separator: ", "))"
            if let g = Spelling.closest(to: verb.value, in: Array(allowedVerbs.keys)) { hint = "did you mean '\(g)'? " + hint }
            sink.error(RuleID.schemaType, at: verb.location, "'\(verb.value)' is not an access verb for a \(target.kind.key)", hint: hint)
        }
        return Function.Access(target: target, verbs: verbs.filter { allowedVerbs[$0.value] != nil }, location: item.location)
    }
}

/// EventBridge's two forms: `rate(N unit)` (minute(s), hour(s), day(s); singular exactly for 1) and
/// `cron(six fields)`.
func isScheduleExpression(_ text: String) -> Bool {
    if text.hasPrefix("rate("), text.hasSuffix(")") {
        let parts = text.dropFirst(5).dropLast().split(separator: " ")
        guard parts.count == 2, let n = Int(parts[0]), n > 0 else { return false }
        let unit = String(parts[1])
        return n == 1 ? ["minute", "hour", "day"].contains(unit) : ["minutes", "hours", "days"].contains(unit)
    }
    if text.hasPrefix("cron("), text.hasSuffix(")") {
        return text.dropFirst(5).dropLast().split(separator: " ").count == 6
    }
    return false
}
