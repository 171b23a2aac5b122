import Foundation

/// Lambda (REST-JSON, API 2015-03-31): invoking functions, as the DLQ replay re-sends through the
/// outbound functions.
public struct LambdaClient: Sendable {
    public let client: AWSClient
    private let service = AWSService.lambda

    public init(client: AWSClient) {
        self.client = client
    }

    /// `X-Amz-Invocation-Type`: wait for the result, or queue the event and return at once.
    public enum InvocationType: String, Sendable {
        case requestResponse = "RequestResponse"
        case event = "Event"
    }

    /// What `Invoke` returned. A function that threw still answers 200: `functionError` says so.
    public struct InvokeResult: Sendable, Equatable {
        /// 200 for `RequestResponse`, 202 for `Event`.
        public var statusCode: Int
        /// `X-Amz-Function-Error` (`Unhandled`, …): the function failed and `payload` is its error object.
        public var functionError: String?
        /// `X-Amz-Executed-Version`: the version that ran.
        public var executedVersion: String?
        /// The function's response (empty for `Event`).
        public var payload: Data

        public init(statusCode: Int, functionError: String? = nil, executedVersion: String? = nil, payload: Data = Data()) {
            self.statusCode = statusCode
            self.functionError = functionError
            self.executedVersion = executedVersion
            self.payload = payload
        }
    }

    /// `POST /2015-03-31/functions/{FunctionName}/invocations` with `payload` as the event.
    /// - Parameters:
    ///   - functionName: a name, a partial or full ARN (any of them may carry `:qualifier`).
    ///   - qualifier: a version or alias, sent as `?Qualifier=`.
    /// - Throws: `AWSError` when Lambda refuses the call (not when the function fails: see `functionError`).
    public func invoke(
        functionName: String,
        payload: Data,
        invocationType: InvocationType = .requestResponse,
        qualifier: String? = nil
    ) async throws -> InvokeResult {
        var request = RESTJSONProtocol.request(
            method: "POST", path: "/2015-03-31/functions/\(PercentEncoding.encode(functionName))/invocations", body: payload)
        request.headers["X-Amz-Invocation-Type"] = invocationType.rawValue
        if let qualifier {
            request.query.append(.init(name: "Qualifier", value: qualifier))
        }
        let response = try await client.send(request, service: service, operation: "Invoke")
        return InvokeResult(
            statusCode: response.statusCode,
            functionError: response.headers["X-Amz-Function-Error"],
            executedVersion: response.headers["X-Amz-Executed-Version"],
            payload: response.body)
    }
}
