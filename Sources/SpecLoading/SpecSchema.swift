import SpecModel

/// The spec language's sections and keys: the one table the loader reads keys against (every `MappingReader`
/// names its node here) and `wecare schema` turns into a JSON Schema for editors. A key added to the language
/// is added here, or the loader refuses it as unknown.
public enum SpecSchema {
    /// What a value may be.
    public indirect enum Shape: Sendable {
        case string
        /// One of these words.
        case word([String])
        case integer
        case boolean
        /// `300s`, `15m`, `24h`, `30d`.
        case duration
        case list(Shape)
        /// A mapping of this table.
        case node(Node)
        /// A mapping from names the author picks to values of one shape.
        case named(Shape)
        /// `{ table: Contacts }` and the like: one key naming the kind of resource, maybe `attribute`.
        case reference
        /// A literal, `{ setting: name }` or a reference (a function's environment variables).
        case value
        /// An access entry: a reference and `allow: [verbs]`.
        case access
        /// An existing resource of one kind: the fields `ExistingResource.schema` gives it.
        case existing(ResourceKind)
        /// The names of roles the specs would create (refused by `iam.new-role`, so anything goes).
        case anything
    }

    /// Every mapping of the language that has fixed keys.
    public enum Node: String, Sendable, CaseIterable {
        case specFile, environmentFile
        case platform, storage, bucket, prefix, existing, observability, logGroup, alarm, api, waiver
        case environment, naming, deploy, adopt, substitute, ui, uiLinks
        case functionDefaults, function, trigger, setting
        case handler, whatsapp, phoneNumber, waba, channels, sms, email, bulk, ai
        case queue, deadLetter, iam, scope, condition, conditionOperator
        case table, ttl, key, topic, subscription
        case scanners, scannerWaiver
    }

    public struct Entry: Sendable {
        public var key: String
        public var shape: Shape
        public var required: Bool
    }

    static func k(_ key: String, _ shape: Shape, required: Bool = false) -> Entry { Entry(key: key, shape: shape, required: required) }

    /// The log levels an environment may run at.
    public static let logLevels = ["DEBUG", "INFO", "WARN", "ERROR"]

    static let waivers = k("waivers", .list(.node(.waiver)))
    static let purpose = k("purpose", .string)

