import Foundation

/// Builds REST-JSON requests: the operation's method and path, a JSON body.
public enum RESTJSONProtocol {
    /// `path` must already be percent-encoded (use `PercentEncoding.encode` for path labels).
    public static func request(method: String, path: String, body: Data) -> AWSHTTPRequest {
        var headers: HTTPHeaders = [:]
        if !body.isEmpty {
            headers["Content-Type"] = "application/json"
        }
        return AWSHTTPRequest(method: method, path: path, headers: headers, body: body)
    }
}
