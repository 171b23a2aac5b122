/// The policy the existing execution role must hold: one statement per need.
public struct RolePolicy: Sendable {
    public var role: Reference
    public var scopes: [Scope]
    public var location: SourceLocation

    public init(role: Reference, scopes: [Scope], location: SourceLocation) {
        self.role = role
        self.scopes = scopes
        self.location = location
    }
}

/// One IAM statement: actions on resources, optionally limited to S3 key prefixes.
public struct Scope: Sendable {
    /// A resource is either a reference to a declared resource or a literal ARN.
    public enum Target: Sendable {
        case reference(Reference)
        case arn(Located<String>)
        public var location: SourceLocation {
            switch self {
            case .reference(let r): r.name.location
            case .arn(let a): a.location
            }
        }
    }

    public var sid: Located<String>
    public var actions: [Located<String>]
    public var resources: [Target]
    /// For `s3:ListBucket`: the prefixes the `s3:prefix` condition allows.
    public var listPrefixes: [Reference]
    /// A literal `s3:prefix` condition, for statements written as raw ARNs.
    public var conditionPrefixes: [Located<String>]
    public var waivers: [Waiver]

    public init(sid: Located<String>, actions: [Located<String>], resources: [Target], listPrefixes: [Reference],
                conditionPrefixes: [Located<String>], waivers: [Waiver]) {
        self.sid = sid
        self.actions = actions
        self.resources = resources
        self.listPrefixes = listPrefixes
        self.conditionPrefixes = conditionPrefixes
        self.waivers = waivers
    }

    public var hasPrefixCondition: Bool { !listPrefixes.isEmpty || !conditionPrefixes.isEmpty }
}

/// A role a spec asks the stack to create. Always refused: the platform reuses its one execution role.
public struct NewRole: Sendable {
    public var id: Located<String>
    public init(id: Located<String>) { self.id = id }
}
