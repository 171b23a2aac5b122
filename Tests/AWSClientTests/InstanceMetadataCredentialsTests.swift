import AWSClient
import Foundation
import HTTPTypes
import Hummingbird
import XCTest

/// IMDSv2 against a loopback server named by `AWS_EC2_METADATA_SERVICE_ENDPOINT` (never
/// 169.254.169.254): the token dance, no role, disabled, and no answer falling through fast.
final class InstanceMetadataCredentialsTests: XCTestCase {
    private static func imds(role: String?) -> @Sendable (Router<BasicRequestContext>, SeenRequests) -> Void {
        { router, seen in
            router.put("/latest/api/token") { request, _ -> Response in
                seen.record(request)
                guard request.headers[HTTPField.Name("X-aws-ec2-metadata-token-ttl-seconds")!] == "21600" else {
                    return CredentialsFixtures.text("missing ttl", status: .badRequest)
                }
                return CredentialsFixtures.text("imds-session-token")
            }
            router.get("/latest/meta-data/iam/security-credentials/") { request, _ -> Response in
                seen.record(request)
                guard request.headers[HTTPField.Name("X-aws-ec2-metadata-token")!] == "imds-session-token" else {
                    return CredentialsFixtures.text("", status: .unauthorized)
                }
                guard let role else { return CredentialsFixtures.text("", status: .notFound) }
                return CredentialsFixtures.text(role + "\n")
            }
            router.get("/latest/meta-data/iam/security-credentials/{role}") { request, context -> Response in
                seen.record(request)
                guard request.headers[HTTPField.Name("X-aws-ec2-metadata-token")!] == "imds-session-token",
                      context.parameters.get("role") == role else {
                    return CredentialsFixtures.text("", status: .unauthorized)
                }
                return CredentialsFixtures.json(CredentialsFixtures.document(
                    "ASIAEC2", extra: #""Code":"Success","LastUpdated":"2030-01-01T00:00:00Z","Type":"AWS-HMAC","#))
            }
        }
    }

    func testTheTokenThenTheRoleThenItsCredentials() async throws {
        try await CredentialsFixtures.withServer(Self.imds(role: "web-server")) { imds, seen in
            let credentials = try await CredentialsProviderChain.standard(CredentialsFixtures.context(
                ["HOME": "/nonexistent-home", "AWS_EC2_METADATA_SERVICE_ENDPOINT": imds.absoluteString])).credentials()
            XCTAssertEqual(credentials, AWSCredentials(accessKeyID: "ASIAEC2", secretAccessKey: "secret-ASIAEC2", sessionToken: "token-ASIAEC2",
                                                       expiration: Date(timeIntervalSince1970: 1_893_477_600)))
            XCTAssertEqual(seen.all.map { "\($0.method) \($0.path)" }, [
                "PUT /latest/api/token",
                "GET /latest/meta-data/iam/security-credentials/",
                "GET /latest/meta-data/iam/security-credentials/web-server",
            ])
            XCTAssertEqual(seen.all[0].headers["x-aws-ec2-metadata-token-ttl-seconds"], "21600")
            XCTAssertEqual(seen.all[2].headers["x-aws-ec2-metadata-token"], "imds-session-token")
        }
    }

    func testNoRoleAttachedIsNotFound() async throws {
        try await CredentialsFixtures.withServer(Self.imds(role: nil)) { imds, _ in
            let error = await XCTAssertCredentialsError {
                try await InstanceMetadataCredentialsProvider(context: CredentialsFixtures.context(
                    ["AWS_EC2_METADATA_SERVICE_ENDPOINT": imds.absoluteString])).credentials()
            }
            XCTAssertEqual(error, .notFound(searched: ["EC2 instance metadata at \(imds.absoluteString): no IAM role is attached to this instance"]))
        }
    }

    func testDisabledSendsNothing() async throws {
        let transport = AnsweringTransport { _ in AWSHTTPResponse(statusCode: 200) }
        let error = await XCTAssertCredentialsError {
            try await InstanceMetadataCredentialsProvider(context: CredentialsFixtures.context(
                ["AWS_EC2_METADATA_DISABLED": "TRUE"], metadataTransport: transport)).credentials()
        }
        XCTAssertEqual(error, .notFound(searched: ["EC2 instance metadata: AWS_EC2_METADATA_DISABLED=true"]))
        XCTAssertTrue(transport.requests.isEmpty)
    }

    func testTheDefaultEndpointIsTheLinkLocalAddress() throws {
        XCTAssertEqual(try InstanceMetadataCredentialsProvider(context: CredentialsFixtures.context([:])).endpoint().absoluteString,
                       "http://169.254.169.254")
        XCTAssertEqual(try InstanceMetadataCredentialsProvider(context: CredentialsFixtures.context(
            ["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv6"])).endpoint().absoluteString, "http://[fd00:ec2::254]")
    }

    func testNoMetadataServiceFallsThroughFast() async throws {
        // A closed loopback port: connections are refused, and the transport retries them until its one-second deadline.
        let closed = "http://127.0.0.1:9"
        let started = Date()
        let error = await XCTAssertCredentialsError {
            try await CredentialsProviderChain.standard(CredentialsFixtures.context(
                ["HOME": "/nonexistent-home", "AWS_EC2_METADATA_SERVICE_ENDPOINT": closed])).credentials()
        }
        guard case .notFound(let searched)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(searched.count, 5)
        XCTAssertTrue(searched.last?.hasPrefix("EC2 instance metadata at \(closed): no answer") == true, "\(searched)")
        XCTAssertLessThan(Date().timeIntervalSince(started), 2)
    }

    func testASilentMetadataServiceIsGivenUpOnWithinTheTimeout() async throws {
        try await CredentialsFixtures.withServer({ router, _ in
            router.put("/latest/api/token") { _, _ -> Response in
                try? await Task.sleep(for: .seconds(3))
                return CredentialsFixtures.text("too late")
            }
        }) { imds, _ in
            let started = Date()
            let error = await XCTAssertCredentialsError {
                try await InstanceMetadataCredentialsProvider(context: CredentialsFixtures.context(
                    ["AWS_EC2_METADATA_SERVICE_ENDPOINT": imds.absoluteString])).credentials()
            }
            guard case .notFound? = error else { return XCTFail("\(String(describing: error))") }
            let waited = Date().timeIntervalSince(started)
            XCTAssertLessThan(waited, 2.5, "the metadata transport gives up after about a second")
            XCTAssertGreaterThan(waited, 0.5)
        }
    }
}
