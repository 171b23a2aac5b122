import SpecModel

func readHandler(_ key: ScalarNode, _ node: SyntaxNode, sink: DiagnosticSink) -> Handler? {
    let subject = "handler '\(key.text)'"
    guard let r = MappingReader.expect(node, allowed: SpecSchema.keys(.handler), subject: subject, owner: key.location, sink: sink) else { return nil }
    let kinds = Handler.Serves.allCases.map(\.rawValue)
    var serves: Located<Handler.Serves>?
    if let text = r.string("serves", example: "routes") {
        if let kind = Handler.Serves(rawValue: text.value) {
            serves = Located(kind, at: text.location)
        } else {
            var hint = "one of \(kinds.joined(separator: ", "))"
            if let guess = Spelling.closest(to: text.value, in: kinds) { hint = "did you mean '\(guess)'? " + hint }
            sink.error(RuleID.schemaType, at: text.location, "\(subject) serves '\(text.value)', which is not a kind of trigger", hint: hint)
        }
    }
    let referable = ResourceKind.allCases.filter { $0 != .alarm && $0 != .certificate && $0 != .role }
    let needs = (r.sequence("needs") ?? []).compactMap {
        // An attribute other than the default one (an agent's alias) is a need of its own.
        readReference($0, kinds: referable, subject: "a need of \(subject)", allowAttribute: true, sink: sink)
    }
    guard let serves else { return nil }
    return Handler(id: Located(key.text, at: key.location), description: r.string("description", required: false)?.value ?? "",
                   serves: serves, needs: needs)
}
