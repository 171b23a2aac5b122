import Foundation

/// Builds AWS JSON 1.0/1.1 requests: `POST /`, `X-Amz-Target: <prefix>.<Operation>`.
public enum AWSJSONProtocol {
    public static func request(service: AWSService, operation: String, body: Data) -> AWSHTTPRequest {
        guard case .awsJSON(let version, let targetPrefix, let queryCompatible) = service.wireProtocol else {
            preconditionFailure("\(service.name) does not use the AWS JSON protocol")
        }
        var headers: HTTPHeaders = [
            "Content-Type": "application/x-amz-json-\(version)",
            "X-Amz-Target": "\(targetPrefix).\(operation)",
        ]
        if queryCompatible {
            headers["x-amzn-query-mode"] = "true"
        }
        return AWSHTTPRequest(method: "POST", path: "/", headers: headers, body: body)
    }
}
