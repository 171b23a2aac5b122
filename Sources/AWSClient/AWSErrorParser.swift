import Foundation

/// Turns a non-2xx response into an `AWSError`, for either error body format.
public enum AWSErrorParser {
    public static func parse(_ response: AWSHTTPResponse, service: AWSService, operation: String) -> AWSError {
        service.wireProtocol.usesXMLErrors
            ? xml(response, service: service.name, operation: operation)
            : json(response, service: service.name, operation: operation)
    }

    /// JSON services: code from `x-amzn-ErrorType`, else the body's `__type` or `code`;
    /// both may carry a namespace (`com.amazonaws.dynamodb.v20120810#Code`) or a URL suffix (`Code:http://…`).
    public static func json(_ response: AWSHTTPResponse, service: String, operation: String) -> AWSError {
        let body = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] ?? [:]
        let rawCode = response.headers["x-amzn-ErrorType"]
            ?? body["__type"] as? String
            ?? body["code"] as? String
            ?? body["Code"] as? String
        let message = body["message"] as? String ?? body["Message"] as? String ?? body["errorMessage"] as? String
        let queryError = response.headers["x-amzn-query-error"]?.split(separator: ";").first.map(String.init)
        return AWSError(
            service: service,
            operation: operation,
            statusCode: response.statusCode,
            code: rawCode.map(shortCode) ?? fallbackCode(response.statusCode),
            message: message ?? String(decoding: response.body.prefix(500), as: UTF8.self),
            requestID: response.requestIDHeader,
            queryErrorCode: queryError
        )
    }

    /// XML services: `<ErrorResponse><Error><Code>` (query) or `<Error><Code>` (S3).
    public static func xml(_ response: AWSHTTPResponse, service: String, operation: String) -> AWSError {
        let tree = try? XMLTree(parsing: response.body)
        let error = tree?.first(named: "Error")
        let requestID = tree?.string("RequestId") ?? error?.string("RequestId") ?? tree?.string("RequestID")
        return AWSError(
            service: service,
            operation: operation,
            statusCode: response.statusCode,
            code: error?.string("Code") ?? fallbackCode(response.statusCode),
            message: error?.string("Message") ?? (tree == nil ? String(decoding: response.body.prefix(500), as: UTF8.self) : ""),
            requestID: requestID ?? response.requestIDHeader
        )
    }

    private static func shortCode(_ raw: String) -> String {
        var code = Substring(raw)
        if let colon = code.firstIndex(of: ":") { code = code[..<colon] }
        if let hash = code.lastIndex(of: "#") { code = code[code.index(after: hash)...] }
        return code.trimmingCharacters(in: .whitespaces)
    }

    /// Bodiless errors (a HEAD request, a proxy's 503) still get a code retries can act on.
    private static func fallbackCode(_ status: Int) -> String {
        switch status {
        case 429: return "TooManyRequestsException"
        case 500..<600: return "ServiceUnavailable"
        default: return "HTTP\(status)"
        }
    }
}
