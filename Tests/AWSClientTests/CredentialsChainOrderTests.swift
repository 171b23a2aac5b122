import AWSClient
import Foundation
import XCTest

/// The standard chain's order, with every source configured at once and answered without a network:
/// environment, web identity, profile, container, instance metadata. Each step removes the winner.
final class CredentialsChainOrderTests: XCTestCase {
    private let sts = AnsweringTransport { request in
        XCTAssertEqual(request.host, "sts.eu-west-1.amazonaws.com")
        return AWSHTTPResponse(statusCode: 200, body: Data("""
            <AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>\
            <AccessKeyId>ASIAWEBID</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken>\
            <Expiration>2030-01-01T01:00:00Z</Expiration></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>
            """.utf8))
    }

    /// The container agent at 127.0.0.1:8080/creds and the instance metadata service at 127.0.0.1:8081, faked.
    private let metadata = AnsweringTransport { request in
        switch (request.port, request.method, request.path) {
        case (8080, "GET", "/creds"):
            return AWSHTTPResponse(statusCode: 200, body: Data(CredentialsFixtures.document("ASIACONTAINER").utf8))
        case (8081, "PUT", "/latest/api/token"):
            return AWSHTTPResponse(statusCode: 200, body: Data("token".utf8))
        case (8081, "GET", "/latest/meta-data/iam/security-credentials/"):
            return AWSHTTPResponse(statusCode: 200, body: Data("role".utf8))
        case (8081, "GET", "/latest/meta-data/iam/security-credentials/role"):
            return AWSHTTPResponse(statusCode: 200, body: Data(CredentialsFixtures.document("ASIAIMDS").utf8))
        default:
            return AWSHTTPResponse(statusCode: 404)
        }
    }

    func testTheSDKsOrder() async throws {
        let home = try TemporaryHome()
        let tokenFile = try home.write("token", "jwt")
        try home.write(".aws/credentials", "[default]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = p\n")
        var environment = [
            "HOME": home.path, "AWS_REGION": "eu-west-1",
            "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "e",
            "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/ci", "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile,
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:8080/creds",
            "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:8081",
        ]
        func winner() async throws -> String {
            try await CredentialsProviderChain.standard(CredentialsFixtures.context(environment, transport: sts, metadataTransport: metadata))
                .credentials().accessKeyID
        }
        var winners = [try await winner()]
        environment["AWS_ACCESS_KEY_ID"] = nil
        environment["AWS_SECRET_ACCESS_KEY"] = nil
        winners.append(try await winner())
        environment["AWS_WEB_IDENTITY_TOKEN_FILE"] = nil
        winners.append(try await winner())
        try FileManager.default.removeItem(atPath: home.path + "/.aws/credentials")
        winners.append(try await winner())
        environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = nil
        winners.append(try await winner())
        XCTAssertEqual(winners, ["AKIDENV", "ASIAWEBID", "AKIDPROFILE", "ASIACONTAINER", "ASIAIMDS"])
        XCTAssertEqual(sts.requests.count, 1)
    }

    func testTheEnvironmentsSessionTokenRidesAlong() async throws {
        let credentials = try await CredentialsProviderChain.standard(CredentialsFixtures.context([
            "AWS_ACCESS_KEY_ID": "ASIAENV", "AWS_SECRET_ACCESS_KEY": "e", "AWS_SESSION_TOKEN": "env-token",
        ])).credentials()
        XCTAssertEqual(credentials, AWSCredentials(accessKeyID: "ASIAENV", secretAccessKey: "e", sessionToken: "env-token"))
    }

    func testRequestsAreSignedWithTheChainsCredentials() async throws {
        let home = try TemporaryHome()
        let tokenFile = try home.write("token", "jwt")
        let recorder = RecordingTransport(json: "{}")
        let chain = CredentialsProviderChain.standard(CredentialsFixtures.context(
            ["HOME": home.path, "AWS_REGION": "eu-west-1", "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/ci",
             "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile], transport: sts))
        let client = AWSClient(configuration: AWSClientConfiguration(
            region: "eu-west-1", credentialsProvider: chain, transport: recorder, retryPolicy: .none, now: { CredentialsFixtures.now }))
        _ = try await client.send(AWSHTTPRequest(method: "POST", path: "/"), service: .dynamoDB, operation: "ListTables")
        let signed = try XCTUnwrap(recorder.lastRequest)
        XCTAssertTrue(signed.headers["Authorization"]?.contains("Credential=ASIAWEBID/20300101/eu-west-1/dynamodb/aws4_request") == true)
        XCTAssertEqual(signed.headers["X-Amz-Security-Token"], "t")
    }
}
