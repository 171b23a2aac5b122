/// An error response from an AWS service, whatever its wire protocol.
public struct AWSError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The service's name as the caller knows it, e.g. "CloudFormation".
    public var service: String
    public var operation: String
    public var statusCode: Int
    /// The short error code, e.g. `ThrottlingException` or `ValidationError`.
    public var code: String
    public var message: String
    public var requestID: String?
    /// The legacy query-protocol code some JSON services (SQS) also send, e.g. `AWS.SimpleQueueService.NonExistentQueue`.
    public var queryErrorCode: String?

    public init(
        service: String,
        operation: String,
        statusCode: Int,
        code: String,
        message: String,
        requestID: String? = nil,
        queryErrorCode: String? = nil
    ) {
        self.service = service
        self.operation = operation
        self.statusCode = statusCode
        self.code = code
        self.message = message
        self.requestID = requestID
        self.queryErrorCode = queryErrorCode
    }

    /// Codes AWS services use to say "slow down"; they are always worth retrying.
    public static let throttlingCodes: Set<String> = [
        "ThrottlingException", "Throttling", "ThrottledRequestException", "TooManyRequestsException",
        "RequestLimitExceeded", "ProvisionedThroughputExceededException", "SlowDown",
        "RequestThrottled", "RequestThrottledException", "BandwidthLimitExceeded",
    ]

    public var isThrottling: Bool {
        statusCode == 429 || Self.throttlingCodes.contains(code)
    }

    /// Throttling and server-side (5xx) failures may succeed on a later attempt.
    public var isRetryable: Bool {
        isThrottling || (500..<600).contains(statusCode)
    }

    public var description: String {
        var text = "\(service).\(operation) failed with HTTP \(statusCode) \(code)"
        if !message.isEmpty { text += ": \(message)" }
        if let requestID { text += " (request id \(requestID))" }
        return text
    }
}
