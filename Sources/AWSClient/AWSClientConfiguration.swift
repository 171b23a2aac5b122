import Foundation

/// Everything an `AWSClient` needs that is not specific to one call.
public struct AWSClientConfiguration: Sendable {
    public var region: String
    /// Sends every service to this one URL (a local emulator such as moto), whatever the environment
    /// says: the override given in code (the CLI's `--endpoint-url`) wins.
    /// Signing still uses each service's own name and the configured region.
    public var endpointOverride: URL?
    /// `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>`, for the services `endpointOverride` leaves alone.
    public var configuredEndpoints: EndpointOverrides
    public var credentialsProvider: any CredentialsProvider
    public var transport: any HTTPTransport
    public var retryPolicy: RetryPolicy
    /// The signing clock; injected so signatures in tests are exact.
    public var now: @Sendable () -> Date

    /// A configuration that ignores the environment's endpoint variables (tests, explicit set-ups).
    public init(
        region: String,
        endpointOverride: URL? = nil,
        configuredEndpoints: EndpointOverrides = .none,
        credentialsProvider: any CredentialsProvider,
        transport: any HTTPTransport = AsyncHTTPClientTransport(),
        retryPolicy: RetryPolicy = .standard,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.region = region
        self.endpointOverride = endpointOverride
        self.configuredEndpoints = configuredEndpoints
        self.credentialsProvider = credentialsProvider
        self.transport = transport
        self.retryPolicy = retryPolicy
        self.now = now
    }

    /// A configuration that honours the endpoint variables of `environment`, as the AWS SDKs do;
    /// callers pass `ProcessInfo.processInfo.environment`. `endpointOverride` still wins over them.
    public init(
        region: String,
        environment: [String: String],
        endpointOverride: URL? = nil,
        credentialsProvider: any CredentialsProvider,
        transport: any HTTPTransport = AsyncHTTPClientTransport(),
        retryPolicy: RetryPolicy = .standard,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws(EndpointConfigurationError) {
        self.init(
            region: region, endpointOverride: endpointOverride, configuredEndpoints: try EndpointOverrides(environment: environment),
            credentialsProvider: credentialsProvider, transport: transport, retryPolicy: retryPolicy, now: now)
    }

    /// The endpoint `service` is sent to instead of AWS's own, if any: the override given in code,
    /// then `AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`.
    public func overriddenEndpoint(for service: AWSService) -> URL? {
        endpointOverride ?? configuredEndpoints.url(for: service)
    }

    /// The base URL for `service`: an override, the global host, or `https://<prefix>.<region>.amazonaws.com`.
    public func endpoint(for service: AWSService) throws -> URL {
        if let overridden = overriddenEndpoint(for: service) { return overridden }
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
