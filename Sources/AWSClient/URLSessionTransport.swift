import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `HTTPTransport` over Foundation's URLSession.
public struct URLSessionTransport: HTTPTransport {
    public enum TransportError: Error, Equatable, Sendable {
        case invalidURL(String)
        case notHTTP
    }

    private let session: URLSession
    private let timeout: TimeInterval

    public init(session: URLSession = .shared, timeout: TimeInterval = 60) {
        self.session = session
        self.timeout = timeout
    }

    public func send(_ request: AWSHTTPRequest) async throws -> AWSHTTPResponse {
        guard let url = request.url else {
            throw TransportError.invalidURL("\(request.scheme)://\(request.authority)\(request.path)")
        }
        var urlRequest = URLRequest(url: url, timeoutInterval: timeout)
        urlRequest.httpMethod = request.method
        for field in request.headers where field.name.lowercased() != "host" {
            // URLSession derives Host from the URL; the signer used the same authority.
            urlRequest.addValue(field.value, forHTTPHeaderField: field.name)
        }
        if !request.body.isEmpty {
            urlRequest.httpBody = request.body
        }
        let (data, response) = try await session.data(for: urlRequest)
        guard let http = response as? HTTPURLResponse else { throw TransportError.notHTTP }
        var headers = HTTPHeaders()
        for (name, value) in http.allHeaderFields {
            headers.add(name: "\(name)", value: "\(value)")
        }
        return AWSHTTPResponse(statusCode: http.statusCode, headers: headers, body: data)
    }
}