    /// The keys of each node, in the order the documentation lists them.
    public static let table: [Node: [Entry]] = [
        .specFile: [k("platform", .node(.platform)), k("tables", .named(.node(.table))), k("queues", .named(.node(.queue))),
                    k("topics", .named(.node(.topic))), k("functionDefaults", .node(.functionDefaults)), k("functions", .named(.node(.function))),
                    k("handlers", .named(.node(.handler))), k("storage", .node(.storage)), k("iam", .node(.iam)), k("roles", .named(.anything)),
                    k("existing", .node(.existing)), k("whatsapp", .node(.whatsapp)), k("channels", .node(.channels)), k("bulk", .node(.bulk)), k("ai", .node(.ai)),
                    k("observability", .node(.observability)), k("api", .node(.api)), k("scanners", .node(.scanners))],
        .environmentFile: [k("environment", .node(.environment), required: true)],
        .platform: [k("name", .string, required: true), k("account", .string, required: true), k("region", .string, required: true)],
        .storage: [k("buckets", .named(.node(.bucket)))],
        .bucket: [k("name", .string, required: true), k("encryption", .string), k("prefixes", .named(.node(.prefix))), waivers, purpose],
        .prefix: [k("path", .string, required: true), purpose, k("expireAfter", .duration)],
        .existing: ExistingResource.sections.map { k($0.section, .named(.existing($0.kind))) },
        .observability: [k("logGroups", .named(.node(.logGroup))), k("alarms", .named(.node(.alarm)))],
        .logGroup: [k("name", .string, required: true), k("retention", .duration, required: true), waivers, purpose],
        .alarm: [k("name", .string, required: true), k("description", .string), k("kind", .word(["lambda-error-rate", "queue-depth", "api-error-rate", "metric"]), required: true),
                 k("queues", .list(.string)), k("namespace", .string), k("metric", .string), k("statistic", .string), k("threshold", .integer, required: true),
                 k("period", .duration, required: true), k("evaluationPeriods", .integer, required: true), k("notify", .reference), waivers],
        .api: [k("name", .string, required: true), k("userPool", .string, required: true), k("corsOrigins", .list(.string))],
        .waiver: [k("rule", .string, required: true), k("reason", .string, required: true), k("expires", .string, required: true)],
        .environment: [k("name", .string, required: true), k("sendMode", .word(SendMode.allCases.map(\.rawValue)), required: true),
                       k("logLevel", .word(logLevels), required: true), k("naming", .node(.naming), required: true),
                       k("deploy", .node(.deploy)), k("adopt", .node(.adopt)), k("alertEmail", .string), k("substitutes", .list(.node(.substitute))),
                       k("ui", .node(.ui))],
        .ui: [k("links", .node(.uiLinks))],
        .uiLinks: UILink.modules.map { k($0, .string) },
        .naming: [k("prefix", .string, required: true), k("objectPrefix", .string)],
        .deploy: [k("branches", .list(.string), required: true), k("stack", .string), k("perBranch", .boolean)],
        .adopt: [k("tables", .list(.string)), k("queues", .list(.string)), k("logGroups", .list(.string))],
        .substitute: [k("topic", .string), k("bucket", .string), k("by", .string, required: true)],
        .functionDefaults: [k("runtime", .string), k("architecture", .string), k("memory", .integer), k("timeout", .integer), k("role", .reference),
                            k("logGroup", .reference), k("environment", .named(.value))],
        .function: [k("name", .string), k("handler", .string, required: true), k("description", .string), k("runtime", .string), k("architecture", .string),
                    k("memory", .integer), k("timeout", .integer), k("reservedConcurrency", .integer), k("role", .reference), k("trigger", .node(.trigger)),
                    k("deadLetterQueue", .reference), k("logGroup", .reference), k("environment", .named(.value)), k("access", .list(.access)), waivers],
        .trigger: [k("topic", .string), k("queue", .string), k("batchSize", .integer), k("routes", .list(.string)), k("unauthenticated", .list(.string)),
                   k("invokedBy", .list(.string)),
                   k("schedule", .string)],
        .setting: [k("setting", .string, required: true)],
        .handler: [k("description", .string), k("serves", .string, required: true), k("needs", .list(.reference))],
        .whatsapp: [k("metaApiVersion", .string), k("phoneNumbers", .named(.node(.phoneNumber))), k("wabas", .named(.node(.waba))), k("allowlist", .list(.string)),
                    k("accountRatePerSecond", .integer), k("mediaRatePerSecond", .integer), k("tierLimit", .integer), k("tierAlertPercent", .integer)],
        .phoneNumber: [k("id", .string, required: true), k("display", .string), k("metaId", .string), k("waba", .string, required: true),
                       k("ratePerSecond", .integer, required: true)],
        .waba: [k("id", .string, required: true), k("metaId", .string), k("name", .string)],
        .channels: [k("sms", .node(.sms)), k("email", .node(.email))],
        .sms: [k("pool", .string, required: true), k("ratePerSecond", .integer, required: true), k("maxLength", .integer)],
        .email: [k("sender", .string, required: true), k("ratePerSecond", .integer, required: true)],
        .bulk: [k("chunkSize", .integer, required: true), k("workerConcurrency", .integer, required: true), k("confirmationThreshold", .integer, required: true)],
        .ai: [k("knowledgeFolder", .string, required: true), k("passages", .integer, required: true), k("recentMessages", .integer, required: true)],
        .queue: [k("name", .string, required: true), k("fifo", .boolean), k("visibilityTimeout", .duration, required: true), k("retention", .duration, required: true),
                 k("deadLetter", .node(.deadLetter)), waivers, purpose],
        .deadLetter: [k("queue", .string, required: true), k("maxReceiveCount", .integer, required: true)],
        .iam: [k("role", .string, required: true), k("scopes", .list(.node(.scope)))],
        .scope: [k("sid", .string, required: true), k("actions", .list(.string), required: true), k("resources", .list(.reference), required: true),
                 k("listPrefixes", .list(.string)), k("condition", .node(.condition)), waivers],
        .condition: [k("StringLike", .node(.conditionOperator)), k("StringEquals", .node(.conditionOperator))],
        .conditionOperator: [k("s3:prefix", .list(.string))],
        .table: [k("name", .string, required: true), k("billing", .string), k("attributes", .named(.word(Table.AttributeType.allCases.map(\.rawValue))), required: true),
                 k("key", .node(.key), required: true), k("indexes", .named(.node(.key))), k("ttl", .node(.ttl)), k("pointInTimeRecovery", .boolean), waivers, purpose],
        .ttl: [k("attribute", .string, required: true), k("retention", .duration)],
        .key: [k("partition", .string, required: true), k("sort", .string)],
        .topic: [k("name", .string, required: true), purpose, k("subscriptions", .list(.node(.subscription))), waivers],
        .subscription: [k("email", .value)],
        .scanners: [k("checkov", .list(.node(.scannerWaiver)))],
        .scannerWaiver: [k("check", .string, required: true), k("covers", .list(.anything), required: true), k("reason", .string, required: true),
                         k("expires", .string, required: true)],
    ]

