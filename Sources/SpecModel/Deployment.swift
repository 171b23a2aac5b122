/// One environment's view of the platform: the physical names and ARNs everything gets there.
public struct Deployment: Sendable {
    public var platform: Platform
    public var environment: Environment

    /// Every function's needs, computed once: most IAM and S3 rules walk them.
    public private(set) var needsByFunction: [String: [Need]] = [:]
    public private(set) var resolvedScopes: [ResolvedScope] = []
    /// What the scopes grant, indexed so that checking a need costs the same however large the spec:
    /// exact action → exact resources, exact action → resource prefixes (`arn…/*`), and the rest.
    private var exactGrants: [String: Set<String>] = [:]
    private var prefixGrants: [String: Set<String>] = [:]
    private var prefixLengths: [String: Set<Int>] = [:]
    private var scopesByAction: [String: [Int]] = [:]
    private var patternScopes: [Int] = []
    private let lookup: Lookup

    /// Resources by logical name, so that large specs stay linear.
    struct Lookup: Sendable {
        var tables: [String: Table] = [:]
        var queues: [String: Queue] = [:]
        var topics: [String: Topic] = [:]
        var functions: [String: Function] = [:]
        var buckets: [String: Bucket] = [:]
        var prefixes: [String: Prefix] = [:]
        var logGroups: [String: LogGroup] = [:]
        var alarms: [String: Alarm] = [:]
        var existing: [ResourceID: ExistingResource] = [:]
        var phoneNumbers: [String: WhatsApp.PhoneNumber] = [:]
        var wabas: [String: WhatsApp.Waba] = [:]

        init(_ p: Platform) {
            for t in p.tables where tables[t.id.value] == nil { tables[t.id.value] = t }
            for q in p.queues where queues[q.id.value] == nil { queues[q.id.value] = q }
            for t in p.topics where topics[t.id.value] == nil { topics[t.id.value] = t }
            for f in p.functions where functions[f.id.value] == nil { functions[f.id.value] = f }
            for b in p.buckets where buckets[b.id.value] == nil { buckets[b.id.value] = b }
            for x in p.prefixes where prefixes[x.id.value] == nil { prefixes[x.id.value] = x }
            for g in p.logGroups where logGroups[g.id.value] == nil { logGroups[g.id.value] = g }
            for a in p.alarms where alarms[a.id.value] == nil { alarms[a.id.value] = a }
            for e in p.existing where existing[ResourceID(e.kind, e.id.value)] == nil { existing[ResourceID(e.kind, e.id.value)] = e }
            for n in p.whatsapp?.phoneNumbers ?? [] where phoneNumbers[n.id.value] == nil { phoneNumbers[n.id.value] = n }
            for w in p.whatsapp?.wabas ?? [] where wabas[w.id.value] == nil { wabas[w.id.value] = w }
        }
    }

    public init(platform: Platform, environment: Environment) {
        self.platform = platform
        self.environment = environment
        self.lookup = Lookup(platform)
        needsByFunction = Dictionary(platform.functions.map { ($0.id.value, computeNeeds(of: $0)) }, uniquingKeysWith: { a, _ in a })
        resolvedScopes = (platform.rolePolicy?.scopes ?? []).map(resolve)
        for (i, scope) in resolvedScopes.enumerated() {
            for action in Set(scope.actions) {
                if Glob.isPattern(action) {
                    patternScopes.append(i)
                    continue
                }
                scopesByAction[action, default: []].append(i)
                for resource in scope.resources {
                    if !Glob.isPattern(resource) {
                        exactGrants[action, default: []].insert(resource)
                    } else if let stem = Glob.prefixStem(resource) {
                        prefixGrants[action, default: []].insert(stem)
                        prefixLengths[action, default: []].insert(stem.utf8.count)
                    }
                }
            }
        }
        patternScopes = Array(Set(patternScopes)).sorted()
    }

