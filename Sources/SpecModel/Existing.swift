/// A resource that already exists in the account and is reused by reference, never created.
public struct ExistingResource: Sendable {
    public var kind: ResourceKind
    public var id: Located<String>
    /// Its fields as written (`arn`, `id`, `address`, …), in spec order.
    public var fields: [(key: String, value: Located<String>)]
    /// List-valued fields such as a user pool's groups.
    public var lists: [(key: String, values: [Located<String>])]
    public var waivers: [Waiver]

    public init(kind: ResourceKind, id: Located<String>, fields: [(key: String, value: Located<String>)],
                lists: [(key: String, values: [Located<String>])] = [], waivers: [Waiver] = []) {
        self.kind = kind
        self.id = id
        self.fields = fields
        self.lists = lists
        self.waivers = waivers
    }

    public subscript(field: String) -> Located<String>? {
        fields.first { $0.key == field }?.value
    }

    public func list(_ key: String) -> [Located<String>] {
        lists.first { $0.key == key }?.values ?? []
    }

    /// The fields each kind requires and the fields it may carry.
    public static let schema: [ResourceKind: (required: [String], optional: [String])] = [
        .role: (["arn"], ["purpose"]),
        .topic: (["arn"], ["purpose"]),
        .userPool: (["id"], ["name", "domain", "groups", "purpose"]),
        .smsPool: (["id"], ["name", "purpose"]),
        .emailSender: (["address"], ["name", "purpose"]),
        .knowledgeBase: (["id"], ["name", "model", "purpose"]),
        .agent: (["id"], ["name", "model", "alias", "purpose"]),
        .certificate: (["id", "domain"], ["purpose"]),
        .secret: (["store", "name"], ["purpose"]),
    ]

    /// The section under `existing:` that declares each kind.
    public static let sections: [(section: String, kind: ResourceKind)] = [
        ("roles", .role), ("topics", .topic), ("userPools", .userPool), ("smsPools", .smsPool),
        ("emailSenders", .emailSender), ("knowledgeBases", .knowledgeBase), ("agents", .agent),
        ("certificates", .certificate), ("secrets", .secret),
    ]
}

extension Platform {
    /// The attributes a reference to `id` may name (`{ queue: work, attribute: arn }`), as
    /// `Deployment.resolve` gives them: a queue's `url` (its default), `arn` and `name`; a created
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
