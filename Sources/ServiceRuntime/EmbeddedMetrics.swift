import Foundation
import MessagingCore
import WecareConfig

/// Requirement 14's metrics as CloudWatch Embedded Metric Format lines in the function's log (Lambda's
/// log group turns them into metric data; no PutMetricData, no extra permission). Every metric carries
/// the `Environment` dimension the spec's alarms filter on; per-channel counts carry `Channel` too.
/// The metrics come from the core's events, one table below; everything else goes to the log unchanged.
public struct EmbeddedMetrics: EventSink {
    /// The namespace of the platform's own metrics: the one the spec's metric alarms use.
    static let namespace = AlarmMetric.allCases.first?.namespace ?? "WECARE/Messaging"

    let log: JSONLineLog
    let environment: String
    let now: @Sendable () -> Date
    let write: @Sendable (String) -> Void

    public init(log: JSONLineLog, environment: String, now: @escaping @Sendable () -> Date = Date.init,
                write: @escaping @Sendable (String) -> Void = { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) }) {
        self.log = log
        self.environment = environment
        self.now = now
        self.write = write
    }

    /// Events below the log level still count as metrics.
    public func keeps(_ level: EventLevel) -> Bool { level != .debug || log.keeps(level) }

    public func record(_ level: EventLevel, _ event: String, _ fields: [String: String]) {
        log.record(level, event, fields)
        for (name, value, unit, channel) in Self.metrics(event, fields) { write(line(name, value, unit, channel: channel)) }
    }

    /// The metrics an event stands for: (name, value, unit, channel dimension).
    static func metrics(_ event: String, _ fields: [String: String]) -> [(String, Double, String, String?)] {
        func number(_ key: String) -> Double? { fields[key].flatMap(Double.init) }
        switch event {
        case "whatsapp_tier_usage":
            guard let used = number("used"), let tier = number("tier"), tier > 0 else { return [] }
            return [(AlarmMetric.whatsAppTierUsagePercent.rawValue, used / tier * 100, "Percent", nil)]
        case "bulk_completed":
            guard let sent = number("sent"), let failed = number("failed"), sent + failed > 0 else { return [] }
            return [(AlarmMetric.bulkFailureRatePercent.rawValue, failed / (sent + failed) * 100, "Percent", nil)]
        case "message_sent": return [("Sent", 1, "Count", fields["channel"])]
        case "send_failed": return [("Failed", 1, "Count", fields["channel"])]
        case "send_retry": return [("Throttled", 1, "Count", fields["channel"])]
        case "inbound_failed": return [("DeadLettered", 1, "Count", "whatsapp")]
        case "bulk_chunk_dead": return [("DeadLettered", 1, "Count", nil)]
        default: return []
        }
    }

    func line(_ name: String, _ value: Double, _ unit: String, channel: String?) -> String {
        var dimensions = ["Environment"]
        var object: [String: Any] = ["Environment": environment, name: value]
        if let channel {
            dimensions.append("Channel")
            object["Channel"] = channel
        }
        object["_aws"] = ["Timestamp": Int(now().timeIntervalSince1970 * 1000),
                          "CloudWatchMetrics": [["Namespace": Self.namespace, "Dimensions": [dimensions],
                                                 "Metrics": [["Name": name, "Unit": unit]]]]] as [String: Any]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
