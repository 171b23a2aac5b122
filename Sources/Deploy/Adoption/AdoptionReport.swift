/// What taking over an environment's live resources would do, read from the account before anything is written:
/// per adopted resource, whether it is imported, already in the stack, or blocked, and how it differs from the spec.
public struct AdoptionReport: Sendable, Equatable {
    /// One property whose live value the update after the import changes.
    public struct Difference: Sendable, Equatable {
        public var property: String
        public var live: String
        public var spec: String

        public init(property: String, live: String, spec: String) {
            self.property = property
            self.live = live
            self.spec = spec
        }
    }

    public struct Entry: Sendable, Equatable {
        public enum Status: String, Sendable {
            /// Live, not yet in the stack, and nothing stops the import.
            case importable = "import"
            /// The stack already holds it (adopted by an earlier deployment).
            case inStack = "in stack"
            /// Created by the stack (`--create-adopted`, for an account that does not have it).
            case create
            case blocked
        }

        public var resource: AdoptedResource
        public var status: Status
        public var blockers: [String]
        public var differences: [Difference]
        public var live: LiveResource?

        public init(resource: AdoptedResource, status: Status, blockers: [String] = [], differences: [Difference] = [], live: LiveResource? = nil) {
            self.resource = resource
            self.status = status
            self.blockers = blockers
            self.differences = differences
            self.live = live
        }
    }

    public var environment: String
    public var stack: String
    public var entries: [Entry]
    /// What a person does around the import, outside CloudFormation.
    public var checklist: [String]

    public init(environment: String, stack: String, entries: [Entry], checklist: [String]) {
        self.environment = environment
        self.stack = stack
        self.entries = entries
        self.checklist = checklist
    }

    public var blocked: Bool { entries.contains { $0.status == .blocked } }
    public var toImport: [Entry] { entries.filter { $0.status == .importable } }

    /// Every blocker, each naming its resource.
    public var blockers: [String] { entries.flatMap { e in e.blockers.map { "\(e.resource.label): \($0)" } } }

    /// 0 nothing blocks, 1 something does: what `wecare adopt --check` exits with.
    public var exitCode: Int32 { blocked ? 1 : 0 }

    /// The report as a reviewer reads it.
    public var text: String {
        var out = "Adoption in \(environment) (stack \(stack)): \(entries.count) live resource\(entries.count == 1 ? "" : "s") the spec adopts\n"
        for e in entries {
            let mark = switch e.status {
            case .importable: "→"
            case .inStack: "="
            case .create: "+"
            case .blocked: "✗"
            }
            out += "  \(mark) \(e.resource.logicalID) [\(e.resource.resourceType)] \(e.resource.physicalName): \(e.status.rawValue)\n"
            for b in e.blockers { out += "      blocks: \(b)\n" }
            for d in e.differences { out += "      ~ \(d.property): \(d.live) (live) → \(d.spec) (spec), changed in place by the update after the import\n" }
        }
        if blocked {
            out += "\(blockers.count) blocker\(blockers.count == 1 ? "" : "s"): nothing can be imported until \(blockers.count == 1 ? "it is" : "they are") resolved.\n"
        } else if !toImport.isEmpty {
            out += "Ready: an IMPORT change set takes \(toImport.count) resource\(toImport.count == 1 ? "" : "s") into the stack as \(toImport.count == 1 ? "it is" : "they are") "
                + "(DeletionPolicy Retain); then the normal update follows.\n"
        } else {
            out += "Nothing to import.\n"
        }
        if !checklist.isEmpty && !toImport.isEmpty {
            out += "Cutover checklist:\n"
            for (i, item) in checklist.enumerated() { out += "  \(i + 1). \(item)\n" }
        }
        return out
    }
}
