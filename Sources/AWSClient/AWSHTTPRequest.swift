import Foundation

/// One HTTP request as the signer and the transport see it.
///
/// `path` is the percent-encoded path as sent on the wire; `query` holds decoded pairs
/// and is encoded when the URL is built, so the signer and the URL always agree.
public struct AWSHTTPRequest: Sendable, Equatable {
    public struct QueryItem: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public var method: String
    public var scheme: String
    public var host: String
    public var port: Int?
    public var path: String
    public var query: [QueryItem]
    public var headers: HTTPHeaders
    public var body: Data

    public init(
        method: String,
        scheme: String = "https",
        host: String = "",
        port: Int? = nil,
        path: String = "/",
        query: [QueryItem] = [],
        headers: HTTPHeaders = [:],
        body: Data = Data()
    ) {
        self.method = method
        self.scheme = scheme
        self.host = host
        self.port = port
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// A request for an absolute http(s) URL (the credentials endpoints); nil for any other URL.
    public init?(method: String, url: URL, headers: HTTPHeaders = [:], body: Data = Data()) {
        guard let components = URLComponents(url: url, resolvingAgainstBaseURL: false),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty else { return nil }
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        self.init(
            method: method, scheme: scheme, host: host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host, port: components.port,
            path: path, query: (components.queryItems ?? []).map { QueryItem(name: $0.name, value: $0.value ?? "") },
            headers: headers, body: body)
    }

    /// `host[:port]`, leaving out the scheme's default port as HTTP clients do.
    public var authority: String {
        guard let port, !(scheme == "https" && port == 443), !(scheme == "http" && port == 80) else { return host }
        return "\(host):\(port)"
    }

    /// The query string exactly as it goes on the wire (RFC 3986 encoding, original order).
    public var encodedQuery: String {
        query.map { "\(PercentEncoding.encode($0.name))=\(PercentEncoding.encode($0.value))" }
            .joined(separator: "&")
    }

    /// The full URL; nil only if `host` or `path` cannot form one.
    public var url: URL? {
        let queryPart = query.isEmpty ? "" : "?" + encodedQuery
        return URL(string: "\(scheme)://\(authority)\(path)\(queryPart)")
    }

    /// Points a service-relative request (path and query only) at an endpoint.
    /// An endpoint path such as `http://127.0.0.1:5000/prefix` is kept in front of the request path.
    public func resolved(against endpoint: URL) -> AWSHTTPRequest {
        var copy = self
        copy.scheme = endpoint.scheme ?? "https"
        copy.host = endpoint.host ?? ""
        copy.port = endpoint.port
        let basePath = endpoint.path.hasSuffix("/") ? String(endpoint.path.dropLast()) : endpoint.path
        copy.path = basePath + path
        return copy
    }
}
