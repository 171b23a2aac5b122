import Foundation
import MessagingCore

// The core's injected collaborators made exact for tests: a clock that moves only when told, numbered
// ids, and an event sink that keeps what it is told.

public final class TestClock: MessagingCore.Clock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    public init(_ start: Date = Date(timeIntervalSince1970: 1_795_000_000)) { current = start }
    public func now() -> Date { lock.withLock { current } }
    public func advance(_ seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }
}

public final class SequentialIDs: IDSource, @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    public init() {}
    public func next() -> String { lock.withLock { n += 1; return "id-\(n)" } }
}

public final class RecordingEvents: EventSink, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [(level: EventLevel, name: String, fields: [String: String])] = []
    public init() {}
    public var events: [(level: EventLevel, name: String, fields: [String: String])] { lock.withLock { recorded } }
    public func record(_ level: EventLevel, _ event: String, _ fields: [String: String]) { lock.withLock { recorded.append((level, event, fields)) } }
}
