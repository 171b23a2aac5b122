/// What a change is about: a kind (`table`, `queue`, `function`, `statement`, `environment`, …) and a logical name.
public struct DiffResource: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var kind: String
    public var name: String

    public init(_ kind: String, _ name: String) {
        self.kind = kind
        self.name = name
    }

    public var description: String { "\(kind) '\(name)'" }

    public static func < (lhs: DiffResource, rhs: DiffResource) -> Bool { (lhs.kind, lhs.name) < (rhs.kind, rhs.name) }
}

/// One classified change between the base and the head: where, what, before → after, and why it has its risk.
public struct Change: Hashable, Sendable, Comparable {
    /// The environment name, or `Change.allEnvironments` when the change is the same in every environment compared.
    public var environment: String
    public var risk: Risk
    public var resource: DiffResource
    /// A field path such as `KeySchema`, `Statement.Action`, `access` or `branches`.
    public var field: String
    /// Short renderings of the value; nil when the field (or resource) is absent on that side.
    public var before: String?
    public var after: String?
    /// One sentence: why the change has its risk class.
    public var why: String
    /// For send-mode changes: the channels (`email`, `sms`, `whatsapp`) whose messages it affects.
    public var channels: [String]
    /// Whether CloudFormation replaces the resource for this change (`refused`: it would have to, and cannot).
    public var replacement: Replacement
    /// Whether the old resource and its data are kept when it is removed or replaced (DeletionPolicy or
    /// UpdateReplacePolicy `Retain`); nil where nothing is removed or replaced.
    public var retained: Bool?
    /// For role policy changes: the statement's effect (`Allow` or `Deny`); nil for every other change.
    public var effect: String?

    public static let allEnvironments = "all"

    /// What happens to the field (or, for field `resource`, to the resource).
    public enum Action: String, Sendable {
        case add, modify, remove
    }

    public var action: Action { before == nil ? .add : after == nil ? .remove : .modify }

    public enum Replacement: String, Sendable {
        /// Updated in place.
        case none
        /// CloudFormation replaces the resource depending on other values.
        case conditional
        /// CloudFormation creates a new resource and removes the old one.
        case always
        /// The change needs a replacement CloudFormation cannot make (a resource with a fixed name): the update fails.
        case refused
    }

    public init(environment: String = Change.allEnvironments, risk: Risk, resource: DiffResource, field: String,
                before: String?, after: String?, why: String, channels: [String] = [], replacement: Replacement = .none, retained: Bool? = nil,
                effect: String? = nil) {
        self.environment = environment
        self.risk = risk
        self.resource = resource
        self.field = field
        self.before = before
        self.after = after
        self.why = why
        self.channels = channels
        self.replacement = replacement
        self.retained = retained
        self.effect = effect
    }

    /// "all" first, then environments by name; within one, most dangerous first, then by resource and field.
    public static func < (lhs: Change, rhs: Change) -> Bool {
        func envKey(_ c: Change) -> (Int, String) { (c.environment == allEnvironments ? 0 : 1, c.environment) }
        if envKey(lhs) != envKey(rhs) { return envKey(lhs) < envKey(rhs) }
        if lhs.risk != rhs.risk { return lhs.risk < rhs.risk }
        if lhs.resource != rhs.resource { return lhs.resource < rhs.resource }
        if lhs.field != rhs.field { return lhs.field < rhs.field }
        return (lhs.before ?? "", lhs.after ?? "", lhs.why) < (rhs.before ?? "", rhs.after ?? "", rhs.why)
    }
}
