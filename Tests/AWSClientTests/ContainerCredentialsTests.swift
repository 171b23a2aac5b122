import AWSClient
import Foundation
import HTTPTypes
import Hummingbird
import XCTest

/// ECS / EKS Pod Identity container credentials against a loopback endpoint standing in for the
/// agent (the full URI points at 127.0.0.1; the relative URI's fixed host is only checked, never reached).
final class ContainerCredentialsTests: XCTestCase {
    private static func agent(_ router: Router<BasicRequestContext>, _ seen: SeenRequests) {
        router.get("/v2/credentials/task-1") { request, _ -> Response in
            seen.record(request)
            guard request.headers[.authorization] == "agent-token" else { return CredentialsFixtures.text("no", status: .forbidden) }
            return CredentialsFixtures.json(CredentialsFixtures.document("ASIATASK", extra: #""RoleArn":"arn:aws:iam::1:role/task","#))
        }
        router.get("/flaky") { request, _ -> Response in
            seen.record(request)
            return seen.all.count < 3 ? CredentialsFixtures.text("busy", status: .serviceUnavailable)
                : CredentialsFixtures.json(CredentialsFixtures.document("ASIAFLAKY"))
        }
        router.get("/broken") { request, _ -> Response in
            seen.record(request)
            return CredentialsFixtures.text("agent error", status: .internalServerError)
        }
    }

    func testTheFullURIWithATokenFromTheEnvironmentOrAFile() async throws {
        try await CredentialsFixtures.withServer(Self.agent) { agent, seen in
            let home = try TemporaryHome()
            let uri = agent.absoluteString + "/v2/credentials/task-1"
            let fromVariable = try await CredentialsProviderChain.standard(CredentialsFixtures.context([
                "HOME": home.path, "AWS_CONTAINER_CREDENTIALS_FULL_URI": uri, "AWS_CONTAINER_AUTHORIZATION_TOKEN": "agent-token",
            ])).credentials()
            XCTAssertEqual(fromVariable, AWSCredentials(accessKeyID: "ASIATASK", secretAccessKey: "secret-ASIATASK", sessionToken: "token-ASIATASK",
                                                        expiration: Date(timeIntervalSince1970: 1_893_477_600)))
            XCTAssertEqual(seen.all.last?.method, "GET")
            XCTAssertEqual(seen.all.last?.headers["authorization"], "agent-token")

            let tokenFile = try home.write("eks-pod-identity-token", "agent-token\n")
            let fromFile = try await CredentialsProviderChain.standard(CredentialsFixtures.context([
                "HOME": home.path, "AWS_CONTAINER_CREDENTIALS_FULL_URI": uri,
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile, "AWS_CONTAINER_AUTHORIZATION_TOKEN": "stale-token",
            ])).credentials()
            XCTAssertEqual(fromFile.accessKeyID, "ASIATASK", "the token file wins over the variable")
            XCTAssertEqual(seen.all.count, 2)
        }
    }

    func testTheRelativeURIGoesToTheFixedAgentAddress() async throws {
        let agent = AnsweringTransport { _ in AWSHTTPResponse(statusCode: 200, body: Data(CredentialsFixtures.document("ASIAECS").utf8)) }
        let credentials = try await ContainerCredentialsProvider(context: CredentialsFixtures.context(
            ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc?x=1"], metadataTransport: agent)).credentials()
        XCTAssertEqual(credentials.accessKeyID, "ASIAECS")
        let request = try XCTUnwrap(agent.requests.first)
        XCTAssertEqual(request.url?.absoluteString, "http://169.254.170.2/v2/credentials/abc?x=1")
        XCTAssertNil(request.headers["Authorization"])
    }

    func testPlainHTTPToAnotherHostIsRefused() async throws {
        let agent = AnsweringTransport { _ in AWSHTTPResponse(statusCode: 200) }
        let error = await XCTAssertCredentialsError {
            try await ContainerCredentialsProvider(context: CredentialsFixtures.context(
                ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://credentials.example.com/creds"], metadataTransport: agent)).credentials()
        }
        guard case .incomplete(_, let reason)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(reason.contains("plain http to credentials.example.com"), reason)
        XCTAssertTrue(agent.requests.isEmpty)
    }

    func testA5xxIsRetriedAndAPersistentOneFails() async throws {
        try await CredentialsFixtures.withServer(Self.agent) { agent, seen in
            let flaky = try await ContainerCredentialsProvider(context: CredentialsFixtures.context(
                ["AWS_CONTAINER_CREDENTIALS_FULL_URI": agent.absoluteString + "/flaky"])).credentials()
            XCTAssertEqual(flaky.accessKeyID, "ASIAFLAKY")
            XCTAssertEqual(seen.all.count, 3)

            let error = await XCTAssertCredentialsError {
                try await CredentialsProviderChain.standard(CredentialsFixtures.context(
                    ["HOME": "/nonexistent-home", "AWS_CONTAINER_CREDENTIALS_FULL_URI": agent.absoluteString + "/broken"])).credentials()
            }
            XCTAssertEqual(error, .failed(source: "container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI)",
                                          reason: "\(agent.absoluteString)/broken answered HTTP 500"))
            XCTAssertEqual(seen.all.count, 6, "three attempts, and the chain stops there (no instance metadata)")
        }
    }
}
