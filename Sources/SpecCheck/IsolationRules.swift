import SpecModel

/// Non-production never touches production's inputs or data (issue 14, part 2): a deployed preview or
/// staging function may not subscribe to, read or write a topic, table, queue or S3 prefix that production
/// uses. Every environment shares one account and one role, so nothing but the specs keeps them apart.
enum IsolationRules {
    static let all: [Rule] = [topic, prefix, table, queue]

    static let topic = Rule(
        id: RuleID.isolationTopic, family: "Isolation", summary: "Non-production environments take no input from production's topics",
        documentation: "A preview or staging function subscribed to production's WhatsApp events topic processes every real customer message a second time, and writes real personal data where test data belongs; an alarm of theirs sent to it reaches production's handler. Give the environment a topic of its own (`topics:` in the specs, `substitutes: [{ topic: whatsapp-events, by: whatsapp-test-events }]` in its environment file) and feed it with a test publisher. Checked for every deployed environment but production: its triggers, variables, access entries and alarms, after substitution, against every topic production subscribes to or names.",
        failing: [
            RuleExample("specs/functions.yaml", ExampleBase.files["specs/functions.yaml"]!.replacingOccurrences(of: "trigger: { topic: events }", with: "trigger: { topic: ↓events }")),
            ExampleBase.edited("environments/preview.yaml", "  substitutes:\n    - { topic: events, by: test-events }\n", ""),
            RuleExample("specs/topics.yaml", "topics: {}\n"),
        ],
        passing: [RuleExample("specs/functions.yaml", ExampleBase.files["specs/functions.yaml"]!)],
        check: .deployment { d in findings(d).filter { $0.rule == RuleID.isolationTopic } })

    static let prefix = Rule(
        id: RuleID.isolationPrefix, family: "Isolation", summary: "Non-production S3 keys lie outside production's prefixes",
        documentation: "Environments may share a bucket only under object prefixes of their own (`naming.objectPrefix`, e.g. `preview/`), or use a bucket of their own. A prefix a non-production function reads or writes that lies inside one production uses (or holds one) mixes test objects with production's media and reports, and lets a test delete or overwrite them.",
        failing: [
            ExampleBase.edited("environments/preview.yaml", "  naming: { prefix: example-preview, objectPrefix: preview/ }", "  naming: { prefix: example-preview }"),
            ExampleBase.edited("specs/functions.yaml", "MEDIA_PREFIX: { prefix: incoming }", "MEDIA_PREFIX: { prefix: ↓incoming }"),
        ],
        passing: [RuleExample("environments/preview.yaml", ExampleBase.files["environments/preview.yaml"]!)],
        check: .deployment { d in findings(d).filter { $0.rule == RuleID.isolationPrefix } })

    static let table = Rule(
        id: RuleID.isolationTable, family: "Isolation", summary: "Non-production functions use no production table",
        documentation: "Tables get the environment's naming prefix when they are named by reference (`{ table: Contacts }`). A literal table name, or an environment whose prefix makes its names production's, points a preview or staging function at production's data.",
        failing: [ExampleBase.edited("specs/functions.yaml", "      MESSAGES_TABLE: { table: Messages }", "      MESSAGES_TABLE: ↓example-MessagesTable")],
        passing: [RuleExample("specs/functions.yaml", ExampleBase.files["specs/functions.yaml"]!)],
        check: .deployment { d in findings(d).filter { $0.rule == RuleID.isolationTable } })

    static let queue = Rule(
        id: RuleID.isolationQueue, family: "Isolation", summary: "Non-production functions use no production queue",
        documentation: "A preview or staging function that takes from production's queue steals its work (a bulk chunk worked in DRY_RUN is never sent); one that sends to it injects test work into production. Name queues by reference (`{ queue: bulk-queue }`) so that each environment gets its own.",
        failing: [ExampleBase.edited("specs/functions.yaml", "      MESSAGES_TABLE: { table: Messages }",
                                     "      MESSAGES_TABLE: { table: Messages }\n      WORK_QUEUE_URL: ↓https://sqs.us-east-1.amazonaws.com/123456789012/example-work")],
        passing: [RuleExample("specs/functions.yaml", ExampleBase.files["specs/functions.yaml"]!)],
        check: .deployment { d in findings(d).filter { $0.rule == RuleID.isolationQueue } })

    /// What production uses, by physical identity: topic ARNs, table names and ARNs, queue URLs, ARNs and names,
    /// and the S3 locations (bucket, key prefix) of its prefixes.
    struct ProductionUse {
        var topics: [String: String] = [:]
        var tables: [String: String] = [:]
        var queues: [String: String] = [:]
        var locations: [(bucket: String, key: String, prefix: String)] = []

