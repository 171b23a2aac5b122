import Foundation

/// Job reports in the format of seed 000, stored as `{reports prefix}{jobId}-complete.json` or
/// `-partial.json` (cancelled). Recipients are streamed a page at a time, so a report of 100,000
/// recipients never holds them all as values.
struct BulkReports: Sendable {
    let deps: CoreDependencies
    let settings: CoreSettings
    let bulk: BulkDependencies

    init(_ deps: CoreDependencies, settings: CoreSettings, bulk: BulkDependencies) {
        self.deps = deps
        self.settings = settings
        self.bulk = bulk
    }

    /// After a chunk: marks the job completed once no recipient is pending or sending and writes its
    /// report; rewrites a cancelled job's partial report (the recipient in flight at the cancel has
    /// ended); writes a completed job's report that a failed write left missing.
    func completeIfDone(_ jobId: String) async throws(CoreError) {
        guard let job = try await call({ try await bulk.store.job(id: jobId) }) else { return }
        switch job.status {
        case .cancelled:
            try await write(jobId)
        case .completed:
            if job.reportKey == nil { try await write(jobId) }
        case .inProgress:
            // Runs after every chunk: an indexed existence check, not a count over every recipient of the job.
            guard try await call({ try await bulk.store.isSettled(jobId: jobId) }) else { return }
            let (changed, _) = try await call { try await bulk.store.transitionJob(id: jobId, from: [.inProgress], to: .completed, at: deps.clock.now()) }
            guard changed else { return }
            let progress = try await call { try await bulk.store.progress(jobId: jobId) }
            deps.events.record(.info, "bulk_completed", ["jobId": jobId, "sent": String(progress.sent), "failed": String(progress.failed)])
            try await write(jobId)
        case .pending, .paused:
            return
        }
    }

    /// Writes (or rewrites) the report and records its key on the job.
    func write(_ jobId: String) async throws(CoreError) {
        guard var job = try await call({ try await bulk.store.job(id: jobId) }) else { return }
        let key = settings.reportsPrefix + jobId + (job.status == .completed ? "-complete.json" : "-partial.json")
        let data = try await render(jobId)
        try await call { try await bulk.objects.put(bucket: settings.mediaBucket, key: key, data: data, contentType: "application/json") }
        if job.reportKey != key {
            job.reportKey = key
            job.updatedAt = deps.clock.now()
            let updated = job
            try await call { try await bulk.store.updateJob(updated) }
        }
        deps.events.record(.info, "bulk_report", ["jobId": jobId, "key": key])
    }

    /// The report as JSON: seed 000's fields in its order; a recipient not sent or failed (interrupted counts as failed) is `pending`.
    func render(_ jobId: String) async throws(CoreError) -> Data {
        guard let job = try await call({ try await bulk.store.job(id: jobId) }) else { throw .notFound("no bulk job \(jobId)") }
        let p = try await call { try await bulk.store.progress(jobId: jobId) }
        var out = Data()
        // About 75 bytes a recipient: one allocation instead of doubling through a 100,000-line report.
        out.reserveCapacity(400 + 75 * job.totalRecipients)
        func add(_ s: String) { out.append(contentsOf: s.utf8) }
        add("{\n  \"jobId\": \(jsonQuote(job.id)),\n  \"channel\": \"\(job.channel.rawValue.uppercased())\",\n")
        add("  \"totalRecipients\": \(job.totalRecipients),\n  \"sentCount\": \(p.sent),\n  \"failedCount\": \(p.failed),\n")
        add("  \"cancelledCount\": \(p.cancelled),\n  \"status\": \"\(job.status.rawValue)\",\n")
        add("  \"createdAt\": \"\(Self.timestamp(job.createdAt))\",\n")
        let ended = job.completedAt ?? job.cancelledAt
        add("  \"completedAt\": \(ended.map { "\"\(Self.timestamp($0))\"" } ?? "null"),\n")
        add("  \"createdBy\": \(jsonQuote(job.createdBy)),\n  \"recipients\": [")
        var next = 0, first = true
        while true {
            let page = try await call { try await bulk.store.recipients(jobId: jobId, fromSeq: next, limit: 1000) }
            for r in page {
                // Seed 000's three states: an interrupted recipient is failed there, its error saying why.
                let failed = r.status == .failed || r.status == .interrupted
                let status = r.status == .sent ? "sent" : failed ? "failed" : "pending"
                let error = failed ? ", \"error\": \(jsonQuote(r.error ?? "unknown"))" : ""
                add((first ? "\n" : ",\n") + "    {\"contactId\": \(jsonQuote(r.contactId)), \"status\": \"\(status)\"\(error)}")
                first = false
            }
            guard page.count == 1000, let last = page.last else { break }
            next = last.seq + 1
        }
        add(first ? "]\n}\n" : "\n  ]\n}\n")
        return out
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
    }
}
