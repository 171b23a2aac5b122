import SpecModel

enum MessagingRules {
    static let all: [Rule] = [rateLimit, chunkSize, workerConcurrency, workerTimeout, bulkRedrive, confirmationThreshold, allowlist]

    static let baseMessaging = ExampleBase.files["specs/messaging.yaml"]!

    static func messaging(_ old: String, _ new: String) -> String { baseMessaging.replacingOccurrences(of: old, with: new) }

    /// Provider limits (seeds 000, 001; Req 5.9, 6.5, 7.5, 13.1).
    static let limits = (whatsAppPerNumber: 80, whatsAppAccount: 1000, media: 100, sms: 5, email: 10)

    static let rateLimit = Rule(
        id: RuleID.rateLimit, family: "Messaging", summary: "Configured rates never exceed the provider limits",
        documentation: "WhatsApp allows 80 messages/s per phone number and 1,000 requests/s per account, media 100 requests/s; the SMS pool 5/s; SES 10/s. A configured rate above a limit gets messages throttled and, in bulk, failed.",
        failing: [RuleExample("specs/messaging.yaml", messaging("sms: { pool: sms, ratePerSecond: 5,", "sms: { pool: sms, ratePerSecond: ↓20,"))],
        passing: [RuleExample("specs/messaging.yaml", baseMessaging)],
        check: .platform { p in
            var checks: [(Located<Int>, Int, String)] = []
            if let w = p.whatsapp {
                checks += w.phoneNumbers.map { ($0.ratePerSecond, limits.whatsAppPerNumber, "WhatsApp phone number '\($0.id.value)'") }
                checks += [(w.accountRatePerSecond, limits.whatsAppAccount, "the WhatsApp account"), (w.mediaRatePerSecond, limits.media, "WhatsApp media")]
            }
            if let c = p.channels { checks += [(c.smsRatePerSecond, limits.sms, "SMS"), (c.emailRatePerSecond, limits.email, "email")] }
            return checks.compactMap { value, limit, what in
                if value.value > limit {
                    return Diagnostic(RuleID.rateLimit, value.location, "rate \(value.value)/s for \(what) exceeds the provider limit of \(limit)/s",
                                      hint: "set it to \(limit) or less")
                }
                if value.value < 1 {
                    return Diagnostic(RuleID.rateLimit, value.location, "rate \(value.value)/s for \(what) would never send", hint: "set it between 1 and \(limit)")
                }
                return nil
            }
        })

    static let chunkSize = Rule(
        id: RuleID.chunkSize, family: "Messaging", summary: "Bulk chunks hold exactly 100 recipients",
        documentation: "Req 8.3 and 13.7: bulk jobs are enqueued in chunks of exactly 100 recipients.",
        failing: [RuleExample("specs/messaging.yaml", messaging("chunkSize: 100", "chunkSize: ↓500"))],
        passing: [RuleExample("specs/messaging.yaml", baseMessaging)],
        check: .platform { p in
            guard let b = p.bulk, b.chunkSize.value != 100 else { return [] }
            return [Diagnostic(RuleID.chunkSize, b.chunkSize.location, "bulk chunk size is \(b.chunkSize.value); Req 13.7 asks for exactly 100", hint: "write `chunkSize: 100`")]
        })

    static let workerConcurrency = Rule(
        id: RuleID.workerConcurrency, family: "Messaging", summary: "Bulk worker concurrency between 2 and 5",
        documentation: "Req 8.4 and 13.6: the bulk worker runs with a reserved concurrency from 2 to 5. The function triggered by the bulk queue must reserve the configured concurrency.",
        failing: [RuleExample("specs/messaging.yaml", messaging("workerConcurrency: 5", "workerConcurrency: ↓10"))],
        passing: [RuleExample("specs/messaging.yaml", baseMessaging)],
        check: .platform { p in
            guard let b = p.bulk else { return [] }
            var out: [Diagnostic] = []
            if !(2...5).contains(b.workerConcurrency.value) {
                out.append(Diagnostic(RuleID.workerConcurrency, b.workerConcurrency.location, "bulk worker concurrency is \(b.workerConcurrency.value); Req 13.6 asks for 2–5",
                                      hint: "set `workerConcurrency:` between 2 and 5"))
            }
            for f in p.functions where f.handler.value == "bulk.worker" {
                if let r = f.reservedConcurrency, r.value != b.workerConcurrency.value {
                    out.append(Diagnostic(RuleID.workerConcurrency, r.location, "bulk worker '\(f.id.value)' reserves \(r.value), but bulk.workerConcurrency is \(b.workerConcurrency.value)",
                                          hint: "make them equal", resource: ResourceID(.function, f.id.value)))
                }
            }
            return out
        })

