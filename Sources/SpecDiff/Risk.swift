/// How dangerous a change is to deploy, most dangerous first: the order reviewers read them in.
public enum Risk: String, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    /// CloudFormation replaces or deletes something that holds data, or data starts expiring.
    case dataLoss = "data-loss"
    /// The role, a function's access, a secret reference or who may call something changes.
    case security
    /// Which branches deploy where, or whether messages really leave the platform.
    case sendMode = "send-mode"
    /// Rates, concurrency, timeouts, memory, retention: how much the platform does, and for how long.
    case capacity
    /// Everything else that changes in the templates or the model.
    case other

    public var description: String { rawValue }

    public static func < (lhs: Risk, rhs: Risk) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// Parses `data-loss,security` (as `--fail-on` takes it); the failure names the first unknown entry.
    public static func parseList(_ text: String) -> Result<Set<Risk>, UnknownRisk> {
        var out = Set<Risk>()
        for part in text.split(separator: ",") {
            let name = String(part.filter { !$0.isWhitespace })
            guard !name.isEmpty else { continue }
            guard let risk = Risk(rawValue: name) else { return .failure(UnknownRisk(name: name)) }
            out.insert(risk)
        }
        return .success(out)
    }

    public struct UnknownRisk: Error, CustomStringConvertible {
        public var name: String
        public var description: String {
            "unknown risk class '\(name)'; use a comma-separated list of \(Risk.allCases.map(\.rawValue).joined(separator: ", "))"
        }
    }
}
