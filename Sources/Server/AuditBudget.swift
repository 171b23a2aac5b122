import Foundation

/// How many audit rows callers without a valid token may cause: anyone can send a request, and each 401
/// would otherwise add a row kept for months. A token bucket per process (`burst` rows, refilled at
/// `perSecond`) on the core's clock; requests over it are counted, not dropped from the record: the next
/// row written says how many were folded into it.
public final class AuditBudget: @unchecked Sendable {
    public let perSecond: Double
    public let burst: Double
    private let lock = NSLock()
    private var tokens: Double
    private var last: Date?
    private var folded = 0

    public init(perSecond: Double = 5, burst: Double = 50) {
        self.perSecond = perSecond
        self.burst = burst
        tokens = burst
    }

    /// Whether a row may be written at `now`, and how many requests since the last row were not written.
    func take(at now: Date) -> (write: Bool, folded: Int) {
        lock.withLock {
            if let last { tokens = min(burst, tokens + max(0, now.timeIntervalSince(last)) * perSecond) }
            last = now
            guard tokens >= 1 else {
                folded += 1
                return (false, 0)
            }
            tokens -= 1
            defer { folded = 0 }
            return (true, folded)
        }
    }
}
