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
