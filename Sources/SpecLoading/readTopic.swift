import SpecModel

func readTopic(_ key: ScalarNode, _ node: SyntaxNode, sink: DiagnosticSink) -> Topic? {
    let subject = "topic '\(key.text)'"
    guard let r = MappingReader.expect(node, allowed: SpecSchema.keys(.topic), subject: subject, owner: key.location, sink: sink) else { return nil }
    let name = r.string("name", required: false) ?? Located(key.text, at: key.location)
    var subscriptions: [Topic.EmailSubscription] = []
    for item in r.sequence("subscriptions") ?? [] {
        guard let sr = MappingReader.expect(item, allowed: SpecSchema.keys(.subscription), subject: "a subscription of \(subject)", sink: sink) else { continue }
        guard let value = sr.node["email"] else {
            sink.error(RuleID.missingField, at: item.location, "a subscription of \(subject) is missing 'email'",
                       hint: "write it like `- { email: { setting: alertEmail } }`")
            continue
        }
        if case .mapping(let m) = value, m["setting"] == nil {
            sink.error(RuleID.schemaType, at: value.location, "the email of a subscription of \(subject) must be an address or a setting",
                       hint: "write it like `email: { setting: alertEmail }`, with `alertEmail:` in each environment file")
            continue
        }
        if let address = readValue(value, subject: "the email subscription", of: subject, kinds: [.emailSender], sink: sink) {
            subscriptions.append(Topic.EmailSubscription(address: address, location: value.location))
        }
    }
    return Topic(id: Located(key.text, at: key.location), name: name, purpose: r.string("purpose", required: false)?.value ?? "",
                 subscriptions: subscriptions, waivers: readWaivers(r))
}
