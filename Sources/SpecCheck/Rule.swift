import SpecModel

/// A rule of the checker: its id, its documentation, its examples and its check, kept together
/// so that a rule, its docs and its tests cannot drift apart.
public struct Rule: Sendable {
    /// How a rule looks at the specs.
    public enum Check: Sendable {
        /// Reported by the loader while reading YAML (syntax, unknown keys, types).
        case loader
        /// Looks at the whole platform once.
        case platform(@Sendable (Platform) -> [Diagnostic])
        /// Looks at one environment's deployment; run for every environment checked.
        case deployment(@Sendable (Deployment) -> [Diagnostic])
    }

    public var id: String
    public var family: String
    public var severity: Diagnostic.Severity
    public var summary: String
    public var documentation: String
    /// Hard safety rules cannot be waived.
    public var waivable: Bool
    public var failing: [RuleExample]
    public var passing: [RuleExample]
    public var check: Check

    public init(id: String, family: String, severity: Diagnostic.Severity = .error, summary: String, documentation: String,
                waivable: Bool = true, failing: [RuleExample], passing: [RuleExample], check: Check) {
        self.id = id
        self.family = family
        self.severity = severity
        self.summary = summary
        self.documentation = documentation
        self.waivable = waivable
        self.failing = failing
        self.passing = passing
        self.check = check
    }
}

/// A spec file that replaces (or adds) one file of the example base spec tree.
/// In a failing example, `↓` marks where the diagnostic must point; it is not part of the YAML.
public struct RuleExample: Sendable {
    public var file: String
    public var yaml: String

    public init(_ file: String, _ yaml: String) {
        self.file = file
        self.yaml = yaml
    }

    public static let marker: Character = "↓"

    /// The YAML without the marker, and the 1-based position the marker stood at.
    public var unmarked: (yaml: String, line: Int, column: Int)? {
        var line = 1, column = 1
        var out = ""
        var found: (Int, Int)?
        for c in yaml {
            if c == RuleExample.marker { found = (line, column); continue }
            out.append(c)
            if c == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return found.map { (out, $0.0, $0.1) }
    }

    public var text: String { yaml.filter { $0 != RuleExample.marker } }
}

extension Diagnostic {
    init(_ rule: String, _ location: SourceLocation, _ message: String, hint: String, resource: ResourceID? = nil, severity: Severity = .error,
         scope: String? = nil) {
        self.init(rule: rule, severity: severity, at: location, message, hint: hint, resource: resource, scope: scope)
    }
}
