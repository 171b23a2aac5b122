import SpecModel

/// `scanners: { checkov: [ { check, on, reason, expires } ] }`.
func readScanners(_ node: SyntaxNode, owner: SourceLocation, sink: DiagnosticSink) -> [ScannerWaiver] {
    guard let r = MappingReader.expect(node, allowed: SpecSchema.keys(.scanners), subject: "scanners", owner: owner, sink: sink) else { return [] }
    return (r.sequence("checkov") ?? []).compactMap { item in
        let subject = "a checkov waiver"
        guard let w = MappingReader.expect(item, allowed: SpecSchema.keys(.scannerWaiver), subject: subject, owner: item.location, sink: sink),
              let check = w.string("check", example: "CKV_AWS_117"),
              let reason = w.string("reason", example: "\"why this is a decision, and who took it\""),
              let expires = w.string("expires", example: "2027-06-30") else { return nil }
        guard check.value.range(of: #"^CKV2?_[A-Z0-9]+_[0-9]+$"#, options: .regularExpression) != nil else {
            sink.error(RuleID.schemaType, at: check.location, "'\(check.value)' is not a checkov check id", hint: "write it as checkov prints it: `check: CKV_AWS_117`")
            return nil
        }
        guard isISODate(expires.value) else {
            sink.error(RuleID.schemaType, at: expires.location, "waiver expiry must be a date YYYY-MM-DD, found '\(expires.value)'", hint: "write it like `expires: 2027-06-30`")
            return nil
        }
        var targets: [ScannerWaiver.Target] = []
        for target in w.sequence("covers") ?? [] {
            if case .scalar(let s) = target {
                if s.text == "api" {
                    targets.append(.api)
                } else if let kind = ScannerWaiver.kinds[s.text] {
                    targets.append(.every(kind))
                } else {
                    let words = (ScannerWaiver.kinds.keys.sorted() + ["api"]).joined(separator: ", ")
                    sink.error(RuleID.schemaType, at: s.location, "'\(s.text)' is no kind of resource a scanner waiver covers",
                               hint: "write one of \(words), or a resource such as `{ table: Users }`")
                }
            } else if let reference = readReference(target, kinds: Array(ScannerWaiver.kinds.values), subject: subject, sink: sink) {
                targets.append(.one(reference))
            }
        }
        if targets.isEmpty {
            sink.error(RuleID.missingField, at: item.location, "\(subject) covers nothing", hint: "say what with `covers: [functions]` or `covers: [{ table: Users }]`")
            return nil
        }
        return ScannerWaiver(scanner: "checkov", check: check, targets: targets, reason: reason, expires: expires, location: item.location)
    }
}