    public func table(_ name: String) -> Table? { lookup.tables[name] }
    public func queue(_ name: String) -> Queue? { lookup.queues[name] }
    /// A topic this stack creates, by its own name (no substitution).
    public func topic(_ name: String) -> Topic? { lookup.topics[name] }
    public func function(_ name: String) -> Function? { lookup.functions[name] }
    public func bucket(_ name: String) -> Bucket? { lookup.buckets[name] }
    public func prefix(named name: String) -> Prefix? { lookup.prefixes[name] }
    public func logGroup(_ name: String) -> LogGroup? { lookup.logGroups[name] }
    public func existing(_ kind: ResourceKind, _ name: String) -> ExistingResource? { lookup.existing[ResourceID(kind, name)] }
    public func phoneNumber(_ name: String) -> WhatsApp.PhoneNumber? { lookup.phoneNumbers[name] }

    /// Whether any scope of the role grants the need.
    public func isGranted(_ need: Need) -> Bool {
        if need.listPrefix == nil {
            if exactGrants[need.action]?.contains(need.resource) == true { return true }
            if let stems = prefixGrants[need.action], let lengths = prefixLengths[need.action] {
                let bytes = Array(need.resource.utf8)
                for n in lengths where n <= bytes.count {
                    if stems.contains(String(decoding: bytes[..<n], as: UTF8.self)) { return true }
                }
            }
        }
        for i in scopesByAction[need.action] ?? [] where resolvedScopes[i].hasComplexPatterns || need.listPrefix != nil {
            if resolvedScopes[i].covers(need) { return true }
        }
        for i in patternScopes where resolvedScopes[i].covers(need) { return true }
        return false
    }

    public var region: String { platform.region.value }
    public var account: String { platform.account.value }
    public var prefix: String { environment.prefix.value }

    public func tableName(_ table: Table) -> String { "\(prefix)-\(table.name.value)" }
    public func queueName(_ queue: Queue) -> String { "\(prefix)-\(queue.name.value)" + (queue.fifo.value ? ".fifo" : "") }
    public func functionName(_ function: Function) -> String { "\(prefix)-\(function.name.value)" }
    public func topicName(_ topic: Topic) -> String { "\(prefix)-\(topic.name.value)" }
    public func logGroupName(_ group: LogGroup) -> String { "/\(prefix)/\(group.name.value)" }
    public func alarmName(_ alarm: Alarm) -> String { "\(prefix)-\(alarm.name.value)" }
    public var apiName: String { "\(prefix)-\(platform.api?.name.value ?? "api")" }

    /// The S3 key prefix of a declared prefix in this environment (`preview/whatsapp-media/…/`).
    public func keyPrefix(_ prefix: Prefix) -> String { environment.objectPrefix.value + prefix.path.value }

    public func queueURL(_ queue: Queue) -> String { "https://sqs.\(region).amazonaws.com/\(account)/\(queueName(queue))" }

    public func tableARN(_ table: Table) -> String { "arn:aws:dynamodb:\(region):\(account):table/\(tableName(table))" }
    public func queueARN(_ queue: Queue) -> String { "arn:aws:sqs:\(region):\(account):\(queueName(queue))" }
    public func functionARN(_ function: Function) -> String { "arn:aws:lambda:\(region):\(account):function:\(functionName(function))" }
    public func topicARN(_ topic: Topic) -> String { "arn:aws:sns:\(region):\(account):\(topicName(topic))" }
    public func logGroupARN(_ group: LogGroup) -> String { "arn:aws:logs:\(region):\(account):log-group:\(logGroupName(group))" }
    public func bucketARN(_ bucket: Bucket) -> String { "arn:aws:s3:::\(bucket.name.value)" }

    /// The bucket this environment uses for a declared one: its substitute's, or the bucket itself.
    public func effectiveBucket(_ name: String) -> Bucket? {
        bucket(effective(Reference(kind: .bucket, name: Located(name, at: SourceLocation(file: "", line: 0, column: 0)))).name.value)
    }

    /// The bucket a prefix's objects live in here (an environment may use a bucket of its own).
    public func bucket(of prefix: Prefix) -> Bucket? { effectiveBucket(prefix.bucket) }

