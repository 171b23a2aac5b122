import Foundation
import SpecModel

/// `wecare drift --watch`: compares again every interval and reports each change once: a drift when it appears,
/// and again when it goes away (a part that cannot be compared likewise). Nothing is repeated while it stays.
public struct DriftWatch: Sendable {
    public struct Event: Sendable, Equatable {
        public enum Kind: String, Sendable {
            /// A finding that was not there in the previous round.
            case appeared = "drift"
            /// A finding of the previous round that is gone.
            case resolved
            /// Nothing found (the first round, or once the last finding went away).
            case inSync = "in-sync"
        }

        public var time: Date
        public var environment: String
        public var kind: Kind
        public var finding: DriftFinding?

        public init(time: Date, environment: String, kind: Kind, finding: DriftFinding?) {
            self.time = time
            self.environment = environment
            self.kind = kind
            self.finding = finding
        }
    }

    public let environment: String
    public let interval: Duration
    /// One comparison; a thrown error is itself a finding (reported once, resolved when a round succeeds).
    public let inspect: @Sendable () async throws -> DriftReport
    public let emit: @Sendable (Event) -> Void
    public let alerts: (any DriftAlerts)?
    /// Where a failed publish is told; the watch goes on.
    public let warn: @Sendable (String) -> Void
    public let now: @Sendable () -> Date
    public let pause: @Sendable (Duration) async throws -> Void

    public init(environment: String, interval: Duration, inspect: @escaping @Sendable () async throws -> DriftReport,
                emit: @escaping @Sendable (Event) -> Void, alerts: (any DriftAlerts)? = nil, warn: @escaping @Sendable (String) -> Void = { _ in },
                now: @escaping @Sendable () -> Date = Date.init, pause: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }) {
        self.environment = environment
        self.interval = interval
        self.inspect = inspect
        self.emit = emit
        self.alerts = alerts
        self.warn = warn
        self.now = now
        self.pause = pause
    }

    /// Runs until the task is cancelled (or the process interrupted), or for `rounds` rounds when given.
    public func run(rounds: Int? = nil) async throws {
        var previous: Set<DriftFinding>? = nil
        var round = 0
        while rounds.map({ round < $0 }) ?? true {
            if round > 0 { try await pause(interval) }
            try Task.checkCancellation()
            round += 1
            let current = await findings()
            let events = changes(from: previous, to: current)
            previous = current
            for e in events { emit(e) }
            if let alerts, events.contains(where: { $0.kind != .inSync }) {
                let (subject, message) = Self.alert(events, environment: environment)
                do { try await alerts.publish(subject: subject, message: message) } catch { warn("publishing the drift alert failed: \(error)") }
            }
        }
    }

    func findings() async -> Set<DriftFinding> {
        do {
            return Set(try await inspect().findings)
        } catch {
            return [DriftFinding(part: .resources, key: "error|\(error)", text: "cannot compare: \(error)", isDrift: false)]
        }
    }

    /// The events between two rounds, resolved before appeared, each in reading order; `in-sync` when nothing is left.
    func changes(from previous: Set<DriftFinding>?, to current: Set<DriftFinding>) -> [Event] {
        let time = now()
        let before = previous ?? []
        var events = before.subtracting(current).sorted().map { Event(time: time, environment: environment, kind: .resolved, finding: $0) }
        events += current.subtracting(before).sorted().map { Event(time: time, environment: environment, kind: .appeared, finding: $0) }
        if current.isEmpty, previous == nil || !before.isEmpty { events.append(Event(time: time, environment: environment, kind: .inSync, finding: nil)) }
        return events
    }

    static func alert(_ events: [Event], environment: String) -> (subject: String, message: String) {
        let appeared = events.filter { $0.kind == .appeared }.count, resolved = events.filter { $0.kind == .resolved }.count
        let subject = appeared == 0 && resolved == 0 ? "wecare drift: \(environment) in sync"
            : "wecare drift: \(environment): \(appeared) new, \(resolved) resolved"
        return (subject, events.map(line).joined(separator: "\n") + "\n")
    }

    /// `2026-11-22T10:00:00Z preview drift: resource TableContacts [AWS::DynamoDB::Table] /BillingMode: …`
    public static func line(_ e: Event) -> String {
        "\(timestamp(e.time)) \(e.environment) \(label(e))" + (e.finding.map { ": \($0.text)" } ?? "")
    }

    /// `drift`, `resolved`, `in-sync`; a part that cannot be compared appears as a `warning`, not as drift.
    static func label(_ e: Event) -> String {
        e.kind == .appeared && e.finding?.isDrift == false ? "warning" : e.kind.rawValue
    }

    /// One JSON object per line (JSON Lines), version 1: `{"environment","event","finding":{"drift","key","part","text"}|null,"time","version"}`,
    /// `event` one of `drift`, `warning`, `resolved`, `in-sync`.
    public static func json(_ e: Event) -> String {
        let finding: JSONValue = e.finding.map { f in
            .object(["part": .string(f.part.rawValue), "key": .string(f.key), "text": .string(f.text), "drift": .bool(f.isDrift)])
        } ?? .null
        return JSONText.compact(.object(["version": .int(1), "time": .string(timestamp(e.time)), "environment": .string(e.environment),
                                         "event": .string(label(e)), "finding": finding]))
    }

    public static func timestamp(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }
}
