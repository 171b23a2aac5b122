/// Failures of the client itself rather than error responses from a service.
public enum AWSClientError: Error, Sendable, CustomStringConvertible {
    /// The service answered 2xx but the body did not have the expected shape.
    case invalidResponse(service: String, operation: String, reason: String)
    /// No HTTP response arrived, even after retries (connection refused, timeout, …).
    case transportFailed(service: String, operation: String, underlying: any Error)
    /// A request could not be built from the given input.
    case invalidRequest(service: String, operation: String, reason: String)

    public var description: String {
        switch self {
        case .invalidResponse(let service, let operation, let reason):
            return "\(service).\(operation): unexpected response: \(reason)"
        case .transportFailed(let service, let operation, let underlying):
            return "\(service).\(operation): no response from the endpoint: \(underlying)"
        case .invalidRequest(let service, let operation, let reason):
            return "\(service).\(operation): invalid request: \(reason)"
        }
    }
}
