import Foundation

/// An EC2 instance's role through the instance metadata service, version 2 only:
/// `PUT /latest/api/token` (with `X-aws-ec2-metadata-token-ttl-seconds`), then
/// `GET /latest/meta-data/iam/security-credentials/` and `…/<role>` with `X-aws-ec2-metadata-token`.
///
/// The endpoint is `AWS_EC2_METADATA_SERVICE_ENDPOINT`, else `http://[fd00:ec2::254]` when
/// `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6`, else `http://169.254.169.254`;
/// `AWS_EC2_METADATA_DISABLED=true` skips it. No answer to the token request means "not on EC2",
/// and the context's metadata transport gives up on that within about a second.
public struct InstanceMetadataCredentialsProvider: CredentialsProvider {
    private let context: CredentialsContext
    /// How long the session token is asked to live, in seconds.
    public var tokenTTL: Int

    public init(context: CredentialsContext, tokenTTL: Int = 21_600) {
        self.context = context
        self.tokenTTL = tokenTTL
    }

    public var isDisabled: Bool {
        context.variable("AWS_EC2_METADATA_DISABLED")?.lowercased() == "true"
    }

    public func endpoint() throws -> URL {
        if let configured = context.variable("AWS_EC2_METADATA_SERVICE_ENDPOINT") {
            guard let url = URL(string: configured), AWSHTTPRequest(method: "GET", url: url) != nil else {
                throw CredentialsError.incomplete(
                    source: "EC2 instance metadata", reason: "AWS_EC2_METADATA_SERVICE_ENDPOINT \"\(configured)\" is not an http(s) URL")
            }
            return url
        }
        if context.variable("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE")?.lowercased() == "ipv6" {
            return URL(string: "http://[fd00:ec2::254]")!
        }
        return URL(string: "http://169.254.169.254")!
    }

    public func credentials() async throws -> AWSCredentials {
        guard !isDisabled else {
            throw CredentialsError.notFound(searched: ["EC2 instance metadata: AWS_EC2_METADATA_DISABLED=true"])
        }
        let base = try endpoint()
        let source = "EC2 instance metadata at \(base.absoluteString)"

        let tokenResponse: AWSHTTPResponse
        do {
            tokenResponse = try await send("PUT", base, "/latest/api/token", ["X-aws-ec2-metadata-token-ttl-seconds": String(tokenTTL)])
        } catch let error as CancellationError {
            throw error
        } catch {
            throw CredentialsError.notFound(searched: ["\(source): no answer (\(error))"])
        }
        guard tokenResponse.isSuccess, !tokenResponse.body.isEmpty else {
            throw CredentialsError.notFound(searched: ["\(source): the token request answered HTTP \(tokenResponse.statusCode)"])
        }
        let headers: HTTPHeaders = ["X-aws-ec2-metadata-token": String(decoding: tokenResponse.body, as: UTF8.self)]

        let roles = try await fetch(base, "/latest/meta-data/iam/security-credentials/", headers, source: source)
        if roles.statusCode == 404 {
            throw CredentialsError.notFound(searched: ["\(source): no IAM role is attached to this instance"])
        }
        try requireSuccess(roles, "the role list", source: source)
        let names = String(decoding: roles.body, as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard let role = names.first else {
            throw CredentialsError.notFound(searched: ["\(source): no IAM role is attached to this instance"])
        }
        let rolePath = "/latest/meta-data/iam/security-credentials/" + PercentEncoding.encode(role)
        let answer = try await fetch(base, rolePath, headers, source: source)
        try requireSuccess(answer, "the credentials of role \(role)", source: source)
        let document = try CredentialsDocument.decode(answer.body, source: source)
        if let code = document.code, code != "Success" {
            throw CredentialsError.failed(source: source, reason: "the credentials of role \(role) answered Code \(code)")
        }
        return try document.credentials(source: source)
    }

    private func fetch(_ base: URL, _ path: String, _ headers: HTTPHeaders, source: String) async throws -> AWSHTTPResponse {
        do {
            return try await send("GET", base, path, headers)
        } catch let error as CancellationError {
            throw error
        } catch let error as CredentialsError {
            throw error
        } catch {
            throw CredentialsError.failed(source: source, reason: "no answer to GET \(path): \(error)")
        }
    }

    private func requireSuccess(_ response: AWSHTTPResponse, _ what: String, source: String) throws {
        guard response.isSuccess else {
            throw CredentialsError.failed(source: source, reason: "\(what) answered HTTP \(response.statusCode)")
        }
    }

    private func send(_ method: String, _ base: URL, _ path: String, _ headers: HTTPHeaders) async throws -> AWSHTTPResponse {
        let basePath = base.path.hasSuffix("/") ? String(base.path.dropLast()) : base.path
        guard var request = AWSHTTPRequest(method: method, url: base, headers: headers) else {
            throw CredentialsError.incomplete(source: "EC2 instance metadata", reason: "\(base) is not an http(s) URL")
        }
        request.path = basePath + path
        request.query = []
        return try await context.metadataTransport.send(request)
    }
}