        init(_ p: Deployment) {
            let platform = p.platform
            for t in platform.tables { for name in [p.tableName(t), p.tableARN(t)] { tables[name] = t.id.value } }
            for q in platform.queues { for name in [p.queueName(q), p.queueURL(q), p.queueARN(q)] { queues[name] = q.id.value } }
            for t in p.createdTopics { topics[p.topicARN(t)] = t.id.value }
            var refs: [Reference] = platform.alarms.compactMap(\.notify)
            for f in platform.functions {
                if case .topic(let t) = f.trigger { refs.append(t) }
                for v in f.environment { if case .reference(let r) = v.value { refs.append(r) } }
                refs += f.access.map(\.target)
            }
            for r in refs where r.kind == .topic { for arn in p.arns(for: r) { topics[arn] = r.name.value } }
            for x in platform.prefixes {
                locations.append((p.bucket(of: x)?.name.value ?? x.bucket, p.keyPrefix(x), x.id.value))
            }
        }

        /// The production prefix whose keys overlap `key` in `bucket`.
        func overlap(bucket: String, key: String) -> String? {
            locations.first { $0.bucket == bucket && (key.hasPrefix($0.key) || $0.key.hasPrefix(key)) }?.prefix
        }
    }

    /// Every isolation finding of one environment; each rule keeps its own.
    static func findings(_ d: Deployment) -> [Diagnostic] {
        guard !d.environment.isProduction, d.environment.isDeployable,
              let production = d.platform.environments.first(where: \.isProduction) else { return [] }
        let use = ProductionUse(Deployment(platform: d.platform, environment: production))
        let env = d.environment
        let topicHint = "give \(env.name.value) a topic of its own: declare it under `topics:` and add `substitutes: [{ topic: …, by: … }]` to \(env.file); or waive \(RuleID.isolationTopic) with a reason"
        let nameHint = "name it by reference (`{ table: … }`, `{ queue: … }`) so that \(env.name.value) gets its own, and give \(env.file) a naming prefix of its own; or waive with a reason"
        var out: [Diagnostic] = []

        /// One use of a reference or literal by `owner` at `location`; `verb` says how it is used.
        func check(_ value: Function.Value, _ verb: String, via: String = "", owner: ResourceID, location: SourceLocation) {
            var identities: [(kind: ResourceKind, identity: String)] = []
            switch value {
            case .setting: return
            case .literal(let l): identities = [(.table, l.value), (.queue, l.value), (.topic, l.value)]
            case .reference(let r):
                let r = d.effective(r)
                switch r.kind {
                case .topic: identities = d.arns(for: r).map { (.topic, $0) }
                case .table: identities = d.table(r.name.value).map { [(.table, d.tableName($0))] } ?? []
                case .queue: identities = d.queue(r.name.value).map { [(.queue, d.queueURL($0))] } ?? []
                case .prefix:
                    guard let x = d.prefix(named: r.name.value) else { return }
                    let bucket = d.bucket(of: x)?.name.value ?? x.bucket
                    let key = d.keyPrefix(x)
                    if let theirs = use.overlap(bucket: bucket, key: key) {
                        out.append(Diagnostic(RuleID.isolationPrefix, location,
                                              "\(owner) \(verb) s3://\(bucket)/\(key)\(via), which overlaps production's prefix '\(theirs)'",
                                              hint: "give \(env.name.value) an object prefix of its own in \(env.file), e.g. `objectPrefix: \(env.name.value)/`, or a bucket of its own; or waive \(RuleID.isolationPrefix) with a reason",
                                              resource: owner))
                    }
                    return
                default: return
                }
            }
            for (kind, identity) in identities {
                switch kind {
                case .topic:
                    guard let theirs = use.topics[identity] else { continue }
                    out.append(Diagnostic(RuleID.isolationTopic, location, "\(owner) \(verb) production's topic '\(theirs)' (\(identity))\(via)",
                                          hint: topicHint, resource: owner))
                case .table:
                    guard let theirs = use.tables[identity] else { continue }
                    out.append(Diagnostic(RuleID.isolationTable, location, "\(owner) \(verb) production's table '\(theirs)' (\(identity))\(via)",
                                          hint: nameHint, resource: owner))
                case .queue:
                    guard let theirs = use.queues[identity] else { continue }
                    out.append(Diagnostic(RuleID.isolationQueue, location, "\(owner) \(verb) production's queue '\(theirs)' (\(identity))\(via)",
                                          hint: nameHint, resource: owner))
                default: continue
                }
            }
        }

        for f in d.platform.functions {
            let owner = ResourceID(.function, f.id.value)
            switch f.trigger {
            case .topic(let t): check(.reference(t), "is subscribed to", owner: owner, location: t.name.location)
            case .queue(let q, _): check(.reference(q), "takes messages from", owner: owner, location: q.name.location)
            case .routes, .invokedBy, .schedule: break
            }
            if let dlq = f.deadLetterQueue { check(.reference(dlq), "dead-letters into", owner: owner, location: dlq.name.location) }
            for v in f.environment { check(v.value, "names", via: " in \(v.name.value)", owner: owner, location: v.value.location) }
            for a in f.access { check(.reference(a.target), "may use", owner: owner, location: a.target.name.location) }
        }
        for a in d.platform.alarms {
            guard let n = a.notify else { continue }
            check(.reference(n), "notifies", owner: ResourceID(.alarm, a.id.value), location: n.name.location)
        }
        return out
    }
}
