import SpecModel

func readEnvironment(_ node: SyntaxNode, file: String, owner: SourceLocation, sink: DiagnosticSink) -> Environment? {
    guard let r = MappingReader.expect(node, allowed: SpecSchema.keys(.environment), subject: "environment", owner: owner, sink: sink) else { return nil }
    let name = r.string("name", example: "preview")
    var sendMode: Located<SendMode>?
    if let s = r.string("sendMode", example: "DRY_RUN") {
        if let mode = SendMode(rawValue: s.value) { sendMode = Located(mode, at: s.location) } else {
            sink.error(RuleID.schemaType, at: s.location, "sendMode must be DRY_RUN or LIVE, found '\(s.value)'", hint: "write `sendMode: DRY_RUN`")
        }
    }
    let levels = SpecSchema.logLevels
    let logLevel = r.string("logLevel", example: "INFO")
    if let l = logLevel, !levels.contains(l.value) {
        sink.error(RuleID.schemaType, at: l.location, "logLevel must be one of \(levels.joined(separator: ", ")), found '\(l.value)'", hint: "write `logLevel: INFO`")
    }
    var prefix: Located<String>?
    var objectPrefix: Located<String>?
    if let n = r.node["naming"], let nr = MappingReader.expect(n, allowed: SpecSchema.keys(.naming), subject: "the naming of environment", owner: r.keyLocation("naming"), sink: sink) {
        prefix = nr.string("prefix", example: "base-wecare-digital-preview")
        objectPrefix = nr.string("objectPrefix", required: false) ?? Located("", at: nr.owner)
        if let p = prefix, !p.value.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) || p.value.isEmpty {
            sink.error(RuleID.schemaType, at: p.location, "naming prefix '\(p.value)' may hold only letters, digits and '-'",
                       hint: "it starts every table, queue, function and stack name: `prefix: base-wecare-digital-preview`")
        }
        if let o = objectPrefix, !o.value.isEmpty, !o.value.hasSuffix("/") {
            sink.error(RuleID.prefixSlash, at: o.location, "objectPrefix '\(o.value)' must end with '/'", hint: "write `objectPrefix: \(o.value)/`")
        }
    } else if !r.has("naming") {
        sink.error(RuleID.missingField, at: owner, "environment is missing 'naming'", hint: "add `naming: { prefix: base-wecare-digital-<env> }`")
    }
    var branches: [Located<String>] = []
    var stack: Located<String>?
    var perBranch: Located<Bool>?
    if let d = r.node["deploy"], let dr = MappingReader.expect(d, allowed: SpecSchema.keys(.deploy), subject: "the deploy rules of environment", owner: r.keyLocation("deploy"), sink: sink) {
        branches = dr.stringList("branches", required: true)
        stack = dr.string("stack", required: false)
        perBranch = dr.has("perBranch") ? dr.bool("perBranch", default: false) : nil
    }
    var adopt: [Reference] = []
    if let a = r.node["adopt"], let ar = MappingReader.expect(a, allowed: SpecSchema.keys(.adopt), subject: "the adopted resources of environment",
                                                             owner: r.keyLocation("adopt"), sink: sink) {
        adopt += ar.stringList("tables").map { Reference(kind: .table, name: $0) }
        adopt += ar.stringList("queues").map { Reference(kind: .queue, name: $0) }
        adopt += ar.stringList("logGroups").map { Reference(kind: .logGroup, name: $0) }
    }
    let alertEmail = r.string("alertEmail", required: false, example: "ops@example.com")
    if let a = alertEmail, !isEmailAddress(a.value) {
        sink.error(RuleID.schemaType, at: a.location, "alertEmail must be an email address, found '\(a.value)'",
                   hint: "write the address of the person the alarms notify: `alertEmail: ops@example.com`")
    }
    let substitutes = (r.sequence("substitutes") ?? []).compactMap { readSubstitute($0, sink: sink) }
    var uiLinks: [UILink] = []
    if let u = r.node["ui"], let ur = MappingReader.expect(u, allowed: SpecSchema.keys(.ui), subject: "the web UI of environment", owner: r.keyLocation("ui"), sink: sink),
       let l = ur.node["links"], let lr = MappingReader.expect(l, allowed: SpecSchema.keys(.uiLinks), subject: "the web UI's links", owner: ur.keyLocation("links"), sink: sink) {
        for module in UILink.modules where lr.has(module) {
            if let url = lr.string(module, required: false) { uiLinks.append(UILink(module: Located(module, at: lr.keyLocation(module) ?? lr.owner), url: url)) }
        }
    }
    guard let name, let sendMode, let logLevel, let prefix, let objectPrefix else { return nil }
    return Environment(name: name, sendMode: sendMode, logLevel: logLevel, prefix: prefix, objectPrefix: objectPrefix,
                       branches: branches, stackName: stack, perBranch: perBranch, adopt: adopt, alertEmail: alertEmail, substitutes: substitutes,
                       uiLinks: uiLinks, file: file, location: owner)
}

/// `- { topic: whatsapp-events, by: whatsapp-test-events }` or `- { bucket: media, by: media-preview }`.
private func readSubstitute(_ node: SyntaxNode, sink: DiagnosticSink) -> Substitute? {
    let subject = "a substitute of the environment"
    guard case .mapping(let m) = node, let by = m["by"] else {
        sink.error(RuleID.schemaType, at: node.location, "\(subject) must name a topic and its replacement",
                   hint: "write it like `- { topic: whatsapp-events, by: whatsapp-test-events }` or `- { bucket: media, by: media-preview }`")
        return nil
    }
    var stripped = m
    stripped.entries.removeAll { $0.key.text == "by" }
    guard let original = readReference(.mapping(stripped), kinds: [.topic, .bucket], subject: subject, sink: sink) else { return nil }
    guard case .scalar(let s) = by, !s.isNull else {
        sink.error(RuleID.schemaType, at: by.location, "'by' in \(subject) must name a \(original.kind.key)", hint: "write it like `by: whatsapp-test-events`")
        return nil
    }
    return Substitute(original: original, replacement: Reference(kind: original.kind, name: Located(s.text, at: s.location)), location: node.location)
}

func isEmailAddress(_ text: String) -> Bool {
    let parts = text.split(separator: "@", omittingEmptySubsequences: false)
    return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !text.contains(" ")
}