    /// What a worker keeps for the last send of an invocation: the provider call, a retry or two with
    /// backoff, and recording the outcome (the runtime's `sendReserve` is 5 s of it).
    static let workerReserve = 10

    static let workerTimeout = Rule(
        id: RuleID.workerTimeout, family: "Messaging", summary: "A bulk worker's timeout covers one chunk at the slowest channel's rate",
        documentation: "The workers share each channel's rate, so one worker sends a chunk at the slowest channel's rate divided by the worker concurrency: 100 recipients × 5 workers ÷ SMS's 5/s is 100 s. A worker stops claiming when its invocation's time cannot cover the next send and hands the rest of the chunk back, but every hand-back is one more receive of the chunk: with a timeout shorter than a chunk plus 10 s for the last send, chunks need several invocations and reach the bulk DLQ's receive limit sooner. The timeout must be at least chunkSize × concurrency ÷ slowest rate + 10 s (the concurrency is the function's reserved concurrency, else bulk.workerConcurrency).",
        failing: [RuleExample("specs/functions.yaml", LambdaRules.functions(worker: "  worker:\n    handler: bulk.worker\n    timeout: ↓50\n    trigger: { queue: work }\n"))],
        passing: [RuleExample("specs/functions.yaml", LambdaRules.baseFunctions)],
        check: .platform { p in
            guard let b = p.bulk else { return [] }
            guard let (slowest, rate) = slowestRate(p) else { return [] }
            return p.functions.filter { $0.handler.value == "bulk.worker" }.compactMap { f in
                let workers = f.reservedConcurrency?.value ?? b.workerConcurrency.value
                let chunk = (b.chunkSize.value * workers + rate - 1) / rate
                let needed = chunk + workerReserve
                guard f.timeout.value < needed else { return nil }
                return Diagnostic(RuleID.workerTimeout, f.timeout.location,
                                  "bulk worker '\(f.id.value)' has a \(f.timeout.value) s timeout; a chunk of \(b.chunkSize.value) at \(slowest)'s \(rate)/s shared by \(workers) workers takes \(chunk) s, plus \(workerReserve) s for the last send",
                                  hint: "set `timeout: \(needed)` or more (and the queue's visibility timeout to 6 × that), or lower the worker concurrency",
                                  resource: ResourceID(.function, f.id.value))
            }
        })

    /// The slowest channel a bulk job can use, and its rate.
    static func slowestRate(_ p: Platform) -> (String, Int)? {
        var rates: [(String, Int)] = []
        if let c = p.channels { rates += [("SMS", c.smsRatePerSecond.value), ("email", c.emailRatePerSecond.value)] }
        if let w = p.whatsapp { rates += w.phoneNumbers.map { ("WhatsApp number '\($0.id.value)'", $0.ratePerSecond.value) } }
        return rates.filter { $0.1 > 0 }.min { $0.1 < $1.1 }
    }

