/// One finding: a stable rule id, a severity, where, what, and how to fix it.
public struct Diagnostic: Hashable, Sendable {
    public enum Severity: String, Sendable, Comparable {
        case error, warning, note
        private var rank: Int { self == .error ? 0 : self == .warning ? 1 : 2 }
        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    public var rule: String
    public var severity: Severity
    public var location: SourceLocation
    public var message: String
    public var hint: String?
    /// The resource the finding is about, so that a waiver on it can apply.
    public var resource: ResourceID?
    /// The environments in which the finding holds; empty when it does not depend on one.
    public var environments: [String]
    /// The role policy scope (its sid) the finding is about, so that a waiver on the scope can apply.
    public var scope: String?

    public init(rule: String, severity: Severity = .error, at location: SourceLocation, _ message: String,
                hint: String? = nil, resource: ResourceID? = nil, environments: [String] = [], scope: String? = nil) {
        self.rule = rule
        self.severity = severity
        self.location = location
        self.message = message
        self.hint = hint
        self.resource = resource
        self.environments = environments
        self.scope = scope
    }
}

extension Diagnostic: Comparable {
    /// File order, then position, then rule: the order a reader walks the specs in.
    public static func < (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
        if lhs.location != rhs.location { return lhs.location < rhs.location }
        return (lhs.rule, lhs.message) < (rhs.rule, rhs.message)
    }
}
