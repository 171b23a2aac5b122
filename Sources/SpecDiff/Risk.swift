/// How dangerous a change is to deploy, most dangerous first: the order reviewers read them in.
public enum Risk: String, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    /// CloudFormation replaces or deletes something that holds data, or data starts expiring.
    case dataLoss = "data-loss"
    /// Which branches deploy where, or whether messages really leave the platform.
    case sendMode = "send-mode"
    /// More may be done or reached: the role or a function's access grows, a secret or sender is added, a route
    /// loses its authorizer, a permission is added. Conservatively, every security change that is not plainly a narrowing.
    case securityBroadening = "security-broadening"
    /// Less may be done or reached: access, grants, permissions or senders are removed (functions that still need
    /// them fail with AccessDenied, so it is still reviewed).
    case securityNarrowing = "security-narrowing"
    /// Rates, concurrency, timeouts, memory, retention: how much the platform does, and for how long.
    case capacity
    /// Everything else that changes in the templates or the model.
    case other

    public var description: String { rawValue }

    public static func < (lhs: Risk, rhs: Risk) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// `security` alone, as `--fail-on` took it before the split, means the changes that broaden.
    public static let aliases: [String: Risk] = ["security": .securityBroadening]

    /// Parses `data-loss,security-broadening` (as `--fail-on` takes it); the failure names the first unknown entry.
    public static func parseList(_ text: String) -> Result<Set<Risk>, UnknownRisk> {
        var out = Set<Risk>()
        for part in text.split(separator: ",") {
            let name = String(part.filter { !$0.isWhitespace })
            guard !name.isEmpty else { continue }
            guard let risk = Risk(rawValue: name) ?? aliases[name] else { return .failure(UnknownRisk(name: name)) }
            out.insert(risk)
        }
        return .success(out)
    }

    public struct UnknownRisk: Error, CustomStringConvertible {
        public var name: String
        public var description: String {
            "unknown risk class '\(name)'; use a comma-separated list of \(Risk.allCases.map(\.rawValue).joined(separator: ", ")) (security means security-broadening)"
        }
    }
}
