/// Every classified change between two sides, in reading order, and what the renderers need around them.
public struct DiffReport: Sendable, Equatable {
    public var base: String
    public var head: String
    /// The environments the summary has a column for: every one compared, and any other a change names.
    public var environments: [String]
    public var changes: [Change]
    /// Things a reviewer must know about the comparison itself (a side with check errors, …).
    public var notes: [String]
    /// The head's check errors, one line each: rule id, place, message.
    public var checkErrors: [String]
    /// Per environment with changes, the head's resource graph (Mermaid) with the changed resources marked.
    public var graphs: [String: String] = [:]

    public init(base: String, head: String, environments: [String], changes: [Change], notes: [String] = [], checkErrors: [String] = []) {
        self.base = base
        self.head = head
        self.environments = environments
        self.changes = changes
        self.notes = notes
        self.checkErrors = checkErrors
    }

    public var isEmpty: Bool { changes.isEmpty }

    /// Changes of one class that hold in an environment, those that hold in every environment included.
    public func count(_ risk: Risk, in environment: String) -> Int {
        changes.filter { $0.risk == risk && ($0.environment == environment || $0.environment == Change.allEnvironments) }.count
    }

    public func count(_ risk: Risk) -> Int { changes.filter { $0.risk == risk }.count }

    public func has(anyOf risks: Set<Risk>) -> Bool { changes.contains { risks.contains($0.risk) } }

    /// The one line printed when nothing changed.
    public var noChangeSentence: String {
        "No changes to the platform between \(base) and \(head == DiffReport.workingTree ? "the working tree" : head)."
    }

    public static let workingTree = "working tree"
}