    public func prefixARN(_ prefix: Prefix) -> String {
        let bucketName = bucket(of: prefix)?.name.value ?? prefix.bucket
        return "arn:aws:s3:::\(bucketName)/\(keyPrefix(prefix))*"
    }

    /// The reference this environment means: its substitute's replacement, or the reference itself.
    public func effective(_ reference: Reference) -> Reference {
        guard let s = environment.substitutes.first(where: { $0.original.id == reference.id }) else { return reference }
        var replaced = s.replacement
        replaced.attribute = reference.attribute
        return replaced
    }

    /// The topic the stack creates for a reference in this environment (after substitution); nil for an existing topic.
    public func createdTopic(for reference: Reference) -> Topic? {
        let r = effective(reference)
        return r.kind == .topic ? topic(r.name.value) : nil
    }

    /// The topics this stack creates: those its functions, variables and alarms refer to here, after substitution.
    public var createdTopics: [Topic] {
        var refs: [Reference] = platform.alarms.compactMap(\.notify)
        for f in platform.functions {
            if case .topic(let t) = f.trigger { refs.append(t) }
            for v in f.environment { if case .reference(let r) = v.value { refs.append(r) } }
            refs += f.access.map(\.target)
        }
        let used = Set(refs.compactMap { createdTopic(for: $0)?.id.value })
        return platform.topics.filter { used.contains($0.id.value) }
    }

    /// The ARNs an IAM statement needs for a reference; a table also covers its indexes.
    public func arns(for reference: Reference) -> [String] {
        let reference = effective(reference)
        let name = reference.name.value
        switch reference.kind {
        case .table:
            guard let t = table(name) else { return [] }
            return t.indexes.isEmpty ? [tableARN(t)] : [tableARN(t), tableARN(t) + "/index/*"]
        case .queue: return queue(name).map { [queueARN($0)] } ?? []
        case .function: return function(name).map { [functionARN($0)] } ?? []
        case .bucket: return bucket(name).map { [bucketARN($0)] } ?? []
        case .prefix: return prefix(named: name).map { [prefixARN($0)] } ?? []
        case .logGroup:
            return logGroup(name).map { [logGroupARN($0), logGroupARN($0) + ":*"] } ?? []
        case .phoneNumber:
            guard let p = phoneNumber(name) else { return [] }
            let marker = "phone-number-id-"
            let id = p.awsId.value.hasPrefix(marker) ? String(p.awsId.value.dropFirst(marker.count)) : p.awsId.value
            return ["arn:aws:social-messaging:\(region):\(account):phone-number-id/\(id)"]
        case .smsPool:
            return existing(.smsPool, name)?["id"].map { ["arn:aws:sms-voice:\(region):\(account):pool/\($0.value)"] } ?? []
        case .emailSender:
            return existing(.emailSender, name)?["address"].map { ["arn:aws:ses:\(region):\(account):identity/\($0.value)"] } ?? []
        case .knowledgeBase:
            return existing(.knowledgeBase, name)?["id"].map { ["arn:aws:bedrock:\(region):\(account):knowledge-base/\($0.value)"] } ?? []
        case .agent:
            // InvokeAgent is authorized on the alias it calls: the declared one, or every alias when none is.
            guard let agent = existing(.agent, name), let id = agent["id"]?.value else { return [] }
            return ["arn:aws:bedrock:\(region):\(account):agent-alias/\(id)/\(agent["alias"]?.value ?? "*")"]
        case .topic:
            if let t = topic(name) { return [topicARN(t)] }
            return existing(.topic, name)?["arn"].map { [$0.value] } ?? []
        case .role:
            return existing(reference.kind, name)?["arn"].map { [$0.value] } ?? []
        case .secret:
            guard let s = existing(.secret, name), let secretName = s["name"]?.value else { return [] }
            return s["store"]?.value == "ssm"
                ? ["arn:aws:ssm:\(region):\(account):parameter/\(secretName)"]
                : ["arn:aws:secretsmanager:\(region):\(account):secret:\(secretName)-*"]
        case .userPool:
            return existing(.userPool, name)?["id"].map { ["arn:aws:cognito-idp:\(region):\(account):userpool/\($0.value)"] } ?? []
        case .waba, .certificate, .alarm: return []
        }
    }

