/// Sends one fully signed request. Tests inject a recording implementation.
public protocol HTTPTransport: Sendable {
    /// Returns any HTTP response, error statuses included; throws only when no response arrived.
    func send(_ request: AWSHTTPRequest) async throws -> AWSHTTPResponse
}
