import Logging
import MessagingCore

/// Hummingbird's and NIO's log lines, written by the service's own sink: one log format per process
/// (JSON lines carrying the request's id) instead of swift-log's default text on standard error.
///
/// Metadata is kept as given and turned into fields only when a line is written. swift-log's default
/// handler renders all of its metadata into text whenever one key changes, and Hummingbird gives every
/// request's logger its own id: in a profile of ingestion that was about 6 µs of every request.
public struct EventSinkLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private let sink: any EventSink

    /// The level starts at the lowest one the sink keeps, so lines it would drop are not even built.
    public init(label: String, sink: any EventSink) {
        self.label = label
        self.sink = sink
        logLevel = [Logger.Level.debug, .info, .warning, .error].first { sink.keeps(Self.level($0)) } ?? .critical
    }

    /// A logger for `label` whose lines go to `sink`.
    public static func logger(_ label: String, sink: any EventSink) -> Logger {
        Logger(label: label) { label in EventSinkLogHandler(label: label, sink: sink) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// The event is the logger's label; the message, the metadata (the line's own over the logger's) and
    /// any error are its fields.
    public func log(event: LogEvent) {
        var fields: [String: String] = [:]
        for (key, value) in metadata { fields[key] = value.description }
        for (key, value) in event.metadata ?? [:] { fields[key] = value.description }
        if let error = event.error { fields["error"] = String(describing: error) }
        fields["message"] = event.message.description
        sink.record(Self.level(event.level), label, fields)
    }

    static func level(_ level: Logger.Level) -> EventLevel {
        switch level {
        case .trace, .debug: .debug
        case .info, .notice: .info
        case .warning: .warning
        case .error: .error
        case .critical: .critical
        }
    }
}
