/// One environment's view of the platform: the physical names and ARNs everything gets there.
public struct Deployment: Sendable {
    public var platform: Platform
    public var environment: Environment

    /// Every function's needs, computed once: most IAM and S3 rules walk them.
    public private(set) var needsByFunction: [String: [Need]] = [:]
    public private(set) var resolvedScopes: [ResolvedScope] = []

    public init(platform: Platform, environment: Environment) {
        self.platform = platform
        self.environment = environment
        needsByFunction = Dictionary(platform.functions.map { ($0.id.value, computeNeeds(of: $0)) }, uniquingKeysWith: { a, _ in a })
        resolvedScopes = (platform.rolePolicy?.scopes ?? []).map(resolve)
    }

    public var region: String { platform.region.value }
    public var account: String { platform.account.value }
    public var prefix: String { environment.prefix.value }

    public func tableName(_ table: Table) -> String { "\(prefix)-\(table.name.value)" }
    public func queueName(_ queue: Queue) -> String { "\(prefix)-\(queue.name.value)" + (queue.fifo.value ? ".fifo" : "") }
    public func functionName(_ function: Function) -> String { "\(prefix)-\(function.name.value)" }
    public func logGroupName(_ group: LogGroup) -> String { "/\(prefix)/\(group.name.value)" }
    public func alarmName(_ alarm: Alarm) -> String { "\(prefix)-\(alarm.name.value)" }
    public var apiName: String { "\(prefix)-\(platform.api?.name.value ?? "api")" }

    /// The S3 key prefix of a declared prefix in this environment (`preview/whatsapp-media/…/`).
    public func keyPrefix(_ prefix: Prefix) -> String { environment.objectPrefix.value + prefix.path.value }

    public func queueURL(_ queue: Queue) -> String { "https://sqs.\(region).amazonaws.com/\(account)/\(queueName(queue))" }

    public func tableARN(_ table: Table) -> String { "arn:aws:dynamodb:\(region):\(account):table/\(tableName(table))" }
    public func queueARN(_ queue: Queue) -> String { "arn:aws:sqs:\(region):\(account):\(queueName(queue))" }
    public func functionARN(_ function: Function) -> String { "arn:aws:lambda:\(region):\(account):function:\(functionName(function))" }
    public func logGroupARN(_ group: LogGroup) -> String { "arn:aws:logs:\(region):\(account):log-group:\(logGroupName(group))" }
    public func bucketARN(_ bucket: Bucket) -> String { "arn:aws:s3:::\(bucket.name.value)" }

    public func prefixARN(_ prefix: Prefix) -> String {
        let bucketName = platform.bucket(prefix.bucket)?.name.value ?? prefix.bucket
        return "arn:aws:s3:::\(bucketName)/\(keyPrefix(prefix))*"
    }

    /// The ARNs an IAM statement needs for a reference; a table also covers its indexes.
    public func arns(for reference: Reference) -> [String] {
        let name = reference.name.value
        switch reference.kind {
        case .table:
            guard let t = platform.table(name) else { return [] }
            return t.indexes.isEmpty ? [tableARN(t)] : [tableARN(t), tableARN(t) + "/index/*"]
        case .queue: return platform.queue(name).map { [queueARN($0)] } ?? []
        case .function: return platform.function(name).map { [functionARN($0)] } ?? []
        case .bucket: return platform.bucket(name).map { [bucketARN($0)] } ?? []
        case .prefix: return platform.prefix(name).map { [prefixARN($0)] } ?? []
        case .logGroup:
            return platform.logGroups.first { $0.id.value == name }.map { [logGroupARN($0), logGroupARN($0) + ":*"] } ?? []
        case .phoneNumber:
            guard let p = platform.whatsapp?.phoneNumbers.first(where: { $0.id.value == name }) else { return [] }
            let marker = "phone-number-id-"
            let id = p.awsId.value.hasPrefix(marker) ? String(p.awsId.value.dropFirst(marker.count)) : p.awsId.value
            return ["arn:aws:social-messaging:\(region):\(account):phone-number-id/\(id)"]
        case .smsPool:
            return platform.existing(.smsPool, name)?["id"].map { ["arn:aws:sms-voice:\(region):\(account):pool/\($0.value)"] } ?? []
        case .emailSender:
            return platform.existing(.emailSender, name)?["address"].map { ["arn:aws:ses:\(region):\(account):identity/\($0.value)"] } ?? []
        case .knowledgeBase:
            return platform.existing(.knowledgeBase, name)?["id"].map { ["arn:aws:bedrock:\(region):\(account):knowledge-base/\($0.value)"] } ?? []
        case .agent:
            return platform.existing(.agent, name)?["id"].map { ["arn:aws:bedrock:\(region):\(account):agent-alias/\($0.value)/*"] } ?? []
        case .topic, .role:
            return platform.existing(reference.kind, name)?["arn"].map { [$0.value] } ?? []
        case .secret:
            guard let s = platform.existing(.secret, name), let secretName = s["name"]?.value else { return [] }
            return s["store"]?.value == "ssm"
                ? ["arn:aws:ssm:\(region):\(account):parameter/\(secretName)"]
                : ["arn:aws:secretsmanager:\(region):\(account):secret:\(secretName)-*"]
        case .userPool:
            return platform.existing(.userPool, name)?["id"].map { ["arn:aws:cognito-idp:\(region):\(account):userpool/\($0.value)"] } ?? []
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
        }
    }

    /// A reference's value: a table's name, a queue's URL (or `arn`/`name`), a prefix's key prefix, …
    public func resolve(_ reference: Reference) -> String? {
        let name = reference.name.value
        let attribute = reference.attribute?.value
        switch reference.kind {
        case .table: return platform.table(name).map(tableName)
        case .queue:
            guard let q = platform.queue(name) else { return nil }
            switch attribute {
            case "arn": return queueARN(q)
            case "name": return queueName(q)
            default: return queueURL(q)
            }
        case .function: return platform.function(name).map(functionName)
        case .bucket: return platform.bucket(name)?.name.value
        case .prefix: return platform.prefix(name).map(keyPrefix)
        case .logGroup: return platform.logGroups.first { $0.id.value == name }.map(logGroupName)
        case .alarm: return platform.alarms.first { $0.id.value == name }.map(alarmName)
        case .phoneNumber: return platform.whatsapp?.phoneNumbers.first { $0.id.value == name }?.awsId.value
        case .waba: return platform.whatsapp?.wabas.first { $0.id.value == name }?.awsId.value
        case .secret:
            // A secret variable carries where the secret lives, never its value.
            return arns(for: reference).first.map { $0.hasSuffix("-*") ? String($0.dropLast(2)) : $0 }
        case .role, .topic, .userPool, .smsPool, .emailSender, .knowledgeBase, .agent, .certificate:
            guard let e = platform.existing(reference.kind, name) else { return nil }
            if let attribute { return e[attribute]?.value }
            return (e["arn"] ?? e["id"] ?? e["address"])?.value
        }
    }
}
