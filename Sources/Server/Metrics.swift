import Foundation

/// Counters, gauges and a latency histogram, rendered in the Prometheus text format for `/metrics`.
/// Every request counts: a counter is keyed by its labels as given and a latency by its bucket's
/// position, and the text is formatted only when `/metrics` is read.
public final class Metrics: @unchecked Sendable {
    private let lock = NSLock()
    private var counters: [String: [[String: String]: Double]] = [:]
    private var gauges: [String: Double] = [:]
    private var latencyBuckets = [Int](repeating: 0, count: buckets.count)
    private var latencySum = 0.0
    private var latencyCount = 0
    static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]
    static let help: [String: String] = [
        "wecare_messages_sent_total": "Outbound messages by channel, status and kind (template or free-form).",
        "wecare_inbound_events_total": "Inbound SNS deliveries by outcome.",
        "wecare_http_requests_total": "HTTP requests by route and status.",
    ]

    public init() {}

    public func increment(_ name: String, _ labels: [String: String], by value: Double = 1) {
        lock.withLock { counters[name, default: [:]][labels, default: 0] += value }
    }

    public func set(_ name: String, _ value: Double) { lock.withLock { gauges[name] = value } }

    public func observeLatency(_ seconds: Double) {
        lock.withLock {
            latencySum += seconds
            latencyCount += 1
            for (i, b) in Self.buckets.enumerated() where seconds <= b { latencyBuckets[i] += 1 }
        }
    }

    public func render() -> String {
        lock.withLock {
            var out = ""
            for name in counters.keys.sorted() {
                if let help = Self.help[name] { out += "# HELP \(name) \(help)\n" }
                out += "# TYPE \(name) counter\n"
                let series = counters[name]!.map { labels, value in
                    (labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ","), value)
                }
                for (labels, value) in series.sorted(by: { $0.0 < $1.0 }) {
                    out += "\(name){\(labels)} \(format(value))\n"
                }
            }
            for name in gauges.keys.sorted() {
                out += "# TYPE \(name) gauge\n\(name) \(format(gauges[name]!))\n"
            }
            out += "# HELP wecare_http_request_duration_seconds HTTP request latency.\n# TYPE wecare_http_request_duration_seconds histogram\n"
            for (b, count) in zip(Self.buckets, latencyBuckets) { out += "wecare_http_request_duration_seconds_bucket{le=\"\(b)\"} \(count)\n" }
            out += "wecare_http_request_duration_seconds_bucket{le=\"+Inf\"} \(latencyCount)\n"
            out += "wecare_http_request_duration_seconds_sum \(latencySum)\nwecare_http_request_duration_seconds_count \(latencyCount)\n"
            return out
        }
    }

    private func format(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }
}
