import Foundation

/// Everything an `AWSClient` needs that is not specific to one call.
public struct AWSClientConfiguration: Sendable {
    public var region: String
    /// Sends every service to this one URL (a local emulator such as moto);
    /// signing still uses each service's own name and the configured region.
    public var endpointOverride: URL?
    public var credentialsProvider: any CredentialsProvider
    public var transport: any HTTPTransport
    public var retryPolicy: RetryPolicy
    /// The signing clock; injected so signatures in tests are exact.
    public var now: @Sendable () -> Date

    public init(
        region: String,
        endpointOverride: URL? = nil,
        credentialsProvider: any CredentialsProvider,
        transport: any HTTPTransport = AsyncHTTPClientTransport(),
        retryPolicy: RetryPolicy = .standard,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.region = region
        self.endpointOverride = endpointOverride
        self.credentialsProvider = credentialsProvider
        self.transport = transport
        self.retryPolicy = retryPolicy
        self.now = now
    }

    /// The base URL for `service`: the override, the global host, or `https://<prefix>.<region>.amazonaws.com`.
    public func endpoint(for service: AWSService) throws -> URL {
        if let endpointOverride { return endpointOverride }
        let host = service.global?.host ?? "\(service.endpointPrefix).\(region).amazonaws.com"
        guard let url = URL(string: "https://\(host)"), url.host != nil else {
            throw AWSClientError.invalidRequest(
                service: service.name, operation: "", reason: "region \"\(region)\" does not form a valid host name")
        }
        return url
    }

    /// Global services sign for their fixed region whatever region the client is in.
    public func signingRegion(for service: AWSService) -> String {
        service.global?.signingRegion ?? region
    }
}
