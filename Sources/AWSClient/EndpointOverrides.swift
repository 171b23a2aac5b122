import Foundation

/// Endpoints configured outside the code, read as the AWS SDKs read them: `AWS_ENDPOINT_URL_<SERVICE>`
/// for one service, else `AWS_ENDPOINT_URL` for all; neither when
/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is `true`. Empty values count as unset, as in the SDKs.
public struct EndpointOverrides: Sendable, Equatable {
    /// `AWS_ENDPOINT_URL`: every service without a service-specific endpoint.
    public var allServices: URL?
    /// `AWS_ENDPOINT_URL_<SERVICE>` values, by variable name.
    public var byVariable: [String: URL]

    public static let none = EndpointOverrides()

    public init(allServices: URL? = nil, byVariable: [String: URL] = [:]) {
        self.allServices = allServices
        self.byVariable = byVariable
    }

    /// Reads every `AWS_ENDPOINT_URL*` variable of `environment` (pass
    /// `ProcessInfo.processInfo.environment`). A malformed URL is refused here rather than at the
    /// first request, whichever service it names.
    public init(environment: [String: String]) throws(EndpointConfigurationError) {
        self.init()
        if environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]?.lowercased() == "true" { return }
        for (name, value) in environment where name.hasPrefix("AWS_ENDPOINT_URL") && !value.isEmpty {
            if name == "AWS_ENDPOINT_URL" {
                allServices = try Self.url(value, variable: name)
            } else if name.hasPrefix("AWS_ENDPOINT_URL_") {
                byVariable[name] = try Self.url(value, variable: name)
            }
        }
    }

    /// The configured endpoint of `service`: its own, else the one for all services, else nil.
    public func url(for service: AWSService) -> URL? {
        byVariable[service.endpointVariable] ?? allServices
    }

    private static func url(_ text: String, variable: String) throws(EndpointConfigurationError) -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty else {
            throw .invalidURL(variable: variable, value: text)
        }
        return url
    }
}
