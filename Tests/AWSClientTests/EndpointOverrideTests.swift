import AWSClient
import Foundation
import XCTest

/// `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>` as the AWS SDKs read them, and their
/// precedence: the override given in code, then the service's variable, then the shared one.
final class EndpointOverrideTests: XCTestCase {
    private let shared = URL(string: "http://127.0.0.1:4566")!
    private let dynamo = URL(string: "http://127.0.0.1:8000")!
    private let cli = URL(string: "http://127.0.0.1:5000")!

    private func configuration(_ environment: [String: String], endpointOverride: URL? = nil,
                               transport: RecordingTransport = RecordingTransport()) throws -> AWSClientConfiguration {
        try AWSClientConfiguration(
            region: "us-east-1", environment: environment, endpointOverride: endpointOverride,
            credentialsProvider: TestClients.credentials, transport: transport, retryPolicy: .none, now: { TestClients.sampleDate })
    }

    func testServiceVariablesAreTheSDKsIdentifiers() {
        let variables: [(AWSService, String)] = [
            (.dynamoDB, "AWS_ENDPOINT_URL_DYNAMODB"), (.sqs, "AWS_ENDPOINT_URL_SQS"), (.s3, "AWS_ENDPOINT_URL_S3"),
            (.sns, "AWS_ENDPOINT_URL_SNS"), (.cloudFormation, "AWS_ENDPOINT_URL_CLOUDFORMATION"),
            (.cloudWatchLogs, "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"), (.iam, "AWS_ENDPOINT_URL_IAM"),
            (.sesV2, "AWS_ENDPOINT_URL_SESV2"), (.socialMessaging, "AWS_ENDPOINT_URL_SOCIALMESSAGING"),
            (.smsVoiceV2, "AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2"), (.lambda, "AWS_ENDPOINT_URL_LAMBDA"),
            (.bedrockAgentRuntime, "AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME"),
        ]
        for (service, variable) in variables {
            XCTAssertEqual(service.endpointVariable, variable, service.name)
        }
    }

    func testServiceVariableWinsOverTheSharedOne() throws {
        let config = try configuration(["AWS_ENDPOINT_URL": shared.absoluteString, "AWS_ENDPOINT_URL_DYNAMODB": dynamo.absoluteString])
        XCTAssertEqual(try config.endpoint(for: .dynamoDB), dynamo)
        XCTAssertEqual(try config.endpoint(for: .sqs), shared)
        XCTAssertEqual(try config.endpoint(for: .iam), shared)
    }

    func testServiceVariableAloneLeavesOtherServicesOnAWS() throws {
        let config = try configuration(["AWS_ENDPOINT_URL_DYNAMODB": dynamo.absoluteString])
        XCTAssertEqual(try config.endpoint(for: .dynamoDB), dynamo)
        XCTAssertEqual(try config.endpoint(for: .sqs).absoluteString, "https://sqs.us-east-1.amazonaws.com")
    }

    func testTheOverrideGivenInCodeWinsOverBothVariables() throws {
        let config = try configuration(["AWS_ENDPOINT_URL": shared.absoluteString, "AWS_ENDPOINT_URL_DYNAMODB": dynamo.absoluteString],
                                       endpointOverride: cli)
        XCTAssertEqual(try config.endpoint(for: .dynamoDB), cli)
        XCTAssertEqual(try config.endpoint(for: .s3), cli)
    }

    func testIgnoreConfiguredEndpointURLsDisablesBothVariablesButNotTheCode() throws {
        let environment = ["AWS_ENDPOINT_URL": shared.absoluteString, "AWS_ENDPOINT_URL_DYNAMODB": dynamo.absoluteString,
                           "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "True"]
        let config = try configuration(environment)
        XCTAssertEqual(try config.endpoint(for: .dynamoDB).absoluteString, "https://dynamodb.us-east-1.amazonaws.com")
        XCTAssertNil(config.overriddenEndpoint(for: .sqs))
        XCTAssertEqual(try configuration(environment, endpointOverride: cli).endpoint(for: .dynamoDB), cli)
        // Anything but "true" leaves them on, as in the SDKs.
        var notIgnored = environment
        notIgnored["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "1"
        XCTAssertEqual(try configuration(notIgnored).endpoint(for: .dynamoDB), dynamo)
    }

    func testEmptyValuesCountAsUnset() throws {
        let config = try configuration(["AWS_ENDPOINT_URL": shared.absoluteString, "AWS_ENDPOINT_URL_DYNAMODB": ""])
        XCTAssertEqual(try config.endpoint(for: .dynamoDB), shared)
    }

    func testAMalformedURLIsRefusedWithItsVariable() {
        XCTAssertThrowsError(try configuration(["AWS_ENDPOINT_URL_SQS": "localhost:9324"])) { error in
            XCTAssertEqual(error as? EndpointConfigurationError, .invalidURL(variable: "AWS_ENDPOINT_URL_SQS", value: "localhost:9324"))
            XCTAssertTrue("\(error)".contains("AWS_ENDPOINT_URL_SQS=\"localhost:9324\" is not an endpoint URL"), "\(error)")
        }
        XCTAssertThrowsError(try configuration(["AWS_ENDPOINT_URL": "ftp://127.0.0.1"]))
    }

    func testRequestsGoToTheConfiguredEndpointAndKeepTheirSigning() async throws {
        let transport = RecordingTransport(json: #"{"MessageId":"m-1"}"#)
        let client = AWSClient(configuration: try configuration(
            ["AWS_ENDPOINT_URL_SQS": "http://127.0.0.1:9324", "AWS_ENDPOINT_URL_IAM": shared.absoluteString], transport: transport))
        _ = try await SQSClient(client: client).sendMessage(queueURL: "http://127.0.0.1:9324/000000000000/q", body: "hi")
        let request = try XCTUnwrap(transport.lastRequest)
        XCTAssertEqual(request.url?.absoluteString, "http://127.0.0.1:9324/")
        XCTAssertTrue(request.headers["Authorization"]?.contains("/us-east-1/sqs/aws4_request") == true)
        // A global service keeps its fixed signing region behind an override.
        XCTAssertEqual(client.configuration.signingRegion(for: .iam), "us-east-1")
        XCTAssertEqual(try client.configuration.endpoint(for: .iam), shared)
    }

    func testS3IsPathStyleWhenOnlyItsVariableIsSet() async throws {
        let transport = RecordingTransport([], fallback: AWSHTTPResponse(statusCode: 200))
        let s3 = S3Client(client: AWSClient(configuration: try configuration(["AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9000"], transport: transport)))
        try await s3.putObject(bucket: "media", key: "a.txt", body: Data("hi".utf8))
        XCTAssertEqual(transport.lastRequest?.url?.absoluteString, "http://127.0.0.1:9000/media/a.txt")
    }
}
