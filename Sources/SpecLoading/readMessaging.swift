import SpecModel

func readWhatsApp(_ node: SyntaxNode, owner: SourceLocation, sink: DiagnosticSink) -> WhatsApp? {
    let allowed = SpecSchema.keys(.whatsapp)
    guard let r = MappingReader.expect(node, allowed: allowed, subject: "whatsapp", owner: owner, sink: sink) else { return nil }
    var phones: [WhatsApp.PhoneNumber] = []
    for (k, v) in r.mapping("phoneNumbers", required: true)?.entries ?? [] {
        guard let pr = MappingReader.expect(v, allowed: SpecSchema.keys(.phoneNumber), subject: "phone number '\(k.text)'", owner: k.location, sink: sink),
              let id = pr.string("id", example: "phone-number-id-…"), let waba = pr.name("waba", of: .waba),
              let rate = pr.int("ratePerSecond", example: "80") else { continue }
        phones.append(WhatsApp.PhoneNumber(id: Located(k.text, at: k.location), awsId: id, display: pr.string("display", required: false)?.value ?? "",
                                           metaId: pr.string("metaId", required: false)?.value ?? "", waba: waba, ratePerSecond: rate))
    }
    var wabas: [WhatsApp.Waba] = []
    for (k, v) in r.mapping("wabas", required: true)?.entries ?? [] {
        guard let wr = MappingReader.expect(v, allowed: SpecSchema.keys(.waba), subject: "waba '\(k.text)'", owner: k.location, sink: sink),
              let id = wr.string("id", example: "waba-…") else { continue }
        wabas.append(WhatsApp.Waba(id: Located(k.text, at: k.location), awsId: id, metaId: wr.string("metaId", required: false)?.value ?? "",
                                   name: wr.string("name", required: false)?.value ?? ""))
    }
    guard let version = r.string("metaApiVersion", example: "v20.0"),
          let account = r.int("accountRatePerSecond", example: "1000"),
          let media = r.int("mediaRatePerSecond", example: "100"),
          let tier = r.int("tierLimit", example: "250"),
          let alert = r.int("tierAlertPercent", example: "80") else { return nil }
    return WhatsApp(metaApiVersion: version, phoneNumbers: phones, wabas: wabas, allowlist: r.stringList("allowlist", required: true),
                    accountRatePerSecond: account, mediaRatePerSecond: media, tierLimit: tier, tierAlertPercent: alert, location: owner)
}

func readChannels(_ node: SyntaxNode, owner: SourceLocation, sink: DiagnosticSink) -> Channels? {
    guard let r = MappingReader.expect(node, allowed: SpecSchema.keys(.channels), subject: "channels", owner: owner, sink: sink),
          let sms = r.node["sms"].flatMap({ MappingReader.expect($0, allowed: SpecSchema.keys(.sms), subject: "channels.sms", owner: r.keyLocation("sms"), sink: sink) }),
          let email = r.node["email"].flatMap({ MappingReader.expect($0, allowed: SpecSchema.keys(.email), subject: "channels.email", owner: r.keyLocation("email"), sink: sink) })
    else {
        if let r = MappingReader.expect(node, allowed: SpecSchema.keys(.channels), subject: "channels", owner: owner, sink: DiagnosticSink()) {
            for key in ["sms", "email"] where !r.has(key) {
                sink.error(RuleID.missingField, at: owner, "channels is missing '\(key)'", hint: "add `\(key):` with its pool or sender and rate")
            }
        }
        return nil
    }
    guard let pool = sms.name("pool", of: .smsPool), let smsRate = sms.int("ratePerSecond", example: "5"),
          let maxLength = sms.int("maxLength", example: "1600"),
          let sender = email.name("sender", of: .emailSender), let emailRate = email.int("ratePerSecond", example: "10") else { return nil }
    return Channels(smsPool: pool, smsRatePerSecond: smsRate, smsMaxLength: maxLength, emailSender: sender, emailRatePerSecond: emailRate, location: owner)
}

func readAI(_ node: SyntaxNode, owner: SourceLocation, sink: DiagnosticSink) -> AISuggestions? {
    guard let r = MappingReader.expect(node, allowed: SpecSchema.keys(.ai), subject: "ai", owner: owner, sink: sink),
          let folder = r.string("knowledgeFolder", example: "knowledge"),
          let passages = r.int("passages", example: "3"),
          let recent = r.int("recentMessages", example: "6") else { return nil }
    return AISuggestions(knowledgeFolder: folder, passages: passages, recentMessages: recent, location: owner)
}

func readBulk(_ node: SyntaxNode, owner: SourceLocation, sink: DiagnosticSink) -> Bulk? {
    guard let r = MappingReader.expect(node, allowed: SpecSchema.keys(.bulk), subject: "bulk", owner: owner, sink: sink),
          let chunk = r.int("chunkSize", example: "100"),
          let workers = r.int("workerConcurrency", example: "5"),
          let threshold = r.int("confirmationThreshold", example: "20") else { return nil }
    return Bulk(chunkSize: chunk, workerConcurrency: workers, confirmationThreshold: threshold, location: owner)
}
