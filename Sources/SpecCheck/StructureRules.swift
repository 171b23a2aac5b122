import SpecModel

/// Rules about the shape of the specs: most are reported while loading the YAML.
enum StructureRules {
    static let all: [Rule] = [syntax, duplicateKey, unknownKey, missingField, type, duplicateName, unresolved, attribute, unused]

    static let syntax = Rule(
        id: RuleID.yamlSyntax, family: "Structure", summary: "The file is valid YAML",
        documentation: "A file that is not valid YAML cannot be read at all. The diagnostic points at the place the YAML parser stopped; the other files are still checked.",
        failing: [RuleExample("specs/queues.yaml", """
        queues:
          work:
            name: work
            visibilityTimeout: 720s
           ↓retention: 1d
        """)],
        passing: [RuleExample("specs/platform.yaml", """
        platform:
          name: Example
          account: "123456789012"
          region: us-east-1
        """)],
        check: .loader)

    static let duplicateKey = Rule(
        id: RuleID.duplicateKey, family: "Structure", summary: "No key appears twice in one mapping",
        documentation: "YAML silently keeps only one of two equal keys, so the other value would be lost without a word. The diagnostic points at the second occurrence.",
        failing: [RuleExample("specs/platform.yaml", """
        platform:
          name: Example
          account: "123456789012"
          region: us-east-1
          ↓region: eu-west-1
        """)],
        passing: [RuleExample("specs/platform.yaml", """
        platform:
          name: Example
          account: "123456789012"
          region: us-east-1
        """)],
        check: .loader)

    static let unknownKey = Rule(
        id: RuleID.unknownKey, family: "Structure", summary: "Every key is one the spec language knows",
        documentation: "A misspelt key would otherwise be ignored and its setting silently lost. The hint names the closest known key.",
        failing: [RuleExample("specs/queues.yaml", """
        queues:
          work:
            name: work
            ↓visibilityTimout: 180s
            retention: 1d
        """)],
        passing: [RuleExample("specs/queues.yaml", """
        queues:
          work:
            name: work
            visibilityTimeout: 720s
            retention: 1d
            deadLetter: { queue: work-dlq, maxReceiveCount: 3 }
          work-dlq: { name: work-dlq, visibilityTimeout: 180s, retention: 7d }
        """)],
        check: .loader)

    static let missingField = Rule(
        id: RuleID.missingField, family: "Structure", summary: "Required fields are present",
        documentation: "Each kind of resource has required fields (a queue's retention, a table's key, …). The diagnostic points at the resource that lacks one.",
        failing: [RuleExample("specs/queues.yaml", """
        queues:
          ↓work:
            name: work
            visibilityTimeout: 720s
        """)],
        passing: [RuleExample("specs/queues.yaml", """
        queues:
          work:
            name: work
            visibilityTimeout: 720s
            retention: 1d
            deadLetter: { queue: work-dlq, maxReceiveCount: 3 }
          work-dlq: { name: work-dlq, visibilityTimeout: 180s, retention: 7d }
        """)],
        check: .loader)

    static let type = Rule(
        id: RuleID.schemaType, family: "Structure", summary: "Every value has the type its field needs",
        documentation: "Numbers must be numbers, durations like `300s` or `7d`, lists lists. A value of the wrong type is reported where it stands.",
        failing: [RuleExample("specs/queues.yaml", """
        queues:
          work:
            name: work
            visibilityTimeout: ↓three minutes
            retention: 1d
        """)],
        passing: [RuleExample("specs/queues.yaml", """
        queues:
          work:
            name: work
            visibilityTimeout: 720s
            retention: 1d
            deadLetter: { queue: work-dlq, maxReceiveCount: 3 }
          work-dlq: { name: work-dlq, visibilityTimeout: 180s, retention: 7d }
        """)],
        check: .loader)

