import SpecModel

func readExistingResource(_ kind: ResourceKind, _ key: ScalarNode, _ node: SyntaxNode, sink: DiagnosticSink) -> ExistingResource? {
    let schema = ExistingResource.schema[kind] ?? ([], [])
    let subject = "existing \(kind.key) '\(key.text)'"
    guard let r = MappingReader.expect(node, allowed: schema.required + schema.optional + ["waivers"], subject: subject, owner: key.location, sink: sink) else { return nil }
    var fields: [(key: String, value: Located<String>)] = []
    var lists: [(key: String, values: [Located<String>])] = []
    for field in schema.required + schema.optional {
        if case .sequence = r.node[field] {
            lists.append((field, r.stringList(field)))
        } else if let value = r.string(field, required: schema.required.contains(field)) {
            fields.append((field, value))
        }
    }
    return ExistingResource(kind: kind, id: Located(key.text, at: key.location), fields: fields, lists: lists, waivers: readWaivers(r))
}
