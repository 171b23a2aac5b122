import SpecModel

enum LogRules {
    static let all: [Rule] = [retention]

    /// The retention values CloudWatch Logs accepts, in days.
    static let allowedDays = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]

    static let retention = Rule(
        id: RuleID.logRetention, family: "Logs", summary: "Logs are kept at least 30 days",
        documentation: "Req 14.6 asks for at least 30 days; it wins over the 14 days of the 000/001 inventory. The value must also be one CloudWatch accepts (1, 3, 5, 7, 14, 30, 60, 90, … days).",
        failing: [RuleExample("specs/observability.yaml", """
        observability:
          logGroups:
            common: { name: common, retention: ↓14d }
        api:
          name: api
          userPool: users
        """)],
        passing: [RuleExample("specs/observability.yaml", ExampleBase.files["specs/observability.yaml"]!)],
        check: .platform { p in
            p.logGroups.compactMap { g in
                let id = ResourceID(.logGroup, g.id.value)
                guard let days = g.retention.value.wholeDays, days >= 30 else {
                    return Diagnostic(RuleID.logRetention, g.retention.location, "log group '\(g.id.value)' keeps logs \(g.retention.value); Req 14.6 asks for at least 30 days",
                                      hint: "write `retention: 30d` (or 60d, 90d, …)", resource: id)
                }
                guard allowedDays.contains(days) else {
                    let next = allowedDays.first { $0 >= days } ?? 3653
                    return Diagnostic(RuleID.logRetention, g.retention.location, "CloudWatch Logs cannot keep logs \(days) days",
                                      hint: "use an accepted value such as \(next)d", resource: id)
                }
                return nil
            }
        })
}