    static let duplicateName = Rule(
        id: RuleID.duplicateName, family: "Structure", summary: "Resource names are unique per kind, across all files",
        documentation: "Two resources of one kind with one name, in one file or in two, would make every reference to that name ambiguous.",
        failing: [RuleExample("specs/queues2.yaml", """
        queues:
          ↓work:
            name: work-again
            visibilityTimeout: 180s
            retention: 1d
        """)],
        passing: [RuleExample("specs/queues2.yaml", """
        queues:
          other:
            name: other
            visibilityTimeout: 180s
            retention: 1d
        """)],
        check: .loader)

    static let unresolved = Rule(
        id: RuleID.unresolvedReference, family: "Structure", summary: "Every reference names a declared resource",
        documentation: "References (`{ table: Messages }`, `deadLetter: { queue: … }`, access entries, triggers) must resolve to a declared resource of that kind; the hint names the closest declared one.",
        failing: [RuleExample("specs/queues.yaml", """
        queues:
          work:
            name: work
            visibilityTimeout: 720s
            retention: 1d
            deadLetter: { queue: ↓work-deadletter, maxReceiveCount: 3 }
          work-dlq: { name: work-dlq, visibilityTimeout: 180s, retention: 7d }
        """)],
        passing: [RuleExample("specs/queues.yaml", """
        queues:
          work:
            name: work
            visibilityTimeout: 720s
            retention: 1d
            deadLetter: { queue: work-dlq, maxReceiveCount: 3 }
          work-dlq: { name: work-dlq, visibilityTimeout: 180s, retention: 7d }
        """)],
        check: .platform(References.unresolved))

    static let attribute = Rule(
        id: RuleID.referenceAttribute, family: "Structure", summary: "A reference's attribute is one its resource has",
        documentation: "`{ queue: work, attribute: arn }` names what a variable or need gets of the resource: a queue's `url` (the default), `arn` or `name`; a created topic's `arn` or `name`; an existing resource's fields as declared (a user pool also has `clientId`, given at deploy). Other kinds take no attribute. Where a substitute stands for the resource in an environment, the substitute must have the attribute too. A misspelt attribute would otherwise give the default value, or nothing, without a word.",
        failing: [ExampleBase.edited("specs/functions.yaml", "    trigger: { queue: work }\n",
                                     "    trigger: { queue: work }\n    environment:\n      WORK_QUEUE_ARN: { queue: work, attribute: ↓amr }\n")],
        passing: [ExampleBase.edited("specs/functions.yaml", "    trigger: { queue: work }\n",
                                     "    trigger: { queue: work }\n    environment:\n      WORK_QUEUE_ARN: { queue: work, attribute: arn }\n")],
        check: .platform(References.attributes))

    static let unused = Rule(
        id: RuleID.unusedResource, family: "Structure", severity: .warning, summary: "Declared resources are used",
        documentation: "A table, queue, prefix or existing resource that nothing references is dead weight, or a sign that a reference names the wrong thing. Certificates are exempt: they are recorded for the inventory.",
        failing: [RuleExample("specs/queues2.yaml", """
        queues:
          ↓orphan:
            name: orphan
            visibilityTimeout: 180s
            retention: 1d
        """)],
        passing: [RuleExample("specs/queues.yaml", """
        queues:
          work:
            name: work
            visibilityTimeout: 720s
            retention: 1d
            deadLetter: { queue: work-dlq, maxReceiveCount: 3 }
          work-dlq: { name: work-dlq, visibilityTimeout: 180s, retention: 7d }
        """)],
        check: .platform(References.unused))
}

