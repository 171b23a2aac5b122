import Foundation
import Hummingbird
import MessagingCore

/// What an open screen is told (`GET /api/events` in `serve`): which contact's thread or which bulk job
/// changed, never the record itself; the screen reads that through the API with its own token and role.
public struct LiveEvent: Sendable, Equatable, Encodable {
    /// `message` (an inbound message or a send), `status` (a delivery status applied), `bulk` (a job moved).
    public var kind: String
    public var contactId: String?
    public var messageId: String?
    public var jobId: String?
    public var status: String?
}

/// The core's events, passed on unchanged to the log, and those that change what a screen shows also to
/// every open event stream. `serve` only: API Gateway does not stream, so on Lambda the UI polls.
public final class LiveEvents: EventSink, @unchecked Sendable {
    private let inner: any EventSink
    private let lock = NSLock()
    private var streams: [Int: AsyncStream<LiveEvent>.Continuation] = [:]
    private var nextId = 0

    /// The core's event names that a screen follows, and the kind each becomes.
    static let followed: [String: String] = [
        "inbound_stored": "message", "dry_run": "message", "message_sent": "message", "send_failed": "message",
        "status_applied": "status",
        "bulk_recipient": "bulk", "bulk_queued": "bulk", "bulk_completed": "bulk", "bulk_cancelled": "bulk", "bulk_resumed": "bulk",
        "bulk_report": "bulk",
    ]

    public init(forwardingTo inner: any EventSink) { self.inner = inner }

    public func record(_ level: EventLevel, _ event: String, _ fields: [String: String]) {
        inner.record(level, event, fields)
        guard let kind = Self.followed[event] else { return }
        let live = LiveEvent(kind: kind, contactId: fields["contactId"], messageId: fields["messageId"], jobId: fields["jobId"], status: fields["status"])
        for stream in lock.withLock({ Array(streams.values) }) { stream.yield(live) }
    }

    /// DEBUG events feed the streams, so they are kept while one is open even when the log drops them.
    public func keeps(_ level: EventLevel) -> Bool {
        inner.keeps(level) || (level == .debug && lock.withLock { !streams.isEmpty })
    }

    /// A stream of the events from now on; it ends when the caller stops iterating it.
    public func subscribe() -> AsyncStream<LiveEvent> {
        let (stream, continuation) = AsyncStream<LiveEvent>.makeStream(bufferingPolicy: .bufferingNewest(256))
        let id = lock.withLock { nextId += 1; return nextId }
        continuation.onTermination = { [weak self] _ in self?.lock.withLock { _ = self?.streams.removeValue(forKey: id) } }
        lock.withLock { streams[id] = continuation }
        return stream
    }

    var openStreams: Int { lock.withLock { streams.count } }
}

/// `GET /api/events`: server-sent events. A stream lasts `lifetime` and then ends (the page reconnects at
/// once), so neither the idle timeout nor a graceful shutdown waits on an open browser tab for long.
enum LiveEventStream {
    static let lifetime: Duration = .seconds(25)
    static let heartbeat: Duration = .seconds(10)

    static func response(_ live: LiveEvents, lifetime: Duration = lifetime) -> Response {
        let events = live.subscribe()
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: "retry: 1000\n: connected\n\n"))
            // One sequence of what to write: the events, a comment now and then, and the end.
            let (out, feed) = AsyncStream<String?>.makeStream()
            let pump = Task {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                for await e in events {
                    let json = (try? encoder.encode(e)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
                    feed.yield("event: \(e.kind)\ndata: \(json)\n\n")
                }
            }
            let clock = Task {
                let end = ContinuousClock.now + lifetime
                while ContinuousClock.now < end {
                    try? await Task.sleep(for: min(heartbeat, end - ContinuousClock.now))
                    if Task.isCancelled { break }
                    feed.yield(": keep-alive\n\n")
                }
                feed.yield(nil)
            }
            defer { pump.cancel(); clock.cancel() }
            for await chunk in out {
                guard let chunk else { break }
                try await writer.write(ByteBuffer(string: chunk))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"], body: body)
    }
}
