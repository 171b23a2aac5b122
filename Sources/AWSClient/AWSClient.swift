import Foundation

/// Signs, sends and retries requests for any service; the service clients are thin layers on top.
public struct AWSClient: Sendable {
    public let configuration: AWSClientConfiguration

    public init(configuration: AWSClientConfiguration) {
        self.configuration = configuration
    }

    /// Sends a service-relative request (method, path, query, headers, body) to the service's endpoint,
    /// or to `endpoint` when given. Returns 2xx responses; throws `AWSError` for error responses,
    /// `AWSClientError.transportFailed` when no response arrived, `CredentialsError` without credentials.
    /// `signed: false` is for the operations the service models leave unauthenticated (STS
    /// AssumeRoleWithWebIdentity, where the token is the proof; the SSO portal, with its bearer token).
    public func send(
        _ request: AWSHTTPRequest,
        service: AWSService,
        operation: String,
        endpoint: URL? = nil,
        signed: Bool = true
    ) async throws -> AWSHTTPResponse {
        let target = request.resolved(against: try endpoint ?? configuration.endpoint(for: service))
        let policy = configuration.retryPolicy
        var retry = 0
        while true {
            let failure: any Error
            do {
                // Signed per attempt: a retry needs a fresh timestamp and possibly rotated credentials.
                let outgoing = signed ? try await signer(for: service).sign(target, date: configuration.now()) : target
                let response: AWSHTTPResponse
                do {
                    response = try await configuration.transport.send(outgoing)
                } catch let error as CancellationError {
                    throw error
                } catch {
                    throw AWSClientError.transportFailed(service: service.name, operation: operation, underlying: error)
                }
                if response.isSuccess { return response }
                throw AWSErrorParser.parse(response, service: service, operation: operation)
            } catch {
                failure = error
            }
            guard retry < policy.maxRetries, Self.isRetryable(failure) else { throw failure }
            try await policy.sleep(policy.delay(beforeRetry: retry))
            retry += 1
        }
    }

    /// A presigned URL for `request` (S3 GetObject links); valid for `expires` seconds from now.
    public func presignedURL(
        for request: AWSHTTPRequest,
        service: AWSService,
        expires: Int,
        endpoint: URL? = nil
    ) async throws -> URL {
        let target = request.resolved(against: try endpoint ?? configuration.endpoint(for: service))
        guard let url = try await signer(for: service).presignedURL(for: target, date: configuration.now(), expires: expires) else {
            throw AWSClientError.invalidRequest(service: service.name, operation: "presign", reason: "cannot form a URL")
        }
        return url
    }

    // MARK: - Protocol helpers

    /// AWS JSON 1.0/1.1 call: encodes `input`, decodes the response body as `Output`.
    public func json<Output: Decodable>(
        _ service: AWSService,
        operation: String,
        input: some Encodable,
        as output: Output.Type = Output.self
    ) async throws -> Output {
        let request = try AWSJSONProtocol.request(service: service, operation: operation, body: AWSJSON.encode(input))
        let response = try await send(request, service: service, operation: operation)
        return try AWSJSON.decode(Output.self, from: response.body, service: service, operation: operation)
    }

    /// REST-JSON call: `method path` with `input` as the JSON body (nil sends no body).
    /// `path` must already be percent-encoded.
    public func restJSON<Output: Decodable>(
        _ service: AWSService,
        operation: String,
        method: String,
        path: String,
        input: (any Encodable)? = nil,
        as output: Output.Type = Output.self
    ) async throws -> Output {
        let body = try input.map { try AWSJSON.encode($0) } ?? Data()
        let request = RESTJSONProtocol.request(method: method, path: path, body: body)
        let response = try await send(request, service: service, operation: operation)
        return try AWSJSON.decode(Output.self, from: response.body, service: service, operation: operation)
    }

    /// Query-protocol call; returns the `<ActionResult>` element (or the root when there is none).
    public func query(
        _ service: AWSService,
        action: String,
        parameters: QueryParameters = QueryParameters(),
        signed: Bool = true
    ) async throws -> XMLTree {
        guard case .awsQuery(let version) = service.wireProtocol else {
            preconditionFailure("\(service.name) does not use the query protocol")
        }
        let request = AWSQueryProtocol.request(action: action, version: version, parameters: parameters)
        let response = try await send(request, service: service, operation: action, signed: signed)
        return try AWSQueryProtocol.result(of: action, from: response.body, service: service)
    }

    // MARK: - Private

    private func signer(for service: AWSService) async throws -> SigV4Signer {
        SigV4Signer(
            credentials: try await configuration.credentialsProvider.credentials(),
            region: configuration.signingRegion(for: service),
            service: service.signingName,
            options: service.signerOptions
        )
    }

    private static func isRetryable(_ error: any Error) -> Bool {
        switch error {
        case let error as AWSError: return error.isRetryable
        case AWSClientError.transportFailed: return true
        default: return false
        }
    }
}