/// Walks every reference in the platform.
enum References {
    static func all(_ p: Platform) -> [Reference] {
        var refs: [Reference] = []
        for q in p.queues { if let d = q.deadLetter { refs.append(d.queue) } }
        for f in p.functions {
            refs.append(f.role)
            switch f.trigger {
            case .topic(let t): refs.append(t)
            case .queue(let q, _): refs.append(q)
            case .invokedBy(let callers): refs += callers
            case .routes, .schedule: break
            }
            if let d = f.deadLetterQueue { refs.append(d) }
            if let g = f.logGroup { refs.append(g) }
            for v in f.environment { if case .reference(let r) = v.value { refs.append(r) } }
            refs += f.access.map(\.target)
        }
        for h in p.handlers { refs += h.needs }
        if let policy = p.rolePolicy {
            refs.append(policy.role)
            for s in policy.scopes {
                for r in s.resources { if case .reference(let ref) = r { refs.append(ref) } }
                refs += s.listPrefixes
            }
        }
        for phone in p.whatsapp?.phoneNumbers ?? [] { refs.append(phone.waba) }
        if let c = p.channels { refs += [c.smsPool, c.emailSender] }
        for a in p.alarms {
            if let n = a.notify { refs.append(n) }
            if case .queueDepth(let qs) = a.kind { refs += qs }
        }
        if let api = p.api { refs.append(api.userPool) }
        for e in p.environments { refs += e.adopt }
        for e in p.environments { refs += e.substitutes.flatMap { [$0.original, $0.replacement] } }
        return refs
    }

    static func unresolved(_ p: Platform) -> [Diagnostic] {
        let declared = Set(p.declarations.map(\.id))
        // A scanner waiver's resources must exist, but naming one in a waiver is no use of it (ref.unused).
        return (all(p) + p.scannerWaivers.flatMap(\.references)).filter { !declared.contains($0.id) }.map { ref in
            let candidates = declared.filter { $0.kind == ref.kind }.map(\.name)
            var hint = candidates.isEmpty ? "declare a \(ref.kind.key) named '\(ref.name.value)'" : "declared \(ref.kind.key)s: \(candidates.sorted().joined(separator: ", "))"
            if let guess = Spelling.closest(to: ref.name.value, in: candidates) { hint = "did you mean '\(guess)'? " + hint }
            return Diagnostic(RuleID.unresolvedReference, ref.name.location, "\(ref.id) is not declared", hint: hint)
        }
    }

    /// Attributes the referenced resource lacks, and, per environment, those its substitute lacks.
    static func attributes(_ p: Platform) -> [Diagnostic] {
        let declared = Set(p.declarations.map(\.id))
        var seen = Set<String>()
        var out: [Diagnostic] = []
        func report(_ attribute: Located<String>, on id: ResourceID, _ context: String) {
            let allowed = p.referenceAttributes(id)
            guard declared.contains(id), !allowed.contains(attribute.value) else { return }
            var hint = allowed.isEmpty ? "a \(id.kind.key) reference takes no attribute: remove `attribute:`" : "the attributes of \(id): \(allowed.joined(separator: ", "))"
            if let guess = Spelling.closest(to: attribute.value, in: allowed) { hint = "did you mean '\(guess)'? " + hint }
            let message = "\(id)\(context) has no attribute '\(attribute.value)'"
            guard seen.insert("\(attribute.location) \(message)").inserted else { return }
            out.append(Diagnostic(RuleID.referenceAttribute, attribute.location, message, hint: hint))
        }
        for ref in all(p) {
            guard let attribute = ref.attribute else { continue }
            report(attribute, on: ref.id, "")
            for e in p.environments {
                for s in e.substitutes where s.original.id == ref.id {
                    report(attribute, on: s.replacement.id, " (which stands for \(ref.id) in \(e.name.value))")
                }
            }
        }
        return out
    }

    static func unused(_ p: Platform) -> [Diagnostic] {
        var used = Set(all(p).map(\.id))
        for prefix in p.prefixes where used.contains(ResourceID(.prefix, prefix.id.value)) { used.insert(ResourceID(.bucket, prefix.bucket)) }
        let allowlisted = Set(p.whatsapp?.allowlist.map(\.value) ?? [])
        for phone in p.whatsapp?.phoneNumbers ?? [] where allowlisted.contains(phone.awsId.value) { used.insert(ResourceID(.phoneNumber, phone.id.value)) }
        let exempt: Set<ResourceKind> = [.function, .alarm, .certificate]
        return p.declarations.filter { !exempt.contains($0.id.kind) && !used.contains($0.id) }.map { d in
            Diagnostic(RuleID.unusedResource, d.location, "\(d.id) is declared but nothing refers to it",
                       hint: "remove it, or refer to it where it is meant to be used", resource: d.id, severity: .warning)
        }
    }
}
