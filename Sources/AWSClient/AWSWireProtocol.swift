/// How a service encodes requests and errors on the wire.
public enum AWSWireProtocol: Sendable, Equatable {
    /// `POST /` with `X-Amz-Target: <targetPrefix>.<Operation>` and a JSON body.
    /// `queryCompatible` services (SQS) also get `x-amzn-query-mode: true` and send query error codes.
    case awsJSON(version: String, targetPrefix: String, queryCompatible: Bool = false)
    /// Method + path + JSON body (SESv2, End User Messaging Social).
    case restJSON
    /// Form-encoded `Action=…&Version=…` with XML responses (CloudFormation, SNS, IAM).
    case awsQuery(version: String)
    /// Method + path with XML bodies and errors (S3).
    case restXML

    /// True when error bodies are XML rather than JSON.
    public var usesXMLErrors: Bool {
        switch self {
        case .awsQuery, .restXML: return true
        case .awsJSON, .restJSON: return false
        }
    }
}
