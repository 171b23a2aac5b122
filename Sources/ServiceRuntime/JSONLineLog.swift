import Foundation
import MessagingCore

/// JSON log lines on standard output, one per event (Lambda sends them to the function's log group).
public struct JSONLineLog: EventSink {
    let minimum: Int

    public init(level: String) {
        minimum = ["DEBUG": 0, "INFO": 1, "WARN": 2, "ERROR": 3][level] ?? 1
    }

    public func keeps(_ level: EventLevel) -> Bool {
        (level == .debug ? 0 : level == .info ? 1 : level == .warning ? 2 : 3) >= minimum
    }

    public func record(_ level: EventLevel, _ event: String, _ fields: [String: String]) {
        guard keeps(level) else { return }
        var object = fields
        if let request = RequestScope.id { object["requestId"] = request }
        object["level"] = level.rawValue
        object["event"] = event
        object["time"] = Date().formatted(.iso8601)
        if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        }
    }
}
