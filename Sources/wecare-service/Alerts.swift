import AWSClient
import Foundation
import MessagingCore

/// Critical events also go to the notifier (SNS in AWS when ALERT_TOPIC_ARN is set); everything goes to the log.
struct AlertingEvents: EventSink {
    let log: JSONLineLog
    let notifier: SNSNotifier?

    func keeps(_ level: EventLevel) -> Bool { level == .critical || log.keeps(level) }

    func record(_ level: EventLevel, _ event: String, _ fields: [String: String]) {
        log.record(level, event, fields)
        guard level == .critical, let notifier else { return }
        Task { await notifier.alert(event, fields) }
    }
}

/// Publishes an alert to an SNS topic; a failed publish is logged, never thrown into the request.
struct SNSNotifier: Sendable {
    let sns: SNSClient
    let topicArn: String
    let environment: String

    func alert(_ event: String, _ fields: [String: String]) async {
        let body = (try? JSONSerialization.data(withJSONObject: fields.merging(["event": event, "environment": environment]) { a, _ in a },
                                                options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? event
        do {
            _ = try await sns.publish(topicARN: topicArn, message: body, subject: "wecare \(environment): \(event)")
        } catch {
            FileHandle.standardError.write(Data("alert \(event) could not be published to \(topicArn): \(error)\n".utf8))
        }
    }
}