    /// The keys a node allows, as the loader checks them.
    public static func keys(_ node: Node) -> [String] { (table[node] ?? []).map(\.key) }
}

extension SpecSchema {
    /// Which file a schema describes: one under `specs/`, or an environment file.
    public enum File: String, Sendable, CaseIterable {
        case spec, environment
        var root: Node { self == .spec ? .specFile : .environmentFile }
    }

    /// A JSON Schema (draft 2020-12) of one kind of file, made from the table above: what editors use to
    /// complete and validate specs as they are typed. The checker still says what no schema can (references, rules).
    public static func jsonSchema(_ file: File) -> JSONValue {
        var defs: [String: JSONValue] = [:]
        for node in Node.allCases { defs[node.rawValue] = object(node) }
        return .object([
            "$schema": .string("https://json-schema.org/draft/2020-12/schema"),
            "$id": .string("https://wecare.digital/schema/\(file.rawValue).json"),
            "title": .string(file == .spec ? "A wecare spec file (specs/*.yaml)" : "A wecare environment file (environments/*.yaml)"),
            "$ref": .string("#/$defs/\(file.root.rawValue)"),
            "$defs": .object(defs),
        ])
    }

    static func object(_ node: Node) -> JSONValue {
        let entries = table[node] ?? []
        var schema: [String: JSONValue] = [
            "type": .string("object"),
            "properties": .object(Dictionary(uniqueKeysWithValues: entries.map { ($0.key, json($0.shape)) })),
            "additionalProperties": .bool(false),
        ]
        let required = entries.filter(\.required).map { JSONValue.string($0.key) }
        if !required.isEmpty { schema["required"] = .array(required) }
        return .object(schema)
    }

    static let referenceKeys = ResourceKind.allCases.map(\.key) + ["setting", "attribute"]

    static func json(_ shape: Shape) -> JSONValue {
        switch shape {
        case .string: return .object(["type": .string("string")])
        case .word(let words): return .object(["enum": .array(words.map { .string($0) })])
        case .integer: return .object(["type": .string("integer")])
        case .boolean: return .object(["type": .string("boolean")])
        case .duration: return .object(["type": .string("string"), "pattern": .string("^[0-9]+(s|m|h|d)$")])
        case .list(let item): return .object(["type": .string("array"), "items": json(item)])
        case .node(let node): return .object(["$ref": .string("#/$defs/\(node.rawValue)")])
        case .named(let value): return .object(["type": .string("object"), "additionalProperties": json(value)])
        case .reference:
            return .object([
                "type": .string("object"), "minProperties": .int(1), "maxProperties": .int(2),
                "propertyNames": .object(["enum": .array(referenceKeys.map { .string($0) })]),
                "additionalProperties": .object(["type": .string("string")]),
            ])
        case .value:
            return .object(["anyOf": .array([.object(["type": .array([.string("string"), .string("integer"), .string("boolean")])]), json(.reference)])])
        case .access:
            return .object([
                "type": .string("object"),
                "properties": .object(["allow": json(.list(.string))]),
                "required": .array([.string("allow")]),
                "additionalProperties": .object(["type": .string("string")]),
            ])
        case .existing(let kind):
            let fields = ExistingResource.schema[kind] ?? ([], [])
            let value: JSONValue = .object(["anyOf": .array([json(.string), json(.list(.string))])])
            var properties = Dictionary(uniqueKeysWithValues: (fields.required + fields.optional).map { ($0, value) })
            properties["waivers"] = json(.list(.node(.waiver)))
            return .object([
                "type": .string("object"), "properties": .object(properties), "additionalProperties": .bool(false),
                "required": .array(fields.required.map { .string($0) }),
            ])
        case .anything: return .object([:])
        }
    }
}
