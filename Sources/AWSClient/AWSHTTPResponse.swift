import Foundation

/// A received HTTP response: status, headers and the whole body.
public struct AWSHTTPResponse: Sendable, Equatable {
    public var statusCode: Int
    public var headers: HTTPHeaders
    public var body: Data

    public init(statusCode: Int, headers: HTTPHeaders = [:], body: Data = Data()) {
        self.statusCode = statusCode
        self.headers = headers
        self.body = body
    }

    public var isSuccess: Bool { (200..<300).contains(statusCode) }

    /// The request id AWS echoes in a header (JSON services use the first, S3 the second).
    public var requestIDHeader: String? {
        headers["x-amzn-RequestId"] ?? headers["x-amz-request-id"]
    }
}
