import Foundation
import Hummingbird
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
        case .internal: status = .internalServerError
        }
        return error(status, e.code, e.message)
    }

    /// The body as one of the API's request types, decoded strictly (`StrictJSON`).
    static func decode<T: APIRequestBody>(_ type: T.Type, _ request: Request, upTo limit: Int = 1_048_576) async throws(CoreError) -> T {
        var request = request
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: limit) } catch { throw .invalid("the body is too large or unreadable") }
        return try StrictJSON.decode(type, from: Data(buffer: buffer))
    }

    static func text(_ request: Request) async throws(CoreError) -> String {
        var request = request
        do { return String(buffer: try await request.collectBody(upTo: 1_048_576)) } catch { throw .invalid("the body is too large or unreadable") }
    }
}
