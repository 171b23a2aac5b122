import Foundation

/// Where bulk jobs and their recipients live (the BulkJobs and BulkRecipients tables).
/// Each method is one atomic step of the exactly-once protocol; none may be split by a crash.
public protocol BulkStore: Sendable {
    /// Stores the job and its recipients (seq 0, 1, … in the given order, all pending) in one transaction;
    /// false (nothing changed) when a job with that id exists or is being created.
    @discardableResult
    func insertJob(_ job: BulkJob, contactIds: [String]) async throws -> Bool
    func job(id: String) async throws -> BulkJob?
    func updateJob(_ job: BulkJob) async throws
    /// Moves the job to `status` only when it is in one of `from`, stamping the matching time (confirmedAt
    /// when a pending job starts); returns the job as stored after the call.
    func transitionJob(id: String, from: Set<BulkJobStatus>, to status: BulkJobStatus, at: Date) async throws -> (changed: Bool, job: BulkJob?)
    /// Deletes the job, its recipients and its queued chunks.
    func deleteJob(id: String) async throws
    func jobs(status: BulkJobStatus) async throws -> [BulkJob]
    /// Every job, newest first (by `createdAt`, then id), only those after `cursor` in that order when given:
    /// the pages of `GET /api/bulk/jobs`.
    func listJobs(after cursor: BulkJobCursor?, limit: Int) async throws -> [BulkJob]

    func progress(jobId: String) async throws -> BulkProgress
    /// True when no recipient of the job is pending or sending (cheaper than counting them all).
    func isSettled(jobId: String) async throws -> Bool
    func recipients(jobId: String, fromSeq: Int, limit: Int) async throws -> [BulkRecipient]
    /// pending → sending under `lease`; true as well when the recipient is already `sending` under a lease of
    /// the same owner (the retry of a claim whose answer was lost), which is then extended. False when it is
    /// not pending (claimed by another, finished or cancelled): an expired lease is never taken over here.
    func claimRecipient(jobId: String, seq: Int, lease: Lease, at: Date) async throws -> Bool
    /// sending → sent | failed | interrupted, storing the message (keyed by the recipient's idempotency key) in
    /// the same transaction. With `owner`, only while that owner still holds the claim. A message (the
    /// provider's answer) also settles an `interrupted` recipient: the outcome recovery could not know.
    /// Changes nothing when the recipient is in neither state (the first outcome stands).
    func finishRecipient(jobId: String, seq: Int, owner: String?, status: RecipientStatus, message: Message?, error: String?, at: Date) async throws
    /// sending → pending, only while `owner` (any, when nil) holds it: for a recipient whose send is known
    /// not to have happened.
    func releaseRecipient(jobId: String, seq: Int, owner: String?, at: Date) async throws
    /// Every recipient still pending becomes cancelled; returns how many.
    func cancelPending(jobId: String, at: Date) async throws -> Int
    /// Recipients in `sending` whose lease ended before `expiredBy` (every one when nil: at start-up a single
    /// process knows that every claim was its own).
    func sendingRecipients(leaseExpiredBy: Date?) async throws -> [BulkRecipient]
    /// Recipients not sent yet (pending or sending) of WhatsApp template jobs that are running or paused.
    func unsentTemplateRecipients() async throws -> Int
    /// Chunks (by index) of the job that still have pending recipients.
    func pendingChunks(jobId: String, size: Int) async throws -> [BulkChunk]
}

/// A message taken off the bulk queue, invisible to other workers until deleted or released.
public struct QueuedChunk: Sendable, Equatable {
    public var receipt: String
    public var chunk: BulkChunk
    /// How many times it has been received, this time included.
    public var receiveCount: Int

    public init(receipt: String, chunk: BulkChunk, receiveCount: Int) {
        self.receipt = receipt
        self.chunk = chunk
        self.receiveCount = receiveCount
    }
}

/// The bulk queue (Req 8.3): a durable table in SQLite locally, SQS in AWS.
public protocol BulkQueue: Sendable {
    /// Queues chunks. A queue that can (SQLite) drops a chunk already queued under the same key; one that
    /// cannot (SQS) may hold it twice, which the recipients' claim makes harmless.
    func enqueue(_ chunks: [BulkChunk]) async throws
    /// Takes the next visible chunk and hides it for `visibility` seconds.
    func receive(visibility: TimeInterval, now: Date) async throws -> QueuedChunk?
    func delete(_ chunk: QueuedChunk) async throws
    /// Makes the chunk visible again at `at`.
    func retry(_ chunk: QueuedChunk, at: Date) async throws
    /// Sets the chunk aside while its job is paused; false when the job is no longer paused (keep going).
    func park(_ chunk: QueuedChunk) async throws -> Bool
    /// Brings back every chunk of the job that was set aside.
    func unpark(jobId: String) async throws
    /// Drops every queued chunk of the job.
    func deleteAll(jobId: String) async throws
    /// On start-up: chunks a dead process had taken become visible again.
    func releaseInFlight() async throws
}

/// Where reports go (Req 8.8): S3 in AWS, a directory that mirrors bucket/prefix locally.
public protocol ObjectStore: Sendable {
    func put(bucket: String, key: String, data: Data, contentType: String) async throws
}

/// Where a page of jobs ended, newest first: the last job's creation time and id (two jobs may share a time).
/// Written `<seconds since 1970>_<id>` in the API's `next` and `cursor`.
public struct BulkJobCursor: Sendable, Equatable, CustomStringConvertible {
    public var createdAt: Date
    public var id: String

    public init(createdAt: Date, id: String) {
        self.createdAt = createdAt
        self.id = id
    }

    public init?(_ text: String) {
        guard let split = text.firstIndex(of: "_"), let seconds = Double(text[..<split]), seconds.isFinite else { return nil }
        self.init(createdAt: Date(timeIntervalSince1970: seconds), id: String(text[text.index(after: split)...]))
    }

    public var description: String { "\(createdAt.timeIntervalSince1970)_\(id)" }

    /// Whether `job` comes after this cursor, newest first.
    public func precedes(_ job: BulkJob) -> Bool { (job.createdAt, job.id) < (createdAt, id) }
}
