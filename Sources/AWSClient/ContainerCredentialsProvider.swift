import Foundation

/// The credentials ECS tasks (and EKS Pod Identity) serve: `GET` on
/// `http://169.254.170.2` + `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`, or on
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI` with the `Authorization` header from
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (read on every call) or `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
///
/// As in the SDKs, a full URI over plain http must name a loopback address or the container agent's
/// own (169.254.170.2, 169.254.170.23, fd00:ec2::23): credentials never cross a network in clear.
public struct ContainerCredentialsProvider: CredentialsProvider {
    private let context: CredentialsContext
    /// Attempts for an endpoint that does not answer or answers 5xx.
    public var attempts: Int

    public init(context: CredentialsContext, attempts: Int = 3) {
        self.context = context
        self.attempts = attempts
    }

    static let sourceName = "container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI)"
    static let ecsHost = "169.254.170.2"
    static let allowedPlainHosts: Set<String> = ["169.254.170.2", "169.254.170.23", "[fd00:ec2::23]", "localhost", "[::1]"]

    /// The endpoint the environment names, nil when neither variable is set.
    public func endpoint() throws -> URL? {
        if let relative = context.variable("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            let path = relative.hasPrefix("/") ? relative : "/" + relative
            guard let url = URL(string: "http://\(Self.ecsHost)\(path)") else {
                throw CredentialsError.incomplete(source: Self.sourceName, reason: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI \"\(relative)\" is not a URL path")
            }
            return url
        }
        guard let full = context.variable("AWS_CONTAINER_CREDENTIALS_FULL_URI") else { return nil }
        guard let url = URL(string: full), let request = AWSHTTPRequest(method: "GET", url: url) else {
            throw CredentialsError.incomplete(source: Self.sourceName, reason: "AWS_CONTAINER_CREDENTIALS_FULL_URI \"\(full)\" is not an http(s) URL")
        }
        if request.scheme == "http" && !Self.allowedPlainHosts.contains(request.host) && !request.host.hasPrefix("127.") {
            throw CredentialsError.incomplete(
                source: Self.sourceName,
                reason: "AWS_CONTAINER_CREDENTIALS_FULL_URI \"\(full)\" is plain http to \(request.host); "
                    + "use https, or a loopback address, or the container agent's 169.254.170.2 / 169.254.170.23")
        }
        return url
    }

    public func credentials() async throws -> AWSCredentials {
        guard let url = try endpoint() else {
            throw CredentialsError.notFound(searched: ["\(Self.sourceName): neither is set"])
        }
        var headers = HTTPHeaders()
        if let token = try authorizationToken() {
            guard !token.contains(where: { $0 == "\r" || $0 == "\n" }) else {
                throw CredentialsError.incomplete(source: Self.sourceName, reason: "the authorization token has a line break in it")
            }
            headers["Authorization"] = token
        }
        guard let request = AWSHTTPRequest(method: "GET", url: url, headers: headers) else {
            throw CredentialsError.incomplete(source: Self.sourceName, reason: "\(url) is not an http(s) URL")
        }
        var lastProblem = ""
        for _ in 0..<max(attempts, 1) {
            let response: AWSHTTPResponse
            do {
                response = try await context.metadataTransport.send(request)
            } catch let error as CancellationError {
                throw error
            } catch {
                lastProblem = "no answer from \(url): \(error)"
                continue
            }
            if (500..<600).contains(response.statusCode) {
                lastProblem = "\(url) answered HTTP \(response.statusCode)"
                continue
            }
            guard response.isSuccess else {
                let body = String(decoding: response.body.prefix(300), as: UTF8.self)
                throw CredentialsError.failed(source: Self.sourceName, reason: "\(url) answered HTTP \(response.statusCode): \(body)")
            }
            return try CredentialsDocument.decode(response.body, source: Self.sourceName).credentials(source: Self.sourceName)
        }
        throw CredentialsError.failed(source: Self.sourceName, reason: lastProblem)
    }

    private func authorizationToken() throws -> String? {
        if let file = context.variable("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
            return try context.readRequiredFile(file, source: Self.sourceName, what: "authorization token file")
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return context.variable("AWS_CONTAINER_AUTHORIZATION_TOKEN")
    }
}
