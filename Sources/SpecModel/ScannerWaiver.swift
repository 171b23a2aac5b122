/// A finding of a template scanner (checkov) that is a decision rather than a defect: which check, on which
/// resources, why, and until when. The generators write it into the templates' `Metadata`, so the scanner
/// itself shows the reason; the checker treats its expiry like any waiver's.
public struct ScannerWaiver: Sendable {
    /// What the waiver covers: every resource of a kind, or one resource.
    public enum Target: Sendable {
        case every(ResourceKind)
        /// The HTTP API (its API and its stage).
        case api
        case one(Reference)
    }

    /// The scanner, as its Metadata key spells it: `checkov`.
    public var scanner: String
    /// `CKV_AWS_117`.
    public var check: Located<String>
    public var targets: [Target]
    public var reason: Located<String>
    /// `YYYY-MM-DD`.
    public var expires: Located<String>
    public var location: SourceLocation

    public init(scanner: String, check: Located<String>, targets: [Target], reason: Located<String>, expires: Located<String>, location: SourceLocation) {
        self.scanner = scanner
        self.check = check
        self.targets = targets
        self.reason = reason
        self.expires = expires
        self.location = location
    }

    /// The words `covers:` takes for every resource of a kind.
    public static let kinds: [String: ResourceKind] = [
        "functions": .function, "tables": .table, "queues": .queue, "topics": .topic, "logGroups": .logGroup,
    ]

    public func covers(_ id: ResourceID) -> Bool {
        targets.contains { target in
            switch target {
            case .every(let kind): kind == id.kind
            case .one(let reference): reference.id == id
            case .api: false
            }
        }
    }

    public var coversAPI: Bool { targets.contains { if case .api = $0 { true } else { false } } }

    /// The resources it names one by one, for the checker to resolve.
    public var references: [Reference] { targets.compactMap { if case .one(let r) = $0 { r } else { nil } } }
}
