import Foundation

/// Waits until a send may go, per channel and sending number; nothing is dropped (Req 13.5).
public protocol RateLimiter: Sendable {
    func acquire(channel: Channel, phoneNumberId: String?) async throws
    /// Takes a slot only if one comes within `seconds` from now, waiting for it; false (nothing taken)
    /// otherwise. A worker with a deadline asks this before it claims a recipient.
    func acquire(channel: Channel, phoneNumberId: String?, within seconds: TimeInterval) async throws -> Bool
}

extension RateLimiter {
    public func acquire(channel: Channel, phoneNumberId: String?, within seconds: TimeInterval) async throws -> Bool {
        guard seconds >= 0 else { return false }
        try await acquire(channel: channel, phoneNumberId: phoneNumberId)
        return true
    }
}

public struct NoRateLimit: RateLimiter {
    public init() {}
    public func acquire(channel: Channel, phoneNumberId: String?) async throws {}
}

/// Sends per second the providers allow (Req 13, from the generated config).
public struct RateLimits: Sendable, Equatable {
    /// Per WhatsApp phone-number id; numbers not listed get `defaultPerWhatsAppNumber`.
    public var perWhatsAppNumber: [String: Int]
    public var defaultPerWhatsAppNumber: Int
    public var whatsAppAccount: Int
    public var sms: Int
    public var email: Int

    public init(perWhatsAppNumber: [String: Int] = [:], defaultPerWhatsAppNumber: Int = 80, whatsAppAccount: Int = 1000, sms: Int = 5, email: Int = 10) {
        self.perWhatsAppNumber = perWhatsAppNumber
        self.defaultPerWhatsAppNumber = defaultPerWhatsAppNumber
        self.whatsAppAccount = whatsAppAccount
        self.sms = sms
        self.email = email
    }

    /// The windows one send counts against: a WhatsApp send against its number and the account.
    public func windows(channel: Channel, phoneNumberId: String?) -> [(key: String, limit: Int)] {
        switch channel {
        case .whatsapp:
            let number = phoneNumberId ?? ""
            return [("whatsapp:" + number, perWhatsAppNumber[number] ?? defaultPerWhatsAppNumber), ("whatsapp", whatsAppAccount)]
        case .sms: return [("sms", sms)]
        case .email: return [("email", email)]
        }
    }
}

/// A sliding-window limiter shared by every worker of the process: a send may go at a time `t` only
/// if no one-second window around `t` (plus a small margin for scheduling jitter) would then hold more
/// than `limit` sends of the same key. Unlike a token bucket refilled at the rate, no one-second window
/// can ever exceed the limit, and a burst up to the limit still goes at once. Each caller is given the
/// earliest slot every key it counts against allows, so nothing is dropped, and a number waiting on its
/// own limit never holds back another number that shares only the account limit with it.
public actor SlidingWindowLimiter: RateLimiter {
    let limits: RateLimits
    let span: Double
    let now: @Sendable () -> Double
    let sleepUntil: @Sendable (Double) async throws -> Void
    var windows: [String: SlidingWindow] = [:]

    /// `now` and `sleepUntil` are seconds on one monotonic scale; injected so tests run on virtual time.
    public init(_ limits: RateLimits, margin: Double = 0.01, now: (@Sendable () -> Double)? = nil,
                sleepUntil: (@Sendable (Double) async throws -> Void)? = nil) {
        self.limits = limits
        self.span = 1 + margin
        let start = ContinuousClock.now
        self.now = now ?? { (ContinuousClock.now - start).seconds }
        self.sleepUntil = sleepUntil ?? { t in try await Task.sleep(until: start + .nanoseconds(Int64(t * 1e9)), clock: .continuous) }
    }

    public func acquire(channel: Channel, phoneNumberId: String?) async throws {
        let slot = reserve(limits.windows(channel: channel, phoneNumberId: phoneNumberId))
        if slot > now() { try await sleepUntil(slot) }
    }

    public func acquire(channel: Channel, phoneNumberId: String?, within seconds: TimeInterval) async throws -> Bool {
        guard let slot = reserve(limits.windows(channel: channel, phoneNumberId: phoneNumberId), notAfter: now() + seconds) else { return false }
        if slot > now() { try await sleepUntil(slot) }
        return true
    }

    /// The earliest time every window allows, granted in all of them at once.
    func reserve(_ keys: [(key: String, limit: Int)]) -> Double {
        reserve(keys, notAfter: .infinity)!
    }

    /// The same, but nil (nothing granted) when that time is later than `notAfter`.
    func reserve(_ keys: [(key: String, limit: Int)], notAfter: Double) -> Double? {
        let current = now()
        let slot = SlidingWindow.earliest(from: current, in: keys.map { (windows[$0.key, default: SlidingWindow()], $0.limit) }, span: span)
        guard slot <= notAfter else { return nil }
        for (key, _) in keys { windows[key, default: SlidingWindow()].grant(slot, prune: current - span) }
        return slot
    }
}

/// Retries of throttled and 5xx provider calls (Req 13.8): exponential backoff with full jitter, at most 3.
public struct SendRetry: Sendable {
    public var maxRetries: Int
    public var baseDelay: Double
    public var maxDelay: Double
    /// Returns a value in 0..<1.
    public var random: @Sendable () -> Double
    public var sleep: @Sendable (Double) async throws -> Void

    public init(maxRetries: Int = 3, baseDelay: Double = 0.2, maxDelay: Double = 5, random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
                sleep: @escaping @Sendable (Double) async throws -> Void = { try await Task.sleep(for: .nanoseconds(Int64($0 * 1e9))) }) {
        self.maxRetries = maxRetries
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.random = random
        self.sleep = sleep
    }

    public static let standard = SendRetry()

    /// The wait before retry `n` (0 for the first).
    public func delay(beforeRetry n: Int) -> Double { random() * min(maxDelay, baseDelay * pow(2, Double(n))) }
}

extension Duration {
    /// The duration in seconds, fractions included.
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
