import Foundation

/// Waits until a send may go, per channel and sending number; nothing is dropped (Req 13.5).
public protocol RateLimiter: Sendable {
    func acquire(channel: Channel, phoneNumberId: String?) async throws
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
    func windows(channel: Channel, phoneNumberId: String?) -> [(key: String, limit: Int)] {
        switch channel {
        case .whatsapp:
            let number = phoneNumberId ?? ""
            return [("whatsapp:" + number, perWhatsAppNumber[number] ?? defaultPerWhatsAppNumber), ("whatsapp", whatsAppAccount)]
        case .sms: return [("sms", sms)]
        case .email: return [("email", email)]
        }
    }
}

/// A sliding-window limiter shared by every worker of the process: a send may go when fewer than
/// `limit` sends of the same window were granted in the last second (plus a small margin for
/// scheduling jitter). Unlike a token bucket refilled at the rate, no one-second window can ever hold
/// more than the limit, and a burst up to the limit still goes at once. Sends that must wait are given
/// the next free slot in order, so nothing is dropped and nobody starves.
public actor SlidingWindowLimiter: RateLimiter {
    /// The last `limit` grants of one window, oldest first, as a ring.
    struct Window {
        var times: [Double]
        var head = 0
        var latest = -Double.infinity

        init(limit: Int) { times = []; times.reserveCapacity(limit) }

        func earliest(limit: Int, span: Double) -> Double {
            let afterOldest = times.count < limit ? -Double.infinity : times[head] + span
            return max(afterOldest, latest)
        }

        mutating func grant(_ t: Double, limit: Int) {
            if times.count < limit { times.append(t) } else {
                times[head] = t
                head = (head + 1) % limit
            }
            latest = t
        }
    }

    let limits: RateLimits
    let span: Double
    let now: @Sendable () -> Double
    let sleepUntil: @Sendable (Double) async throws -> Void
    var windows: [String: Window] = [:]

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

    /// The earliest time every window allows, granted in all of them at once.
    func reserve(_ keys: [(key: String, limit: Int)]) -> Double {
        var slot = now()
        for (key, limit) in keys {
            slot = max(slot, windows[key, default: Window(limit: limit)].earliest(limit: limit, span: span))
        }
        for (key, limit) in keys { windows[key, default: Window(limit: limit)].grant(slot, limit: limit) }
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
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
