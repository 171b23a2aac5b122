import SpecModel

/// Gathers the sections of all files into one `Platform`, reporting duplicates across files.
struct PlatformBuilder {
    let sink: DiagnosticSink
    var platform = Platform(account: Located("", at: SourceLocation(file: "specs", line: 1, column: 1)),
                            region: Located("", at: SourceLocation(file: "specs", line: 1, column: 1)))
    var functionDefaults: FunctionDefaults?
    private var singletons: [String: SourceLocation] = [:]
    private var names: [ResourceID: SourceLocation] = [:]

    init(sink: DiagnosticSink) { self.sink = sink }

    mutating func read(sections: [(name: String, key: ScalarNode, value: SyntaxNode)]) {
        // Defaults first: functions inherit from them wherever they are declared.
        for s in sections where s.name == "functionDefaults" && claimSingleton(s.name, s.key) {
            functionDefaults = readFunctionDefaults(s.value, owner: s.key.location, sink: sink)
        }
        var sawPlatform = false
        for s in sections {
            switch s.name {
            case "platform":
                guard claimSingleton(s.name, s.key) else { continue }
                sawPlatform = true
                readPlatformSection(s.value, owner: s.key.location)
            case "tables": for (k, v) in claimed(s.value, section: s.name, kind: .table) { platform.tables += readTable(k, v, sink: sink).map { [$0] } ?? [] }
            case "queues": for (k, v) in claimed(s.value, section: s.name, kind: .queue) { platform.queues += readQueue(k, v, sink: sink).map { [$0] } ?? [] }
            case "topics": for (k, v) in claimed(s.value, section: s.name, kind: .topic) { platform.topics += readTopic(k, v, sink: sink).map { [$0] } ?? [] }
            case "functions":
                for (k, v) in claimed(s.value, section: s.name, kind: .function) {
                    platform.functions += readFunction(k, v, defaults: functionDefaults, sink: sink).map { [$0] } ?? []
                }
            case "handlers": readHandlers(s.value, section: s.name)
            case "storage": readStorage(s.value, owner: s.key.location)
            case "iam":
                guard claimSingleton(s.name, s.key) else { continue }
                platform.rolePolicy = readRolePolicy(s.value, owner: s.key.location, sink: sink)
            case "roles": for (k, _) in claimed(s.value, section: s.name, kind: .role) { platform.newRoles.append(NewRole(id: Located(k.text, at: k.location))) }
            case "existing": readExisting(s.value, owner: s.key.location)
            case "whatsapp":
                guard claimSingleton(s.name, s.key) else { continue }
                platform.whatsapp = readWhatsApp(s.value, owner: s.key.location, sink: sink)
                for p in platform.whatsapp?.phoneNumbers ?? [] { claim(ResourceID(.phoneNumber, p.id.value), p.id.location) }
                for w in platform.whatsapp?.wabas ?? [] { claim(ResourceID(.waba, w.id.value), w.id.location) }
            case "channels":
                guard claimSingleton(s.name, s.key) else { continue }
                platform.channels = readChannels(s.value, owner: s.key.location, sink: sink)
            case "bulk":
                guard claimSingleton(s.name, s.key) else { continue }
                platform.bulk = readBulk(s.value, owner: s.key.location, sink: sink)
            case "ai":
                guard claimSingleton(s.name, s.key) else { continue }
                platform.ai = readAI(s.value, owner: s.key.location, sink: sink)
            case "observability": readObservability(s.value, owner: s.key.location)
            case "scanners": platform.scannerWaivers += readScanners(s.value, owner: s.key.location, sink: sink)
            case "api":
                guard claimSingleton(s.name, s.key) else { continue }
                platform.api = readAPI(s.value, owner: s.key.location, sink: sink)
            default: break
            }
        }
        if !sawPlatform, !sections.isEmpty {
            sink.error(RuleID.missingField, at: SourceLocation(file: "specs/platform.yaml", line: 1, column: 1),
                       "no spec declares `platform:` (the AWS account and region)",
                       hint: "add specs/platform.yaml with `platform: { name: …, account: \"123456789012\", region: us-east-1 }`")
        }
    }

    mutating func readEnvironment(_ node: SyntaxNode, file: String, key: ScalarNode) {
        guard let env = SpecLoading.readEnvironment(node, file: file, owner: key.location, sink: sink) else { return }
        if let other = platform.environments.first(where: { $0.name.value == env.name.value }) {
            sink.error(RuleID.duplicateName, at: env.name.location,
                       "environment '\(env.name.value)' is declared twice (also at \(other.name.location))",
                       hint: "give each environment file its own `name:`")
            return
        }
        platform.environments.append(env)
    }

    func finish() -> Platform { platform }

    // MARK: - Sections

    private mutating func readPlatformSection(_ node: SyntaxNode, owner: SourceLocation) {
        guard let r = MappingReader.expect(node, allowed: SpecSchema.keys(.platform), subject: "platform", owner: owner, sink: sink) else { return }
        platform.name = r.string("name", required: false)?.value ?? ""
        if let account = r.string("account", example: "\"123456789012\"") {
            platform.account = account
            if account.value.count != 12 || !account.value.allSatisfy(\.isNumber) {
                sink.error(RuleID.schemaType, at: account.location, "account must be a 12-digit AWS account id, found '\(account.value)'",
                           hint: "quote it to keep leading zeros: `account: \"012345678901\"`")
            }
        }
        if let region = r.string("region", example: "us-east-1") { platform.region = region }
    }

