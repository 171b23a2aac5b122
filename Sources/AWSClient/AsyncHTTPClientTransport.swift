import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// `HTTPTransport` over AsyncHTTPClient (SwiftNIO, with BoringSSL built in). On Linux, URLSession
/// lives in FoundationNetworking, which links libcurl and some twenty libraries behind it; the
/// Lambda bundle must need nothing from the system but glibc.
///
/// Also the project's plain HTTP client: `get(_:)` and `send(method:url:…)` send unsigned requests
/// (the Cognito JWKS, SNS certificates and subscription confirmations).
public struct AsyncHTTPClientTransport: HTTPTransport {
    /// One client for the whole process, so connections (and TLS sessions) to each endpoint are
    /// reused across calls and clients. Redirects are never followed: an AWS redirect is an error
    /// to report (S3's wrong-region 301), and a URL that was checked must not lead to another host.
    /// Created on first use, so a process that makes no HTTP call pays nothing for it.
    public static let sharedClient = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup,
        configuration: HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10), read: .seconds(60)),
            connectionPool: .init(idleTimeout: .seconds(60)),
            decompression: .disabled))

    /// AWS responses this client reads are JSON or XML documents, never media.
    public static let defaultMaximumResponseSize = 32 * 1024 * 1024

    private let client: HTTPClient
    private let timeout: TimeAmount
    private let maximumResponseSize: Int

    /// - Parameters:
    ///   - timeout: the most one request may take, connection, upload and whole response included.
    ///   - maximumResponseSize: larger bodies fail with `TransportError.responseTooLarge`.
    public init(
        client: HTTPClient = AsyncHTTPClientTransport.sharedClient,
        timeout: Duration = .seconds(60),
        maximumResponseSize: Int = AsyncHTTPClientTransport.defaultMaximumResponseSize
    ) {
        self.client = client
        self.timeout = .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
        self.maximumResponseSize = maximumResponseSize
    }

    public func send(_ request: AWSHTTPRequest) async throws -> AWSHTTPResponse {
        guard let url = request.url else {
            throw TransportError.invalidURL("\(request.scheme)://\(request.authority)\(request.path)")
        }
        return try await send(method: request.method, url: url, headers: request.headers, body: request.body)
    }

    /// A plain GET: any status is returned, errors included; throws only when no response arrived.
    public func get(_ url: URL, maximumResponseSize: Int? = nil) async throws -> AWSHTTPResponse {
        try await send(method: "GET", url: url, maximumResponseSize: maximumResponseSize)
    }

    /// Any unsigned request. `Host` and `Content-Length` come from the URL and the body.
    public func send(
        method: String,
        url: URL,
        headers: HTTPHeaders = [:],
        body: Data = Data(),
        maximumResponseSize: Int? = nil
    ) async throws -> AWSHTTPResponse {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else {
            throw TransportError.invalidURL(url.absoluteString)
        }
        var outgoing = HTTPClientRequest(url: url.absoluteString)
        outgoing.method = HTTPMethod(rawValue: method)
        for field in headers {
            switch field.name.lowercased() {
            // The signer signed the same authority the URL carries; the length is the body's.
            case "host", "content-length": continue
            default: outgoing.headers.add(name: field.name, value: field.value)
            }
        }
        if !body.isEmpty {
            outgoing.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await client.execute(outgoing, timeout: timeout)
        let limit = maximumResponseSize ?? self.maximumResponseSize
        let received: ByteBuffer
        do {
            received = try await response.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw TransportError.responseTooLarge(url: url.absoluteString, limit: limit)
        }
        var responseHeaders = HTTPHeaders()
        for (name, value) in response.headers {
            responseHeaders.add(name: name, value: value)
        }
        return AWSHTTPResponse(statusCode: Int(response.status.code), headers: responseHeaders, body: Data(received.readableBytesView))
    }

    public enum TransportError: Error, Equatable, Sendable, CustomStringConvertible {
        /// Not an absolute http(s) URL with a host.
        case invalidURL(String)
        /// The body was larger than the transport accepts; nothing of it is returned.
        case responseTooLarge(url: String, limit: Int)

        public var description: String {
            switch self {
            case .invalidURL(let url):
                return "\(url) is not an absolute http(s) URL"
            case .responseTooLarge(let url, let limit):
                return "the response from \(url) is larger than \(limit) bytes"
            }
        }
    }
}
