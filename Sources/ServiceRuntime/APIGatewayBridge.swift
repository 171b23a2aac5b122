import Foundation
import HTTPTypes
import Hummingbird
import LambdaRuntime
import Logging
import MessagingCore
import NIOCore
import Server

/// The request context of the Lambda front door: a router call without a connection (API Gateway hands
/// the body over whole, so there is no read for a deadline to end).
public struct LambdaRequestContext: BodyReadingContext {
    public struct Source: RequestContextSource {
        public let logger: Logger
    }

    public var coreContext: CoreRequestContextStorage
    public var connection: (any NIOCore.Channel)? { nil }

    public init(source: Source) {
        coreContext = .init(source: source)
    }
}

/// API Gateway HTTP API events (payload 2.0) answered by the router `serve` runs, in process: the event
/// becomes a request, the caller comes from the claims API Gateway's JWT authorizer verified.
public struct APIGatewayBridge: Sendable {
    let responder: RouterResponder<LambdaRequestContext>
    let logger: Logger

    public init(_ context: ServiceContext) {
        responder = Routes.router(context, context: LambdaRequestContext.self).buildResponder()
        logger = EventSinkLogHandler.logger("wecare-service", sink: context.deps.events)
    }

    public func handle(_ event: LambdaEvent.HTTPRequestEvent, requestId: String) async throws -> Data {
        var fields = HTTPFields()
        for (name, value) in event.headers {
            guard name.lowercased() != "host", let field = HTTPField.Name(name), field != .contentLength else { continue }
            fields[field] = value
        }
        // The invocation's id names the request in logs and answers, unless the caller sent its own.
        if fields[.requestId] == nil { fields[.requestId] = requestId }
        let target = event.rawQuery.isEmpty ? event.path : event.path + "?" + event.rawQuery
        guard let method = HTTPRequest.Method(event.method) else {
            return LambdaEvent.httpResponse(status: 405, headers: ["content-type": "application/json"],
                                            body: Data(#"{"error":{"code":"METHOD_NOT_ALLOWED","message":"unknown method"}}"#.utf8))
        }
        let request = Request(head: HTTPRequest(method: method, scheme: "https", authority: event.headers["host"] ?? "api", path: target, headerFields: fields),
                              body: RequestBody(buffer: ByteBuffer(bytes: event.body)))
        let context = LambdaRequestContext(source: .init(logger: logger))
        let response: Response
        do {
            response = try await AuthorizerClaims.$current.withValue(event.claims.map(AuthorizerClaims.init)) {
                try await responder.respond(to: request, context: context)
            }
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        let collector = BodyCollector()
        try await response.body.write(collector)
        var headers: [String: String] = [:]
        for field in response.headers { headers[field.name.canonicalName] = headers[field.name.canonicalName].map { $0 + "," + field.value } ?? field.value }
        return LambdaEvent.httpResponse(status: Int(response.status.code), headers: headers, body: Data(collector.body.value.readableBytesView))
    }
}

/// Gathers a response body written by the router (one writer, one task: the box needs no lock).
struct BodyCollector: ResponseBodyWriter {
    final class Box: @unchecked Sendable {
        var value = ByteBuffer()
    }
    let body = Box()

    func write(_ buffer: ByteBuffer) async throws { body.value.writeImmutableBuffer(buffer) }
    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