    private mutating func readHandlers(_ node: SyntaxNode, section: String) {
        if case .scalar(let s) = node, s.isNull { return }
        guard case .mapping(let m) = node else {
            sink.error(RuleID.schemaType, at: node.location, "'\(section)' must map handler names to their declarations, found \(node.kindDescription)",
                       hint: "write one `contacts.create:` line per handler, with `serves:` and `needs:` indented below")
            return
        }
        for (key, value) in m.entries {
            if let first = platform.handler(key.text) {
                sink.error(RuleID.duplicateName, at: key.location, "handler '\(key.text)' is declared twice (first at \(first.id.location))",
                           hint: "rename one of them or merge the two declarations")
                continue
            }
            if let handler = readHandler(key, value, sink: sink) { platform.handlers.append(handler) }
        }
    }

    private mutating func readStorage(_ node: SyntaxNode, owner: SourceLocation) {
        guard let r = MappingReader.expect(node, allowed: SpecSchema.keys(.storage), subject: "storage", owner: owner, sink: sink),
              let buckets = r.node["buckets"] else { return }
        for (key, value) in claimed(buckets, section: "buckets", kind: .bucket) {
            guard let bucket = readBucket(key, value, sink: sink) else { continue }
            for p in bucket.prefixes { claim(ResourceID(.prefix, p.id.value), p.id.location) }
            platform.buckets.append(bucket)
        }
    }

    private mutating func readExisting(_ node: SyntaxNode, owner: SourceLocation) {
        let allowed = SpecSchema.keys(.existing)
        guard let r = MappingReader.expect(node, allowed: allowed, subject: "existing", owner: owner, sink: sink) else { return }
        for (key, value) in r.node.entries {
            guard let kind = ExistingResource.sections.first(where: { $0.section == key.text })?.kind else { continue }
            for (k, v) in claimed(value, section: key.text, kind: kind) {
                if let e = readExistingResource(kind, k, v, sink: sink) { platform.existing.append(e) }
            }
        }
    }

    private mutating func readObservability(_ node: SyntaxNode, owner: SourceLocation) {
        guard let r = MappingReader.expect(node, allowed: SpecSchema.keys(.observability), subject: "observability", owner: owner, sink: sink) else { return }
        if let groups = r.node["logGroups"] {
            for (k, v) in claimed(groups, section: "logGroups", kind: .logGroup) { platform.logGroups += readLogGroup(k, v, sink: sink).map { [$0] } ?? [] }
        }
        if let alarms = r.node["alarms"] {
            for (k, v) in claimed(alarms, section: "alarms", kind: .alarm) { platform.alarms += readAlarm(k, v, sink: sink).map { [$0] } ?? [] }
        }
    }

    // MARK: - Helpers

    /// The `name: { … }` entries of a section whose names are not taken yet.
    private mutating func claimed(_ node: SyntaxNode, section: String, kind: ResourceKind) -> [(ScalarNode, SyntaxNode)] {
        if case .scalar(let s) = node, s.isNull { return [] }
        guard case .mapping(let m) = node else {
            sink.error(RuleID.schemaType, at: node.location, "'\(section)' must map names to \(kind.key) definitions, found \(node.kindDescription)",
                       hint: "write one `name:` line per \(kind.key), with its fields indented below")
            return []
        }
        return m.entries.filter { claim(ResourceID(kind, $0.key.text), $0.key.location) }
    }

    @discardableResult
    private mutating func claim(_ id: ResourceID, _ location: SourceLocation) -> Bool {
        if let first = names[id] {
            sink.error(RuleID.duplicateName, at: location, "\(id) is declared twice (first at \(first))",
                       hint: "rename one of them or merge the two definitions")
            return false
        }
        names[id] = location
        return true
    }

    private mutating func claimSingleton(_ section: String, _ key: ScalarNode) -> Bool {
        if let first = singletons[section] {
            sink.error(RuleID.duplicateName, at: key.location, "section '\(section)' is declared twice (first at \(first))",
                       hint: "keep one '\(section):' section and merge the other into it")
            return false
        }
        singletons[section] = key.location
        return true
    }
}

/// Reads the `waivers:` list of a resource.
func readWaivers(_ r: MappingReader) -> [Waiver] {
    guard let items = r.sequence("waivers") else { return [] }
    return items.compactMap { item in
        guard let w = MappingReader.expect(item, allowed: SpecSchema.keys(.waiver), subject: "a waiver of \(r.subject)", sink: r.sink),
              let rule = w.string("rule", example: "sqs.visibility-timeout"),
              let reason = w.string("reason", example: "\"why this is safe, and who agreed\""),
              let expires = w.string("expires", example: "2027-01-31") else { return nil }
        if !isISODate(expires.value) {
            r.sink.error(RuleID.schemaType, at: expires.location, "waiver expiry must be a date YYYY-MM-DD, found '\(expires.value)'",
                         hint: "write it like `expires: 2027-01-31`")
            return nil
        }
        return Waiver(rule: rule, reason: reason, expires: expires, location: item.location)
    }
}

func isISODate(_ text: String) -> Bool {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
          let m = Int(parts[1]), let d = Int(parts[2]), Int(parts[0]) != nil else { return false }
    return (1...12).contains(m) && (1...31).contains(d)
}