    /// The value an environment variable gets in this environment.
    public func resolve(_ value: Function.Value) -> String? {
        switch value {
        case .literal(let l): return l.value
        case .setting(let s): return setting(s.value)
        case .reference(let r): return resolve(r)
        }
    }

    public func setting(_ setting: Setting) -> String {
        switch setting {
        case .sendMode: environment.sendMode.value.rawValue
        case .logLevel: environment.logLevel.value
        case .environment: environment.name.value
        case .region: region
        case .account: account
        case .metaApiVersion: platform.whatsapp?.metaApiVersion.value ?? ""
        case .confirmationThreshold: platform.bulk.map { String($0.confirmationThreshold.value) } ?? ""
        case .chunkSize: platform.bulk.map { String($0.chunkSize.value) } ?? ""
        case .workerConcurrency: platform.bulk.map { String($0.workerConcurrency.value) } ?? ""
        case .tierLimit: platform.whatsapp.map { String($0.tierLimit.value) } ?? ""
        case .alertEmail: environment.alertEmail?.value ?? ""
        }
    }

    /// A reference's value: a table's name, a queue's URL (or `arn`/`name`), a prefix's key prefix, …
    public func resolve(_ reference: Reference) -> String? {
        let reference = effective(reference)
        let name = reference.name.value
        let attribute = reference.attribute?.value
        switch reference.kind {
        case .table: return table(name).map(tableName)
        case .queue:
            guard let q = queue(name) else { return nil }
            switch attribute {
            case "arn": return queueARN(q)
            case "name": return queueName(q)
            default: return queueURL(q)
            }
        case .function: return function(name).map(functionName)
        case .bucket: return bucket(name)?.name.value
        case .prefix: return prefix(named: name).map(keyPrefix)
        case .logGroup: return logGroup(name).map(logGroupName)
        case .alarm: return lookup.alarms[name].map(alarmName)
        case .phoneNumber: return phoneNumber(name)?.awsId.value
        case .waba: return lookup.wabas[name]?.awsId.value
        case .secret:
            // A secret variable carries where the secret lives, never its value.
            return arns(for: reference).first.map { $0.hasSuffix("-*") ? String($0.dropLast(2)) : $0 }
        case .topic where topic(name) != nil:
            guard let t = topic(name) else { return nil }
            return attribute == "name" ? topicName(t) : topicARN(t)
        case .role, .topic, .userPool, .smsPool, .emailSender, .knowledgeBase, .agent, .certificate:
            guard let e = existing(reference.kind, name) else { return nil }
            if let attribute { return e[attribute]?.value }
            return (e["arn"] ?? e["id"] ?? e["address"])?.value
        }
    }
}

extension Platform {
    /// The attributes a reference to `id` may name (`{ queue: work, attribute: arn }`): what
    /// `Deployment.resolve` above gives, kept beside it so that the two change together (`ref.attribute`
    /// refuses any other): a queue's `url` (its default), `arn` and `name`; a created
    /// topic's `arn` and `name`; an existing resource's fields as declared, and a user pool's app client
    /// id (`UserPoolClient`). Empty for kinds whose references take no attribute.
    public func referenceAttributes(_ id: ResourceID) -> [String] {
        switch id.kind {
        case .queue: return ["arn", "name", "url"]
        case .topic where topic(id.name) != nil: return ["arn", "name"]
        case .role, .topic, .userPool, .smsPool, .emailSender, .knowledgeBase, .agent, .certificate:
            let fields = existing(id.kind, id.name)?.fields.map(\.key) ?? []
            return id.kind == .userPool ? fields + [UserPoolClient.attribute] : fields
        default: return []
        }
    }
}
