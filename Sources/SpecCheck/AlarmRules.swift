import SpecModel

/// Alarms reach a person (Req 14.7; issue 14, part 4).
enum AlarmRules {
    static let all: [Rule] = [handlerTopic, noPerson]

    static func observability(notify: String) -> String {
        """
        observability:
          logGroups:
            common: { name: common, retention: 30d }
          alarms:
            dlq-depth:
              name: dlq-depth
              kind: queue-depth
              queues: [work-dlq]
              threshold: 10
              notify: { topic: \(notify) }
        api:
          name: api
          userPool: users

        """
    }

    static let alertTopics = RuleExample("specs/topics.yaml", """
        topics:
          test-events: { purpose: Inbound test events of preview }
          alerts:
            purpose: Alarm notifications
            subscriptions: [{ email: ops@example.com }]

        """)

    static let handlerTopic = Rule(
        id: RuleID.alarmHandlerTopic, family: "Alarms", summary: "Alarms do not notify a topic that handlers subscribe to",
        documentation: "A topic whose subscribers are Lambda handlers (the inbound WhatsApp events topic) tells no person: the handler receives the alarm as one more event and drops it. Alarms notify an alert topic of their own, with a person's email subscription.",
        failing: [RuleExample("specs/observability.yaml", observability(notify: "↓events"))],
        passing: [alertTopics, RuleExample("specs/observability.yaml", observability(notify: "alerts"))],
        check: .deployment { d in
            guard d.environment.isDeployable else { return [] }
            var subscribed: [String: String] = [:]
            for f in d.platform.functions {
                if case .topic(let t) = f.trigger { for arn in d.arns(for: t) { subscribed[arn] = f.id.value } }
            }
            return d.platform.alarms.compactMap { a in
                guard let n = a.notify, let function = d.arns(for: n).lazy.compactMap({ subscribed[$0] }).first else { return nil }
                return Diagnostic(RuleID.alarmHandlerTopic, n.name.location,
                                  "alarm '\(a.id.value)' notifies topic '\(n.name.value)', which function '\(function)' is subscribed to: no person is told",
                                  hint: "declare an alert topic under `topics:` with `subscriptions: [{ email: { setting: alertEmail } }]` and notify it",
                                  resource: ResourceID(.alarm, a.id.value))
            }
        })

    static let noPerson = Rule(
        id: RuleID.alarmNoPerson, family: "Alarms", summary: "Alarms notify a topic a person is subscribed to",
        documentation: "An alarm reaches someone only through a subscription of its topic. The stack cannot see who subscribes to an existing topic, so alarms notify a topic the stack creates, with at least one email subscription whose address is set in every deployed environment (`alertEmail:` in the environment file, `{ setting: alertEmail }` in the subscription). SNS sends the address a confirmation link first.",
        failing: [alertTopics.replacing("    subscriptions: [{ email: ops@example.com }]\n", with: ""),
                  RuleExample("specs/observability.yaml", observability(notify: "↓alerts"))],
        passing: [alertTopics, RuleExample("specs/observability.yaml", observability(notify: "alerts"))],
        check: .deployment { d in
            guard d.environment.isDeployable else { return [] }
            return d.platform.alarms.compactMap { a in
                guard let n = a.notify else { return nil }
                let problem: String
                if let topic = d.createdTopic(for: n) {
                    let addresses = topic.subscriptions.compactMap { d.resolve($0.address) }.filter { !$0.isEmpty }
                    guard addresses.isEmpty else { return nil }
                    problem = topic.subscriptions.isEmpty
                        ? "alarm '\(a.id.value)' notifies topic '\(topic.id.value)', which has no email subscription"
                        : "alarm '\(a.id.value)' notifies topic '\(topic.id.value)', whose email subscription has no address in \(d.environment.name.value)"
                } else {
                    problem = "alarm '\(a.id.value)' notifies topic '\(n.name.value)', which the stack does not create: who reads it is not in the specs"
                }
                return Diagnostic(RuleID.alarmNoPerson, n.name.location, problem,
                                  hint: "notify a topic under `topics:` with `subscriptions: [{ email: { setting: alertEmail } }]`, and set `alertEmail:` in \(d.environment.file)",
                                  resource: ResourceID(.alarm, a.id.value))
            }
        })
}

extension RuleExample {
    func replacing(_ old: String, with new: String) -> RuleExample {
        precondition(yaml.contains(old), "example edit of \(file) does not apply: \(old)")
        return RuleExample(file, yaml.replacingOccurrences(of: old, with: new))
    }
}
