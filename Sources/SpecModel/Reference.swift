/// The kinds of thing a spec can name and refer to.
public enum ResourceKind: String, Sendable, CaseIterable, Comparable {
    case table, queue, function, bucket, prefix, role, topic, userPool, smsPool, emailSender
    case knowledgeBase, agent, phoneNumber, waba, certificate, secret, logGroup, alarm

    /// The key that introduces a reference of this kind in a spec: `{table: Contacts}`.
    public var key: String { rawValue }

    public static func < (lhs: ResourceKind, rhs: ResourceKind) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Identifies one declared resource: its kind and logical name.
public struct ResourceID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var kind: ResourceKind
    public var name: String

    public init(_ kind: ResourceKind, _ name: String) {
        self.kind = kind
        self.name = name
    }

    public var description: String { "\(kind.rawValue) '\(name)'" }

    public static func < (lhs: ResourceID, rhs: ResourceID) -> Bool { (lhs.kind, lhs.name) < (rhs.kind, rhs.name) }
}

/// A reference written in a spec, `{queue: bulk-queue, attribute: url}`, located at the name.
public struct Reference: Hashable, Sendable {
    public var kind: ResourceKind
    public var name: Located<String>
    public var attribute: Located<String>?

    public init(kind: ResourceKind, name: Located<String>, attribute: Located<String>? = nil) {
        self.kind = kind
        self.name = name
        self.attribute = attribute
    }

    public var id: ResourceID { ResourceID(kind, name.value) }
}

/// Values of the environment being built, available to function variables as `{setting: sendMode}`.
public enum Setting: String, Sendable, CaseIterable {
    case sendMode, logLevel, environment, region, account
    case metaApiVersion, confirmationThreshold, chunkSize, workerConcurrency, tierLimit
    case alertEmail
}
