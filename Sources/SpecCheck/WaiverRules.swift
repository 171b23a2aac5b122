import SpecModel

/// Waivers are checked by the `Checker` itself; these entries document them and carry their examples.
enum WaiverRules {
    static let all: [Rule] = [expired, notAllowed, unused]

    static func queues(_ waiver: String) -> String {
        "queues:\n  work:\n    name: work\n    visibilityTimeout: 60s\n    retention: 1d\n    deadLetter: { queue: work-dlq, maxReceiveCount: 3 }\n    waivers:\n" + waiver +
            "  work-dlq:\n    name: work-dlq\n    visibilityTimeout: 180s\n    retention: 7d\n"
    }

    static let expired = Rule(
        id: RuleID.waiverExpired, family: "Waivers", summary: "Waivers expire",
        documentation: "A resource may waive one rule with a reason and an expiry date: `waivers: [{ rule: id, reason: \"…\", expires: YYYY-MM-DD }]`. After that date the waiver is an error, and the finding it silenced is reported again.",
        failing: [RuleExample("specs/queues.yaml", queues("      - rule: sqs.visibility-timeout\n        reason: \"worker finishes in 5 s; agreed with ops\"\n        expires: ↓2020-01-31\n"))],
        passing: [RuleExample("specs/queues.yaml", queues("      - rule: sqs.visibility-timeout\n        reason: \"worker finishes in 5 s; agreed with ops\"\n        expires: 2999-01-31\n"))],
        check: .platform { _ in [] })

    static let notAllowed = Rule(
        id: RuleID.waiverNotAllowed, family: "Waivers", summary: "Waivers name a known rule that may be waived",
        documentation: "Hard safety rules (sendmode.live-outside-production, branch.overlap, branch.production-only) cannot be waived, and a waiver must name an existing rule id.",
        failing: [RuleExample("specs/queues.yaml", queues("      - rule: ↓sqs.visibility\n        reason: \"worker finishes in 5 s\"\n        expires: 2999-01-31\n"))],
        passing: [RuleExample("specs/queues.yaml", queues("      - rule: sqs.visibility-timeout\n        reason: \"worker finishes in 5 s\"\n        expires: 2999-01-31\n"))],
        check: .platform { _ in [] })

    static let unused = Rule(
        id: RuleID.waiverUnused, family: "Waivers", severity: .warning, summary: "A waiver silences something",
        documentation: "A waiver that silences no finding in any environment is stale (the finding was fixed) or cannot apply (the rule never reports on that resource, such as a queue rule waived on a table). Either way it would hide the rule's next real finding there without review. Reported only when every environment is checked.",
        failing: [RuleExample("specs/queues.yaml", queues("      - rule: ↓sqs.retention-range\n        reason: \"long retention agreed with ops\"\n        expires: 2999-01-31\n"))],
        passing: [RuleExample("specs/queues.yaml", queues("      - rule: sqs.visibility-timeout\n        reason: \"worker finishes in 5 s\"\n        expires: 2999-01-31\n"))],
        check: .platform { _ in [] })
}
