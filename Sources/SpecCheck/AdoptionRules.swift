import SpecModel

enum AdoptionRules {
    static let all: [Rule] = [deadLetter]

    static let deadLetter = Rule(
        id: RuleID.adoptDeadLetter, family: "Adoption", summary: "An adopted queue's dead-letter queue is adopted too",
        documentation: "An environment's `adopt:` lists the live tables, queues and log groups its stack takes over (a CloudFormation import) instead of creating. A queue adopted without its dead-letter queue would, after the update that follows the import, send its failures to a new, empty queue, while the messages already dead-lettered stay in the live one, which nothing reads or alarms on any more.",
        failing: [ExampleBase.edited("environments/production.yaml", "  deploy:", "  adopt: { queues: [↓work] }\n  deploy:")],
        passing: [ExampleBase.edited("environments/production.yaml", "  deploy:", "  adopt: { queues: [work, work-dlq] }\n  deploy:")],
        check: .deployment { d in
            d.environment.adopt.filter { $0.kind == .queue }.compactMap { ref in
                guard let dead = d.platform.queue(ref.name.value)?.deadLetter?.queue, !d.environment.adopts(dead.id) else { return nil }
                return Diagnostic(RuleID.adoptDeadLetter, ref.name.location,
                                  "queue '\(ref.name.value)' is adopted in \(d.environment.name.value) but its dead-letter queue '\(dead.name.value)' is not: "
                                  + "its failures would go to a new, empty queue, away from the messages the live one holds",
                                  hint: "adopt '\(dead.name.value)' too (`queues: [\(ref.name.value), \(dead.name.value)]`)", resource: ResourceID(.queue, ref.name.value))
            }
        })
}
