import SpecModel

func readBucket(_ key: ScalarNode, _ node: SyntaxNode, sink: DiagnosticSink) -> Bucket? {
    let subject = "bucket '\(key.text)'"
    guard let r = MappingReader.expect(node, allowed: SpecSchema.keys(.bucket), subject: subject, owner: key.location, sink: sink) else { return nil }
    let name = r.string("name", example: "stream.wecare.digital")
    let encryption = r.string("encryption", required: false) ?? Located("SSE-S3", at: key.location)
    var prefixes: [Prefix] = []
    // A bucket that only stands in for another in some environment (`substitutes:`) has no prefixes of its own.
    if let p = r.mapping("prefixes", required: false) {
        for (k, v) in p.entries {
            guard let pr = MappingReader.expect(v, allowed: SpecSchema.keys(.prefix), subject: "prefix '\(k.text)'", owner: k.location, sink: sink),
                  let path = pr.string("path", example: "whatsapp-media/whatsapp-media-incoming/") else { continue }
            prefixes.append(Prefix(id: Located(k.text, at: k.location), bucket: key.text, path: path,
                                   purpose: pr.string("purpose", required: false)?.value ?? "",
                                   expireAfter: pr.duration("expireAfter", required: false)))
        }
    }
    let waivers = readWaivers(r)
    guard let name else { return nil }
    return Bucket(id: Located(key.text, at: key.location), name: name, encryption: encryption, prefixes: prefixes, waivers: waivers)
}
