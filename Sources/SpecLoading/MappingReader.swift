import SpecModel

/// Reads one mapping against its schema: unknown keys, missing fields and wrong types become diagnostics,
/// and reading goes on so that one run reports every problem.
struct MappingReader {
    let node: MappingNode
    let sink: DiagnosticSink
    /// What the mapping is, for messages: "queue 'bulk-queue'".
    let subject: String
    /// Where missing fields are reported: the key that introduced the mapping.
    let owner: SourceLocation

    init(_ node: MappingNode, allowed: [String], subject: String, owner: SourceLocation? = nil, sink: DiagnosticSink) {
        self.node = node
        self.sink = sink
        self.subject = subject
        self.owner = owner ?? node.location
        for (key, _) in node.entries where !allowed.contains(key.text) {
            var hint = "allowed keys here: \(allowed.joined(separator: ", "))"
            if let guess = Spelling.closest(to: key.text, in: allowed) { hint = "did you mean '\(guess)'? " + hint }
            sink.error(RuleID.unknownKey, at: key.location, "unknown key '\(key.text)' in \(subject)", hint: hint)
        }
    }

    /// Reads a mapping that a syntax node should be; reports a type error otherwise.
    static func expect(_ node: SyntaxNode, allowed: [String], subject: String, owner: SourceLocation? = nil, sink: DiagnosticSink) -> MappingReader? {
        guard case .mapping(let m) = node else {
            sink.error(RuleID.schemaType, at: node.location, "\(subject) must be a mapping, found \(node.kindDescription)",
                       hint: "write it as `key: value` lines indented under its name")
            return nil
        }
        return MappingReader(m, allowed: allowed, subject: subject, owner: owner, sink: sink)
    }

    func has(_ key: String) -> Bool { node[key] != nil }

    func keyLocation(_ key: String) -> SourceLocation? { node.entries.first { $0.key.text == key }?.key.location }

    private func missing(_ key: String, _ what: String) {
        sink.error(RuleID.missingField, at: owner, "\(subject) is missing '\(key)'", hint: "add `\(key):` with \(what)")
    }

    private func typeError(_ key: String, _ value: SyntaxNode, expected: String, example: String) {
        sink.error(RuleID.schemaType, at: value.location, "'\(key)' of \(subject) must be \(expected), found \(value.kindDescription)",
                   hint: "write it like `\(key): \(example)`")
    }

    func scalar(_ key: String, required: Bool, expected: String, example: String) -> ScalarNode? {
        guard let value = node[key] else {
            if required { missing(key, expected) }
            return nil
        }
        guard case .scalar(let s) = value, !s.isNull else {
            typeError(key, value, expected: expected, example: example)
            return nil
        }
        return s
    }

    func string(_ key: String, required: Bool = true, example: String = "name") -> Located<String>? {
        scalar(key, required: required, expected: "a string", example: example).map { Located($0.text, at: $0.location) }
    }

    func int(_ key: String, required: Bool = true, example: String = "30") -> Located<Int>? {
        guard let s = scalar(key, required: required, expected: "a whole number", example: example) else { return nil }
        guard s.isPlain, let n = Int(s.text) else {
            typeError(key, .scalar(s), expected: "a whole number", example: example)
            return nil
        }
        return Located(n, at: s.location)
    }

    func bool(_ key: String, default value: Bool) -> Located<Bool> {
        guard let s = scalar(key, required: false, expected: "true or false", example: "true") else {
            return Located(value, at: keyLocation(key) ?? owner)
        }
        guard s.isPlain, s.text == "true" || s.text == "false" else {
            typeError(key, .scalar(s), expected: "true or false", example: "true")
            return Located(value, at: s.location)
        }
        return Located(s.text == "true", at: s.location)
    }

    func duration(_ key: String, required: Bool = true, example: String = "30d") -> Located<SpecDuration>? {
        guard let s = scalar(key, required: required, expected: "a duration", example: example) else { return nil }
        guard let d = SpecDuration(parsing: s.text) else {
            sink.error(RuleID.schemaType, at: s.location, "'\(key)' of \(subject) must be a duration such as 300s, 15m, 24h or 30d, found '\(s.text)'",
                       hint: "write it like `\(key): \(example)`")
            return nil
        }
        return Located(d, at: s.location)
    }

    func mapping(_ key: String, required: Bool = false) -> MappingNode? {
        guard let value = node[key] else {
            if required { missing(key, "a mapping") }
            return nil
        }
        guard case .mapping(let m) = value else {
            typeError(key, value, expected: "a mapping", example: "{ … }")
            return nil
        }
        return m
    }