    static let bulkRedrive = Rule(
        id: RuleID.bulkRedrive, family: "Messaging", summary: "Only failed chunks reach the bulk DLQ; a pause never does",
        documentation: "SQS moves a message to the dead-letter queue when it has been received maxReceiveCount times. A paused job's chunk leaves the bulk queue (resume queues the job's pending recipients again), so a pause of any length counts no receive. What comes back is a chunk handed back at its invocation's deadline, or one that failed. The bulk queue's maxReceiveCount must cover the invocations one chunk needs at the slowest channel's rate (chunkSize × concurrency ÷ slowest rate, over the worker's timeout less 10 s for the last send) plus one retry after a failure; with less, chunks that were only slow are dead-lettered and their recipients wait for a replay.",
        failing: [RuleExample("specs/queues.yaml", SQSRules.queues(work: "  work:\n    name: work\n    visibilityTimeout: 720s\n    retention: 1d\n    deadLetter: { queue: work-dlq, maxReceiveCount: ↓1 }\n"))],
        passing: [RuleExample("specs/queues.yaml", SQSRules.baseQueues)],
        check: .platform { p in
            guard let b = p.bulk, let (slowest, rate) = slowestRate(p) else { return [] }
            return p.functions.filter { $0.handler.value == "bulk.worker" }.compactMap { f -> Diagnostic? in
                guard case .queue(let ref, _) = f.trigger, let q = p.queue(ref.name.value), let dl = q.deadLetter else { return nil }
                let workers = f.reservedConcurrency?.value ?? b.workerConcurrency.value
                let chunk = (b.chunkSize.value * workers + rate - 1) / rate
                let usable = max(f.timeout.value - workerReserve, 1)
                let invocations = (chunk + usable - 1) / usable
                let needed = invocations + 1
                guard dl.maxReceiveCount.value < needed else { return nil }
                return Diagnostic(RuleID.bulkRedrive, dl.maxReceiveCount.location,
                                  "bulk queue '\(q.id.value)' dead-letters a chunk after \(dl.maxReceiveCount.value) receive\(dl.maxReceiveCount.value == 1 ? "" : "s"); a chunk of \(b.chunkSize.value) at \(slowest)'s \(rate)/s shared by \(workers) workers needs \(invocations) invocation\(invocations == 1 ? "" : "s") of '\(f.id.value)', plus one retry",
                                  hint: "set `maxReceiveCount: \(needed)` or more (3 to 5 is usual)", resource: ResourceID(.queue, q.id.value))
            }
        })

    static let confirmationThreshold = Rule(
        id: RuleID.confirmationThreshold, family: "Messaging", summary: "Bulk jobs above 20 recipients need confirmation",
        documentation: "Req 8.1: a bulk job with more than 20 recipients requires an explicit confirmation before anything is queued.",
        failing: [RuleExample("specs/messaging.yaml", messaging("confirmationThreshold: 20", "confirmationThreshold: ↓1000"))],
        passing: [RuleExample("specs/messaging.yaml", baseMessaging)],
        check: .platform { p in
            guard let b = p.bulk, b.confirmationThreshold.value != 20 else { return [] }
            return [Diagnostic(RuleID.confirmationThreshold, b.confirmationThreshold.location, "confirmation threshold is \(b.confirmationThreshold.value); Req 8.1 asks for 20",
                               hint: "write `confirmationThreshold: 20`")]
        })

    static let allowlist = Rule(
        id: RuleID.allowlist, family: "Messaging", summary: "Allowlisted phone-number ids are declared phone numbers",
        documentation: "Req 3.2: only allowlisted phone-number ids send. Each allowlist entry must be the AWS id of a declared phone number, so a typo cannot leave the allowlist pointing at nothing (fail-closed) or at a number nobody declared.",
        failing: [RuleExample("specs/messaging.yaml", messaging("allowlist: [phone-number-id-example]", "allowlist: [↓phone-number-id-exmaple]"))],
        passing: [RuleExample("specs/messaging.yaml", baseMessaging)],
        check: .platform { p in
            guard let w = p.whatsapp else { return [] }
            let declared = w.phoneNumbers.map(\.awsId.value)
            return w.allowlist.filter { !declared.contains($0.value) }.map { entry in
                var hint = "declared phone-number ids: \(declared.joined(separator: ", "))"
                if let g = Spelling.closest(to: entry.value, in: declared) { hint = "did you mean '\(g)'? " + hint }
                return Diagnostic(RuleID.allowlist, entry.location, "allowlisted id '\(entry.value)' is not a declared phone number", hint: hint)
            }
        })
}
