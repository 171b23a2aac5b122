import SpecModel

func readLogGroup(_ key: ScalarNode, _ node: SyntaxNode, sink: DiagnosticSink) -> LogGroup? {
    guard let r = MappingReader.expect(node, allowed: SpecSchema.keys(.logGroup), subject: "log group '\(key.text)'", owner: key.location, sink: sink),
          let name = r.string("name", example: "common"), let retention = r.duration("retention", example: "30d") else { return nil }
    return LogGroup(id: Located(key.text, at: key.location), name: name, retention: retention, waivers: readWaivers(r))
}

func readAlarm(_ key: ScalarNode, _ node: SyntaxNode, sink: DiagnosticSink) -> Alarm? {
    let subject = "alarm '\(key.text)'"
    let allowed = SpecSchema.keys(.alarm)
    guard let r = MappingReader.expect(node, allowed: allowed, subject: subject, owner: key.location, sink: sink) else { return nil }
    let name = r.string("name", example: "dlq-depth")
    let kindText = r.string("kind", example: "queue-depth")
    var kind: Alarm.Kind?
    switch kindText?.value {
    case "lambda-error-rate": kind = .lambdaErrorRate
    case "api-error-rate": kind = .apiErrorRate
    case "queue-depth": kind = .queueDepth(r.stringList("queues", required: true).map { Reference(kind: .queue, name: $0) })
    case "metric":
        if let ns = r.string("namespace", example: "WECARE/Messaging"), let metric = r.string("metric", example: "WhatsAppTierUsagePercent") {
            kind = .metric(namespace: ns, name: metric, statistic: r.string("statistic", required: false) ?? Located("Maximum", at: metric.location))
        }
    case let other?:
        let kinds = ["lambda-error-rate", "api-error-rate", "queue-depth", "metric"]
        var hint = "kinds: \(kinds.joined(separator: ", "))"
        if let g = Spelling.closest(to: other, in: kinds) { hint = "did you mean '\(g)'? " + hint }
        sink.error(RuleID.schemaType, at: kindText!.location, "unknown alarm kind '\(other)'", hint: hint)
    case nil: break
    }
    let threshold = r.int("threshold", example: "10")
    let period = r.duration("period", required: false) ?? Located(SpecDuration(seconds: 300), at: key.location)
    let evaluations = r.int("evaluationPeriods", required: false, example: "1") ?? Located(1, at: key.location)
    let notify = r.has("notify") ? r.reference("notify", kinds: [.topic]) : nil
    guard let name, let kind, let threshold else { return nil }
    return Alarm(id: Located(key.text, at: key.location), name: name, description: r.string("description", required: false)?.value ?? "",
                 kind: kind, threshold: threshold, period: period, evaluationPeriods: evaluations, notify: notify, waivers: readWaivers(r))
}

func readAPI(_ node: SyntaxNode, owner: SourceLocation, sink: DiagnosticSink) -> HTTPAPI? {
    guard let r = MappingReader.expect(node, allowed: SpecSchema.keys(.api), subject: "api", owner: owner, sink: sink),
          let name = r.string("name", example: "api"), let pool = r.name("userPool", of: .userPool) else { return nil }
    return HTTPAPI(name: name, userPool: pool, corsOrigins: r.stringList("corsOrigins"), location: owner)
}
