import SpecModel

enum SQSRules {
    static let all: [Rule] = [dlqRetention, maxReceiveCount, visibilityTimeout, retentionRange, fifoMismatch]

    static let baseQueues = ExampleBase.files["specs/queues.yaml"]!

    static func queues(work: String, dlq: String = "  work-dlq:\n    name: work-dlq\n    visibilityTimeout: 180s\n    retention: 7d\n") -> String {
        "queues:\n" + work + dlq
    }

    static let dlqRetention = Rule(
        id: RuleID.dlqRetention, family: "SQS", summary: "A DLQ keeps messages longer than its source queue",
        documentation: "SQS keeps a message's original enqueue time when it moves to the DLQ, so a DLQ with a retention no longer than its source can delete a message the moment it arrives.",
        failing: [RuleExample("specs/queues.yaml", queues(work: "  work:\n    name: work\n    visibilityTimeout: 720s\n    retention: 4d\n    deadLetter: { queue: work-dlq, maxReceiveCount: 3 }\n",
                                                        dlq: "  work-dlq:\n    name: work-dlq\n    visibilityTimeout: 180s\n    retention: ↓4d\n"))],
        passing: [RuleExample("specs/queues.yaml", baseQueues)],
        check: .platform { p in
            p.queues.compactMap { q in
                guard let dl = q.deadLetter, let dlq = p.queue(dl.queue.name.value), dlq.retention.value <= q.retention.value else { return nil }
                return Diagnostic(RuleID.dlqRetention, dlq.retention.location,
                                  "dead-letter queue '\(dlq.id.value)' keeps messages \(dlq.retention.value), not longer than its source '\(q.id.value)' (\(q.retention.value))",
                                  hint: "give the DLQ a longer retention, e.g. 14d", resource: ResourceID(.queue, dlq.id.value))
            }
        })

    static let maxReceiveCount = Rule(
        id: RuleID.maxReceiveCount, family: "SQS", summary: "maxReceiveCount between 1 and 1,000",
        documentation: "SQS accepts a redrive maxReceiveCount from 1 to 1,000.",
        failing: [RuleExample("specs/queues.yaml", queues(work: "  work:\n    name: work\n    visibilityTimeout: 720s\n    retention: 1d\n    deadLetter: { queue: work-dlq, maxReceiveCount: ↓0 }\n"))],
        passing: [RuleExample("specs/queues.yaml", baseQueues)],
        check: .platform { p in
            p.queues.compactMap { q in
                guard let dl = q.deadLetter, !(1...1000).contains(dl.maxReceiveCount.value) else { return nil }
                return Diagnostic(RuleID.maxReceiveCount, dl.maxReceiveCount.location, "queue '\(q.id.value)' has maxReceiveCount \(dl.maxReceiveCount.value); SQS allows 1–1000",
                                  hint: "3 to 5 is usual", resource: ResourceID(.queue, q.id.value))
            }
        })

    static let visibilityTimeout = Rule(
        id: RuleID.visibilityTimeout, family: "SQS", summary: "A queue that triggers a function hides messages for ≥ 6 × its timeout",
        documentation: "AWS advises a visibility timeout of at least six times the function's timeout for an SQS trigger; shorter, a message still being processed becomes visible again and is processed twice.",
        failing: [RuleExample("specs/queues.yaml", queues(work: "  work:\n    name: work\n    visibilityTimeout: ↓60s\n    retention: 1d\n    deadLetter: { queue: work-dlq, maxReceiveCount: 3 }\n"))],
        passing: [RuleExample("specs/queues.yaml", baseQueues)],
        check: .platform { p in
            p.functions.compactMap { f in
                guard case .queue(let ref, _) = f.trigger, let q = p.queue(ref.name.value),
                      q.visibilityTimeout.value.seconds < 6 * f.timeout.value else { return nil }
                return Diagnostic(RuleID.visibilityTimeout, q.visibilityTimeout.location,
                                  "queue '\(q.id.value)' hides messages \(q.visibilityTimeout.value), less than 6 × the \(f.timeout.value) s timeout of '\(f.id.value)'",
                                  hint: "set `visibilityTimeout: \(6 * f.timeout.value)s` or more", resource: ResourceID(.queue, q.id.value))
            }
        })

    static let retentionRange = Rule(
        id: RuleID.retentionRange, family: "SQS", summary: "Retention between 60 s and 14 days; visibility at most 12 h",
        documentation: "SQS keeps messages from 60 seconds to 14 days and hides them for at most 12 hours.",
        failing: [RuleExample("specs/queues.yaml", queues(work: "  work:\n    name: work\n    visibilityTimeout: 720s\n    retention: 1d\n    deadLetter: { queue: work-dlq, maxReceiveCount: 3 }\n",
                                                        dlq: "  work-dlq:\n    name: work-dlq\n    visibilityTimeout: 180s\n    retention: ↓30d\n"))],
        passing: [RuleExample("specs/queues.yaml", baseQueues)],
        check: .platform { p in
            p.queues.flatMap { q -> [Diagnostic] in
                var out: [Diagnostic] = []
                if !(60...1_209_600).contains(q.retention.value.seconds) {
                    out.append(Diagnostic(RuleID.retentionRange, q.retention.location, "queue '\(q.id.value)' keeps messages \(q.retention.value); SQS allows 60s–14d",
                                          hint: "set `retention:` between 60s and 14d", resource: ResourceID(.queue, q.id.value)))
                }
                if q.visibilityTimeout.value.seconds > 43_200 {
                    out.append(Diagnostic(RuleID.retentionRange, q.visibilityTimeout.location, "queue '\(q.id.value)' hides messages \(q.visibilityTimeout.value); SQS allows at most 12h",
                                          hint: "set `visibilityTimeout:` to 12h or less", resource: ResourceID(.queue, q.id.value)))
                }
                return out
            }
        })

    static let fifoMismatch = Rule(
        id: RuleID.fifoMismatch, family: "SQS", summary: "A FIFO queue's DLQ is FIFO, a standard queue's is standard",
        documentation: "SQS requires the dead-letter queue of a FIFO queue to be FIFO, and of a standard queue to be standard.",
        failing: [RuleExample("specs/queues.yaml", queues(work: "  work:\n    name: work\n    fifo: true\n    visibilityTimeout: 180s\n    retention: 1d\n    deadLetter: { queue: ↓work-dlq, maxReceiveCount: 3 }\n"))],
        passing: [RuleExample("specs/queues.yaml", baseQueues)],
        check: .platform { p in
            p.queues.compactMap { q in
                guard let dl = q.deadLetter, let dlq = p.queue(dl.queue.name.value), dlq.fifo.value != q.fifo.value else { return nil }
                return Diagnostic(RuleID.fifoMismatch, dl.queue.name.location,
                                  "queue '\(q.id.value)' is \(q.fifo.value ? "FIFO" : "standard") but its DLQ '\(dlq.id.value)' is \(dlq.fifo.value ? "FIFO" : "standard")",
                                  hint: "give both the same `fifo:` setting", resource: ResourceID(.queue, q.id.value))
            }
        })
}
