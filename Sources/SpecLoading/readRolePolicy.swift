import SpecModel

func readRolePolicy(_ node: SyntaxNode, owner: SourceLocation, sink: DiagnosticSink) -> RolePolicy? {
    guard let r = MappingReader.expect(node, allowed: SpecSchema.keys(.iam), subject: "iam", owner: owner, sink: sink) else { return nil }
    let role = r.name("role", of: .role)
    var scopes: [Scope] = []
    var sids: [String: SourceLocation] = [:]
    for item in r.sequence("scopes", required: true) ?? [] {
        guard let scope = readScope(item, sink: sink) else { continue }
        if let first = sids[scope.sid.value] {
            sink.error(RuleID.duplicateName, at: scope.sid.location, "scope sid '\(scope.sid.value)' is used twice (first at \(first))",
                       hint: "give every statement its own sid")
            continue
        }
        sids[scope.sid.value] = scope.sid.location
        scopes.append(scope)
    }
    guard let role else { return nil }
    return RolePolicy(role: role, scopes: scopes, location: owner)
}

private func readScope(_ node: SyntaxNode, sink: DiagnosticSink) -> Scope? {
    guard let r = MappingReader.expect(node, allowed: SpecSchema.keys(.scope),
                                       subject: "a scope", sink: sink) else { return nil }
    guard let sid = r.string("sid", example: "ContactsReadWrite") else { return nil }
    let subject = "scope '\(sid.value)'"
    let actions = r.stringList("actions", required: true)
    let referenceKinds = ResourceKind.allCases.filter { $0 != .alarm && $0 != .certificate && $0 != .waba }
    var resources: [Scope.Target] = []
    for item in r.sequence("resources", required: true) ?? [] {
        if case .scalar(let s) = item, !s.isNull {
            resources.append(.arn(Located(s.text, at: s.location)))
        } else if let ref = readReference(item, kinds: referenceKinds, subject: "a resource of \(subject)", sink: sink) {
            resources.append(.reference(ref))
        }
    }
    let listPrefixes = r.stringList("listPrefixes").map { Reference(kind: .prefix, name: $0) }
    var conditionPrefixes: [Located<String>] = []
    if let c = r.node["condition"], let cr = MappingReader.expect(c, allowed: SpecSchema.keys(.condition), subject: "the condition of \(subject)", sink: sink) {
        for (_, op) in cr.node.entries {
            guard let opr = MappingReader.expect(op, allowed: SpecSchema.keys(.conditionOperator), subject: "the condition of \(subject)", sink: sink) else { continue }
            conditionPrefixes += opr.stringList("s3:prefix")
        }
    }
    return Scope(sid: sid, actions: actions, resources: resources, listPrefixes: listPrefixes,
                 conditionPrefixes: conditionPrefixes, waivers: readWaivers(r))
}