    func sequence(_ key: String, required: Bool = false) -> [SyntaxNode]? {
        guard let value = node[key] else {
            if required { missing(key, "a list") }
            return nil
        }
        if case .scalar(let s) = value, s.isNull { return [] }
        guard case .sequence(let seq) = value else {
            typeError(key, value, expected: "a list", example: "[a, b]")
            return nil
        }
        return seq.items
    }

    func stringList(_ key: String, required: Bool = false) -> [Located<String>] {
        guard let items = sequence(key, required: required) else { return [] }
        return items.compactMap { item in
            guard case .scalar(let s) = item, !s.isNull else {
                sink.error(RuleID.schemaType, at: item.location, "each entry of '\(key)' in \(subject) must be a string, found \(item.kindDescription)",
                           hint: "write the list as `\(key): [first, second]`")
                return nil
            }
            return Located(s.text, at: s.location)
        }
    }

    /// A field naming a resource of one kind: `deadLetter: { queue: bulk-dlq }` reads `queue` as a queue.
    func name(_ key: String, of kind: ResourceKind, required: Bool = true) -> Reference? {
        string(key, required: required).map { Reference(kind: kind, name: $0) }
    }

    /// A field holding a reference mapping such as `{ topic: whatsapp-events }`.
    func reference(_ key: String, kinds: [ResourceKind], required: Bool = true) -> Reference? {
        guard let value = node[key] else {
            if required { missing(key, "a reference such as `{ \(kinds[0].key): name }`") }
            return nil
        }
        return readReference(value, kinds: kinds, subject: "'\(key)' of \(subject)", sink: sink)
    }
}

/// Reads `{ kind: name }` (and an optional `attribute:`) as a reference to one of the allowed kinds.
func readReference(_ node: SyntaxNode, kinds: [ResourceKind], subject: String, allowAttribute: Bool = false, sink: DiagnosticSink) -> Reference? {
    let example = "{ \(kinds[0].key): name }"
    guard case .mapping(let m) = node else {
        sink.error(RuleID.schemaType, at: node.location, "\(subject) must be a reference such as `\(example)`, found \(node.kindDescription)",
                   hint: "name the resource instead of repeating its value: `\(example)`")
        return nil
    }
    let kindKeys = m.entries.filter { ResourceKind(rawValue: $0.key.text) != nil }
    let allowed = kinds.map(\.key) + (allowAttribute ? ["attribute"] : [])
    for (key, _) in m.entries where !allowed.contains(key.text) {
        let isKind = ResourceKind(rawValue: key.text) != nil
        var hint = "a reference here names one of: \(kinds.map(\.key).joined(separator: ", "))"
        if !isKind, let guess = Spelling.closest(to: key.text, in: allowed) { hint = "did you mean '\(guess)'? " + hint }
        sink.error(isKind ? RuleID.schemaType : RuleID.unknownKey, at: key.location,
                   isKind ? "\(subject) cannot refer to a \(key.text)" : "unknown key '\(key.text)' in \(subject)", hint: hint)
    }
    guard kindKeys.count == 1, let (key, value) = kindKeys.first, let kind = ResourceKind(rawValue: key.text), kinds.contains(kind) else {
        if kindKeys.count > 1 {
            sink.error(RuleID.schemaType, at: m.location, "\(subject) names \(kindKeys.count) resources; a reference names exactly one",
                       hint: "keep one of: \(kindKeys.map(\.key.text).joined(separator: ", "))")
        } else if kindKeys.isEmpty, m.entries.allSatisfy({ allowed.contains($0.key.text) }) {
            sink.error(RuleID.missingField, at: m.location, "\(subject) names no resource", hint: "write it like `\(example)`")
        }
        return nil
    }
    guard case .scalar(let s) = value, !s.isNull else {
        sink.error(RuleID.schemaType, at: value.location, "the \(kind.key) name in \(subject) must be a string, found \(value.kindDescription)",
                   hint: "write it like `\(example)`")
        return nil
    }
    var attribute: Located<String>?
    if allowAttribute, let a = m["attribute"] {
        if case .scalar(let at) = a, !at.isNull { attribute = Located(at.text, at: at.location) } else {
            sink.error(RuleID.schemaType, at: a.location, "'attribute' in \(subject) must be a string", hint: "for example `attribute: url`")
        }
    }
    return Reference(kind: kind, name: Located(s.text, at: s.location), attribute: attribute)
}
