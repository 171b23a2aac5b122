import SpecModel

func readTable(_ key: ScalarNode, _ node: SyntaxNode, sink: DiagnosticSink) -> Table? {
    let subject = "table '\(key.text)'"
    guard let r = MappingReader.expect(node, allowed: SpecSchema.keys(.table),
                                       subject: subject, owner: key.location, sink: sink) else { return nil }
    let name = r.string("name", example: "ContactsTable")
    let billing = r.string("billing", example: "PAY_PER_REQUEST")
    var attributes: [(name: Located<String>, type: Located<Table.AttributeType>)] = []
    if let attrs = r.mapping("attributes", required: true) {
        for (k, v) in attrs.entries {
            guard case .scalar(let s) = v, let type = Table.AttributeType(rawValue: s.text) else {
                sink.error(RuleID.schemaType, at: v.location, "attribute '\(k.text)' of \(subject) must have a type: \(Table.AttributeType.allCases.map(\.rawValue).joined(separator: ", "))",
                           hint: "write it like `\(k.text): S` (string), `N` (number) or `BOOL`")
                continue
            }
            attributes.append((Located(k.text, at: k.location), Located(type, at: s.location)))
        }
    }
    let keySchema = r.mapping("key", required: true).flatMap { readKeySchema($0, subject: "the key of \(subject)", owner: r.keyLocation("key"), sink: sink) }
    var indexes: [Table.Index] = []
    if let idx = r.mapping("indexes") {
        for (k, v) in idx.entries {
            guard case .mapping(let m) = v, let ks = readKeySchema(m, subject: "index '\(k.text)' of \(subject)", owner: k.location, sink: sink) else {
                if case .mapping = v {} else {
                    sink.error(RuleID.schemaType, at: v.location, "index '\(k.text)' of \(subject) must be a mapping", hint: "write it like `\(k.text): { partition: phone }`")
                }
                continue
            }
            indexes.append(Table.Index(name: Located(k.text, at: k.location), key: ks))
        }
    }
    var ttl: Table.TimeToLive?
    if let t = r.node["ttl"], let tr = MappingReader.expect(t, allowed: SpecSchema.keys(.ttl), subject: "the ttl of \(subject)", owner: r.keyLocation("ttl"), sink: sink) {
        if let a = tr.string("attribute", example: "expiresAt"), let d = tr.duration("retention") {
            ttl = Table.TimeToLive(attribute: a, retention: d)
        }
    }
    let pitr = r.bool("pointInTimeRecovery", default: false)
    let waivers = readWaivers(r)
    guard let name, let billing, let keySchema else { return nil }
    return Table(id: Located(key.text, at: key.location), name: name, billing: billing, attributes: attributes, key: keySchema,
                 indexes: indexes, ttl: ttl, pointInTimeRecovery: pitr.value, waivers: waivers)
}

private func readKeySchema(_ node: MappingNode, subject: String, owner: SourceLocation?, sink: DiagnosticSink) -> Table.KeySchema? {
    let r = MappingReader(node, allowed: SpecSchema.keys(.key), subject: subject, owner: owner, sink: sink)
    guard let partition = r.string("partition", example: "contactId") else { return nil }
    return Table.KeySchema(partition: partition, sort: r.string("sort", required: false))
}
