import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One invocation as the Lambda Runtime API hands it out.
public struct Invocation: Sendable {
    public var requestId: String
    public var event: Data
    public var deadline: Date?
}

/// The Lambda Runtime API (`AWS_LAMBDA_RUNTIME_API`): next invocation, response, error.
public struct RuntimeAPIClient: Sendable {
    let base: URL
    let session: URLSession

    public init(endpoint: String) {
        base = URL(string: "http://\(endpoint)/2018-06-01/runtime")!
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 24 * 3600   // `next` blocks until an event comes
        session = URLSession(configuration: configuration)
    }

    public enum Failure: Error, CustomStringConvertible {
        case badResponse(String)
        public var description: String { switch self { case .badResponse(let m): "Runtime API: \(m)" } }
    }

    public func next() async throws -> Invocation {
        let (data, response) = try await session.data(from: base.appendingPathComponent("invocation/next"))
        guard let http = response as? HTTPURLResponse, http.statusCode == 200,
              let id = http.value(forHTTPHeaderField: "Lambda-Runtime-Aws-Request-Id") else {
            throw Failure.badResponse("next invocation answered \((response as? HTTPURLResponse)?.statusCode ?? 0)")
        }
        let deadline = http.value(forHTTPHeaderField: "Lambda-Runtime-Deadline-Ms").flatMap(Double.init).map { Date(timeIntervalSince1970: $0 / 1000) }
        return Invocation(requestId: id, event: data, deadline: deadline)
    }

    public func respond(_ id: String, _ body: Data) async throws {
        try await post("invocation/\(id)/response", body)
    }

    public func fail(_ id: String, type: String, message: String) async throws {
        try await post("invocation/\(id)/error", Self.errorBody(type: type, message: message), headers: ["Lambda-Runtime-Function-Error-Type": type])
    }

    public func initFailed(type: String, message: String) async throws {
        try await post("init/error", Self.errorBody(type: type, message: message), headers: ["Lambda-Runtime-Function-Error-Type": type])
    }

    static func errorBody(type: String, message: String) -> Data {
        (try? JSONSerialization.data(withJSONObject: ["errorType": type, "errorMessage": message], options: [.sortedKeys])) ?? Data()
    }

    private func post(_ path: String, _ body: Data, headers: [String: String] = [:]) async throws {
        var request = URLRequest(url: base.appendingPathComponent(path))
        request.httpMethod = "POST"
        request.httpBody = body
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        let (_, response) = try await session.data(for: request)
        guard let http = response as? HTTPURLResponse, (200..<300).contains(http.statusCode) else {
            throw Failure.badResponse("POST \(path) answered \((response as? HTTPURLResponse)?.statusCode ?? 0)")
        }
    }
}

/// The bootstrap loop of a `provided.al2023` function: take an invocation, handle it, answer, repeat.
public enum LambdaLoop {
    /// - Parameter limit: stop after this many invocations (tests); run forever when nil.
    public static func run(client: RuntimeAPIClient, limit: Int? = nil, handler: @Sendable (Invocation) async throws -> Data) async throws {
        var handled = 0
        while limit.map({ handled < $0 }) ?? true {
            let invocation = try await client.next()
            do {
                try await client.respond(invocation.requestId, try await handler(invocation))
            } catch {
                try await client.fail(invocation.requestId, type: String(describing: type(of: error)), message: String(describing: error))
            }
            handled += 1
        }
    }
}
