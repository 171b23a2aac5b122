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
    /// The SDKs' `serviceId` ("CloudWatch Logs"), from which the SDKs derive the service's
    /// endpoint variable (`AWS_ENDPOINT_URL_CLOUDWATCH_LOGS`) and config-file key.
    public var serviceID: String
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
        serviceID: String,
        endpointPrefix: String,
        signingName: String? = nil,
        wireProtocol: AWSWireProtocol,
        global: GlobalEndpoint? = nil,
        signerOptions: SigV4Signer.Options = .standard
    ) {
        self.name = name
        self.serviceID = serviceID
        self.endpointPrefix = endpointPrefix
        self.signingName = signingName ?? endpointPrefix
        self.wireProtocol = wireProtocol
        self.global = global
        self.signerOptions = signerOptions
    }

    /// `AWS_ENDPOINT_URL_<SERVICE>`: the serviceId upper-cased, spaces as underscores, as in the
    /// SDKs and Tools Reference Guide's table of service-specific endpoint identifiers.
    public var endpointVariable: String {
        "AWS_ENDPOINT_URL_" + String(serviceID.uppercased().map { $0 == " " ? "_" : $0 })
    }
}

extension AWSService {
    public static let cloudFormation = AWSService(
        name: "CloudFormation", serviceID: "CloudFormation", endpointPrefix: "cloudformation",
        wireProtocol: .awsQuery(version: "2010-05-15"))
    public static let dynamoDB = AWSService(
        name: "DynamoDB", serviceID: "DynamoDB", endpointPrefix: "dynamodb",
        wireProtocol: .awsJSON(version: "1.0", targetPrefix: "DynamoDB_20120810"))
    public static let sqs = AWSService(
        name: "SQS", serviceID: "SQS", endpointPrefix: "sqs",
        wireProtocol: .awsJSON(version: "1.0", targetPrefix: "AmazonSQS", queryCompatible: true))
    public static let cloudWatchLogs = AWSService(
        name: "CloudWatchLogs", serviceID: "CloudWatch Logs", endpointPrefix: "logs",
        wireProtocol: .awsJSON(version: "1.1", targetPrefix: "Logs_20140328"))
    public static let s3 = AWSService(
        name: "S3", serviceID: "S3", endpointPrefix: "s3", wireProtocol: .restXML, signerOptions: .s3)
    public static let sns = AWSService(
        name: "SNS", serviceID: "SNS", endpointPrefix: "sns", wireProtocol: .awsQuery(version: "2010-03-31"))
    public static let iam = AWSService(
        name: "IAM", serviceID: "IAM", endpointPrefix: "iam", wireProtocol: .awsQuery(version: "2010-05-08"),
        global: GlobalEndpoint(host: "iam.amazonaws.com", signingRegion: "us-east-1"))
    public static let sesV2 = AWSService(
        name: "SESv2", serviceID: "SESv2", endpointPrefix: "email", signingName: "ses", wireProtocol: .restJSON)
    public static let socialMessaging = AWSService(
        name: "SocialMessaging", serviceID: "SocialMessaging", endpointPrefix: "social-messaging", wireProtocol: .restJSON)
    public static let smsVoiceV2 = AWSService(
        name: "PinpointSMSVoiceV2", serviceID: "Pinpoint SMS Voice V2", endpointPrefix: "sms-voice",
        wireProtocol: .awsJSON(version: "1.0", targetPrefix: "PinpointSMSVoiceV2"))
    public static let lambda = AWSService(
        name: "Lambda", serviceID: "Lambda", endpointPrefix: "lambda", wireProtocol: .restJSON)
    /// Bedrock's knowledge bases and agents at run time; signed for `bedrock`, not its endpoint prefix.
    public static let bedrockAgentRuntime = AWSService(
        name: "BedrockAgentRuntime", serviceID: "Bedrock Agent Runtime", endpointPrefix: "bedrock-agent-runtime", signingName: "bedrock",
        wireProtocol: .restJSON)
    /// Regional endpoints (`sts.<region>.amazonaws.com`), as the SDKs use by default now.
    public static let sts = AWSService(
        name: "STS", serviceID: "STS", endpointPrefix: "sts", wireProtocol: .awsQuery(version: "2011-06-15"))
    /// The AWS IAM Identity Center (SSO) portal, `portal.sso.<region>.amazonaws.com`; its calls are unsigned.
    public static let sso = AWSService(
        name: "SSO", serviceID: "SSO", endpointPrefix: "portal.sso", signingName: "awsssoportal", wireProtocol: .restJSON)
    /// IAM Identity Center's OpenID Connect service, `oidc.<region>.amazonaws.com`, where an SSO token is renewed; unsigned.
    public static let ssoOIDC = AWSService(
        name: "SSO OIDC", serviceID: "SSO OIDC", endpointPrefix: "oidc", signingName: "sso-oauth", wireProtocol: .restJSON)
}
