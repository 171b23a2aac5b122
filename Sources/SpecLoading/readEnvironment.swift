import SpecModel

func readEnvironment(_ node: SyntaxNode, file: String, owner: SourceLocation, sink: DiagnosticSink) -> Environment? {
    guard let r = MappingReader.expect(node, allowed: ["name", "sendMode", "logLevel", "naming", "deploy", "adopt"], subject: "environment", owner: owner, sink: sink) else { return nil }
    let name = r.string("name", example: "preview")
    var sendMode: Located<SendMode>?
    if let s = r.string("sendMode", example: "DRY_RUN") {
        if let mode = SendMode(rawValue: s.value) { sendMode = Located(mode, at: s.location) } else {
            sink.error(RuleID.schemaType, at: s.location, "sendMode must be DRY_RUN or LIVE, found '\(s.value)'", hint: "write `sendMode: DRY_RUN`")
        }
    }
    let levels = ["DEBUG", "INFO", "WARN", "ERROR"]
    let logLevel = r.string("logLevel", example: "INFO")
    if let l = logLevel, !levels.contains(l.value) {
        sink.error(RuleID.schemaType, at: l.location, "logLevel must be one of \(levels.joined(separator: ", ")), found '\(l.value)'", hint: "write `logLevel: INFO`")
    }
    var prefix: Located<String>?
    var objectPrefix: Located<String>?
    if let n = r.node["naming"], let nr = MappingReader.expect(n, allowed: ["prefix", "objectPrefix"], subject: "the naming of environment", owner: r.keyLocation("naming"), sink: sink) {
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
    if let d = r.node["deploy"], let dr = MappingReader.expect(d, allowed: ["branches", "stack", "perBranch"], subject: "the deploy rules of environment", owner: r.keyLocation("deploy"), sink: sink) {
        branches = dr.stringList("branches", required: true)
        stack = dr.string("stack", required: false)
        perBranch = dr.has("perBranch") ? dr.bool("perBranch", default: false) : nil
    }
    var adopt: [Reference] = []
    if let a = r.node["adopt"], let ar = MappingReader.expect(a, allowed: ["tables", "queues", "logGroups"], subject: "the adopted resources of environment",
                                                             owner: r.keyLocation("adopt"), sink: sink) {
        adopt += ar.stringList("tables").map { Reference(kind: .table, name: $0) }
        adopt += ar.stringList("queues").map { Reference(kind: .queue, name: $0) }
        adopt += ar.stringList("logGroups").map { Reference(kind: .logGroup, name: $0) }
    }
    guard let name, let sendMode, let logLevel, let prefix, let objectPrefix else { return nil }
    return Environment(name: name, sendMode: sendMode, logLevel: logLevel, prefix: prefix, objectPrefix: objectPrefix,
                       branches: branches, stackName: stack, perBranch: perBranch, adopt: adopt, file: file, location: owner)
}
