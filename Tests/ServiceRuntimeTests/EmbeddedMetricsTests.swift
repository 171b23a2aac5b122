import Foundation
import MessagingCore
@testable import ServiceRuntime
import WecareConfig
import XCTest

/// Every metric an alarm of the specs watches is published, as EMF lines CloudWatch accepts.
final class EmbeddedMetricsTests: XCTestCase {
    final class Lines: @unchecked Sendable {
        let lock = NSLock()
        var all: [[String: Any]] = []
        func add(_ line: String) {
            let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
            lock.withLock { all.append(object) }
        }
    }

    /// The core's events as the core records them (bulk completion, the tier check, sends).
    let events: [(EventLevel, String, [String: String])] = [
        (.info, "bulk_completed", ["jobId": "j1", "sent": "90", "failed": "10"]),
        (.info, "whatsapp_tier_usage", ["used": "200", "tier": "250"]),
        (.info, "message_sent", ["channel": "sms", "messageId": "m1"]),
        (.error, "send_failed", ["channel": "email", "contactId": "c", "error": "x"]),
        (.warning, "send_retry", ["channel": "whatsapp", "error": "ThrottlingException", "retry": "1", "waitMs": "200"]),
        (.error, "inbound_failed", ["eventId": "e", "error": "x"]),
    ]

    func testEveryAlarmMetricIsPublishedAsEMF() throws {
        let lines = Lines()
        let sink = EmbeddedMetrics(log: JSONLineLog(level: "ERROR"), environment: "production",
                                   now: { Date(timeIntervalSince1970: 1_795_000_000) }, write: lines.add)
        for (level, name, fields) in events { sink.record(level, name, fields) }
        var published: [String: Double] = [:]
        for line in lines.all {
            let aws = try XCTUnwrap(line["_aws"] as? [String: Any])
            XCTAssertEqual(aws["Timestamp"] as? Int, 1_795_000_000_000)
            let directive = try XCTUnwrap((aws["CloudWatchMetrics"] as? [[String: Any]])?.first)
            let dimensions = try XCTUnwrap(directive["Dimensions"] as? [[String]])
            XCTAssertTrue(dimensions.allSatisfy { $0.first == "Environment" && $0.allSatisfy { line[$0] is String } }, "every dimension has its value")
            XCTAssertEqual(line["Environment"] as? String, "production")
            for metric in directive["Metrics"] as? [[String: Any]] ?? [] {
                let name = try XCTUnwrap(metric["Name"] as? String)
                published[name] = line[name] as? Double
                if let alarm = AlarmMetric(rawValue: name) { XCTAssertEqual(directive["Namespace"] as? String, alarm.namespace) }
            }
        }
        for alarm in AlarmMetric.allCases {
            XCTAssertNotNil(published[alarm.rawValue], "the alarm on \(alarm.rawValue) would watch a metric nobody publishes")
        }
        XCTAssertEqual(published["BulkFailureRatePercent"], 10)
        XCTAssertEqual(published["WhatsAppTierUsagePercent"], 80)
        XCTAssertEqual(Set(published.keys), ["BulkFailureRatePercent", "WhatsAppTierUsagePercent", "Sent", "Failed", "Throttled", "DeadLettered"])
    }
}
