import Foundation
import Hummingbird
import NIOCore
import MessagingCore

/// JSON responses with sorted keys and ISO 8601 dates, and the one error shape: `{"error": {"code", "message"}}`.
enum JSONBody {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.dateEncodingStrategy = .iso8601
        return e
    }()

    static func response<T: Encodable>(_ status: HTTPResponse.Status = .ok, _ value: T) -> Response {
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A body already written as JSON.
    static func response(_ status: HTTPResponse.Status = .ok, json: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: json)))
    }

    static func error(_ status: HTTPResponse.Status, _ code: String, _ message: String) -> Response {
        response(status, ["error": ["code": code, "message": message]])
    }

    static func error(_ e: CoreError) -> Response {
        let status: HTTPResponse.Status
        switch e {
        case .invalid: status = .badRequest
        case .notFound: status = .notFound
        case .conflict: status = .conflict
        case .forbidden: status = .forbidden
        case .refused: status = .unprocessableContent
        case .timeout: status = .requestTimeout
        case .internal: status = .internalServerError
        }
        return error(status, e.code, e.message)
    }

    /// How long a body may take to arrive once the headers are in, and the connection it arrives on.
    /// The idle timeout cuts a client that stops sending; the deadline cuts one that trickles a byte now
    /// and then to hold the connection open. Set per request by the router, from
    /// `ServiceContext.bodyDeadline` and the request's context.
    struct BodyRead: Sendable {
        var deadline: Duration
        var connection: (any NIOCore.Channel)?
    }

    @TaskLocal static var bodyRead = BodyRead(deadline: .seconds(30), connection: nil)

    static var bodyDeadline: Duration { bodyRead.deadline }

    /// What ends a body read whose deadline passed.
    struct BodyDeadlinePassed: Error {}

    /// The body as one of the API's request types, decoded strictly (`StrictJSON`).
    static func decode<T: APIRequestBody>(_ type: T.Type, _ request: Request, upTo limit: Int = 1_048_576,
                                          within deadline: Duration = bodyDeadline) async throws(CoreError) -> T {
        try StrictJSON.decode(type, from: Data(buffer: try await collect(request, upTo: limit, within: deadline)))
    }

    static func text(_ request: Request, within deadline: Duration = bodyDeadline) async throws(CoreError) -> String {
        String(buffer: try await collect(request, upTo: 1_048_576, within: deadline))
    }

    /// The whole body, or 408 when it has not arrived within `deadline`. The body is read on the
    /// request's own task. The deadline (watched by `BodyDeadlines`, one timer for all requests) ends a
    /// read stuck on the socket by failing the connection's inbound stream, which the read waits on: the
    /// request answers 408 and the connection closes after it (the rest of a cut-off body could not be
    /// told from a next request). Reading in a task of its own, for the deadline to cancel, cost two more
    /// hand-offs between threads per request (docs/service.md, "Ingestion benchmark"). Without a
    /// connection (the Lambda front door, whose body arrives whole) there is nothing to wait for.
    static func collect(_ request: Request, upTo limit: Int, within deadline: Duration) async throws(CoreError) -> ByteBuffer {
        var request = request
        let (seconds, attoseconds) = deadline.components
        let ticket = bodyRead.connection.map { connection in
            BodyDeadlines.shared.watch(until: .now() + .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)) {
                connection.pipeline.fireErrorCaught(BodyDeadlinePassed())
            }
        }
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: limit)
        } catch {
            if let ticket, !BodyDeadlines.shared.release(ticket) { throw .timeout("the request body did not arrive within \(seconds) s") }
            throw .invalid("the body is too large or unreadable")
        }
        if let ticket { _ = BodyDeadlines.shared.release(ticket) }
        return body
    }
}
