/// The risk classes that need saying so (`--allow`) on top of `--yes`: a change set that drops data or widens
/// access is executed only by someone who named that risk, so a `--yes` written into CI for routine changes
/// never carries them.
public enum AllowedRisk: String, Sendable, CaseIterable, Comparable {
    case dataLoss = "data-loss"
    case security

    public static func < (a: AllowedRisk, b: AllowedRisk) -> Bool { a.rawValue < b.rawValue }

    /// Refuses when a change has a risk that is not allowed; names every such change.
    public static func check(_ changes: [DeployPlan.Change], allowed: Set<AllowedRisk>) throws {
        let refused = changes.filter { c in AllowedRisk(rawValue: c.risk).map { !allowed.contains($0) } ?? false }
        guard !refused.isEmpty else { return }
        let risks = Set(refused.compactMap { AllowedRisk(rawValue: $0.risk) }).sorted().map(\.rawValue)
        throw DeployError.risksNotAllowed(risks: risks, changes: refused.map { "\($0.action) \($0.logicalID) [\($0.resourceType)] (\($0.risk))" })
    }
}
