import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The Lambda Runtime API (`AWS_LAMBDA_RUNTIME_API`): next invocation, response, error.
///
/// Over AsyncHTTPClient rather than URLSession, whose FoundationNetworking links libcurl (absent
/// from `provided.al2023`). Creating a client costs nothing; the first `next` opens the one
/// keep-alive connection every later call reuses.
public struct RuntimeAPIClient: Sendable {
    let base: String

    public init(endpoint: String) {
        base = "http://\(endpoint)/2018-06-01/runtime"
    }

    /// One client per process. The Runtime API is plain HTTP on a local address and `next` is a long
    /// poll that returns only when an event comes, so there is no read timeout; connecting fails fast.
    static let httpClient = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup,
        configuration: HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(2), read: nil),
            decompression: .disabled))

    /// Lambda's payloads are at most 6 MB (synchronous invocations); the margin is for headroom only.
    static let maximumEventSize = 16 * 1024 * 1024

    public enum Failure: Error, CustomStringConvertible {
        case badResponse(String)
        public var description: String { switch self { case .badResponse(let m): "Runtime API: \(m)" } }
    }

    public func next() async throws -> Invocation {
        let response = try await Self.httpClient.execute(HTTPClientRequest(url: base + "/invocation/next"), deadline: .distantFuture)
        let body = try await response.body.collect(upTo: Self.maximumEventSize)
        guard response.status == .ok, let id = response.headers.first(name: "Lambda-Runtime-Aws-Request-Id") else {
            throw Failure.badResponse("next invocation answered \(response.status.code)")
        }
        let deadline = response.headers.first(name: "Lambda-Runtime-Deadline-Ms").flatMap(Double.init)
            .map { Date(timeIntervalSince1970: $0 / 1000) }
        return Invocation(requestId: id, event: Data(body.readableBytesView), deadline: deadline)
    }

    public func respond(_ id: String, _ body: Data) async throws {
        try await post("/invocation/\(id)/response", body)
    }

    public func fail(_ id: String, type: String, message: String) async throws {
        try await post("/invocation/\(id)/error", Self.errorBody(type: type, message: message), errorType: type)
    }

    public func initFailed(type: String, message: String) async throws {
        try await post("/init/error", Self.errorBody(type: type, message: message), errorType: type)
    }

    static func errorBody(type: String, message: String) -> Data {
        (try? JSONSerialization.data(withJSONObject: ["errorType": type, "errorMessage": message], options: [.sortedKeys])) ?? Data()
    }

    private func post(_ path: String, _ body: Data, errorType: String? = nil) async throws {
        var request = HTTPClientRequest(url: base + path)
        request.method = .POST
        request.body = .bytes(ByteBuffer(bytes: body))
        if let errorType {
            request.headers.add(name: "Lambda-Runtime-Function-Error-Type", value: errorType)
        }
        let response = try await Self.httpClient.execute(request, timeout: .seconds(60))
        // Drained so the connection goes back to the pool for the next `next`.
        _ = try await response.body.collect(upTo: 1024 * 1024)
        guard (200..<300).contains(response.status.code) else {
            throw Failure.badResponse("POST \(path) answered \(response.status.code)")
        }
    }
}
