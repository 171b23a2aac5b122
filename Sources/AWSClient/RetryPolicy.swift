import Foundation

/// Exponential backoff with full jitter for throttling, 5xx and transport failures.
///
/// Retry `n` (0-based) waits `random() * min(maxDelay, baseDelay * 2^n)`.
/// `sleep` and `random` are injected so tests can run instantly and exactly.
public struct RetryPolicy: Sendable {
    public var maxRetries: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// Returns a value in `0..<1`.
    public var random: @Sendable () -> Double
    public var sleep: @Sendable (Duration) async throws -> Void

    public init(
        maxRetries: Int = 3,
        baseDelay: Duration = .milliseconds(100),
        maxDelay: Duration = .seconds(20),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.maxRetries = maxRetries
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.random = random
        self.sleep = sleep
    }

    /// Three retries with real sleeps and system randomness.
    public static let standard = RetryPolicy()
    /// Never retries.
    public static let none = RetryPolicy(maxRetries: 0)

    /// The wait before retry number `retry` (0 for the first retry).
    public func delay(beforeRetry retry: Int) -> Duration {
        let ceiling = min(Self.seconds(maxDelay), Self.seconds(baseDelay) * pow(2, Double(retry)))
        return .seconds(random() * ceiling)
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
