/// An endpoint override that cannot be used.
public enum EndpointConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The variable's value is not an absolute http(s) URL with a host.
    case invalidURL(variable: String, value: String)

    public var description: String {
        switch self {
        case .invalidURL(let variable, let value):
            return "\(variable)=\"\(value)\" is not an endpoint URL: give an absolute http(s) URL such as "
                + "http://127.0.0.1:5000, or unset it (AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true ignores all of them)"
        }
    }
}
