/// What the client needs to know to reach and sign for one AWS service.
public struct AWSService: Sendable, Equatable {
    /// A single worldwide endpoint and the region it is always signed for.
    public struct GlobalEndpoint: Sendable, Equatable {
        public var host: String
        public var signingRegion: String

        public init(host: String, signingRegion: String) {
            self.host = host
            self.signingRegion = signingRegion
        }
    }

    /// Name used in errors, e.g. "CloudFormation".
    public var name: String
    /// First label of the regional host name: `<endpointPrefix>.<region>.amazonaws.com`.
    public var endpointPrefix: String
    /// The SigV4 service name in the credential scope (not always the endpoint prefix).
    public var signingName: String
    public var wireProtocol: AWSWireProtocol
    /// Global services (IAM) have one host and always sign for one region.
    public var global: GlobalEndpoint?
    public var signerOptions: SigV4Signer.Options

    public init(
        name: String,
        endpointPrefix: String,
        signingName: String? = nil,
        wireProtocol: AWSWireProtocol,
        global: GlobalEndpoint? = nil,
        signerOptions: SigV4Signer.Options = .standard
    ) {
        self.name = name
        self.endpointPrefix = endpointPrefix
        self.signingName = signingName ?? endpointPrefix
        self.wireProtocol = wireProtocol
        self.global = global
        self.signerOptions = signerOptions
    }
}

extension AWSService {
    public static let cloudFormation = AWSService(
        name: "CloudFormation", endpointPrefix: "cloudformation", wireProtocol: .awsQuery(version: "2010-05-15"))
    public static let dynamoDB = AWSService(
        name: "DynamoDB", endpointPrefix: "dynamodb",
        wireProtocol: .awsJSON(version: "1.0", targetPrefix: "DynamoDB_20120810"))
    public static let sqs = AWSService(
        name: "SQS", endpointPrefix: "sqs",
        wireProtocol: .awsJSON(version: "1.0", targetPrefix: "AmazonSQS", queryCompatible: true))
    public static let cloudWatchLogs = AWSService(
        name: "CloudWatchLogs", endpointPrefix: "logs",
        wireProtocol: .awsJSON(version: "1.1", targetPrefix: "Logs_20140328"))
    public static let s3 = AWSService(
        name: "S3", endpointPrefix: "s3", wireProtocol: .restXML, signerOptions: .s3)
    public static let sns = AWSService(
        name: "SNS", endpointPrefix: "sns", wireProtocol: .awsQuery(version: "2010-03-31"))
    public static let iam = AWSService(
        name: "IAM", endpointPrefix: "iam", wireProtocol: .awsQuery(version: "2010-05-08"),
        global: GlobalEndpoint(host: "iam.amazonaws.com", signingRegion: "us-east-1"))
    public static let sesV2 = AWSService(
        name: "SESv2", endpointPrefix: "email", signingName: "ses", wireProtocol: .restJSON)
    public static let socialMessaging = AWSService(
        name: "SocialMessaging", endpointPrefix: "social-messaging", wireProtocol: .restJSON)
    public static let smsVoiceV2 = AWSService(
        name: "PinpointSMSVoiceV2", endpointPrefix: "sms-voice",
        wireProtocol: .awsJSON(version: "1.0", targetPrefix: "PinpointSMSVoiceV2"))
}
