import AWSClient
import Foundation
import HTTPTypes
import Hummingbird
import XCTest

/// SSO profiles: the token `aws sso login` cached, exchanged at a loopback portal
/// (`AWS_ENDPOINT_URL_SSO`) that checks the request's shape; a stale token asks for `aws sso login`.
final class SSOCredentialsTests: XCTestCase {
    /// sha1("corp") and sha1("https://legacy.awsapps.com/start"), as the AWS CLI names its cache files.
    static let sessionCacheFile = ".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json"
    static let legacyCacheFile = ".aws/sso/cache/79e435d7a515078e81c9dffc35f38d5687ebd3a7.json"

    static let config = """
        [profile dev]
        sso_session = corp
        sso_account_id = 111122223333
        sso_role_name = Developer
        region = eu-west-1

        [profile legacy]
        sso_start_url = https://legacy.awsapps.com/start
        sso_region = us-east-2
        sso_account_id = 444455556666
        sso_role_name = ReadOnly

        [profile broken]
        sso_session = corp

        [sso-session corp]
        sso_start_url = https://corp.awsapps.com/start
        sso_region = eu-central-1
        sso_registration_scopes = sso:account:access
        """

    private static func portal(_ router: Router<BasicRequestContext>, _ seen: SeenRequests) {
        router.get("/federation/credentials") { request, _ -> Response in
            seen.record(request)
            guard request.headers[HTTPField.Name("x-amz-sso_bearer_token")!] == "valid-token" else {
                return Response(status: .unauthorized, headers: [HTTPField.Name("x-amzn-ErrorType")!: "UnauthorizedException"],
                                body: .init(byteBuffer: ByteBuffer(string: #"{"message":"Session token not found or invalid"}"#)))
            }
            let role = request.uri.queryParameters["role_name"].map(String.init) ?? ""
            return CredentialsFixtures.json(#"""
                {"roleCredentials":{"accessKeyId":"ASIA\#(role.uppercased())","secretAccessKey":"sso-secret",\#
                "sessionToken":"sso-token","expiration":1893459600000}}
                """#)
        }
    }

    private static func token(_ accessToken: String, expiresAt: String) -> String {
        #"{"startUrl":"https://corp.awsapps.com/start","region":"eu-central-1","accessToken":"\#(accessToken)","expiresAt":"\#(expiresAt)"}"#
    }

    func testAnSSOSessionProfileExchangesTheCachedToken() async throws {
        try await CredentialsFixtures.withServer(Self.portal) { portal, seen in
            let home = try TemporaryHome()
            try home.write(".aws/config", Self.config)
            try home.write(Self.sessionCacheFile, Self.token("valid-token", expiresAt: "2030-01-01T08:00:00Z"))
            let credentials = try await CredentialsProviderChain.standard(CredentialsFixtures.context(
                ["HOME": home.path, "AWS_ENDPOINT_URL_SSO": portal.absoluteString]), profile: "dev").credentials()
            XCTAssertEqual(credentials, AWSCredentials(accessKeyID: "ASIADEVELOPER", secretAccessKey: "sso-secret", sessionToken: "sso-token",
                                                       expiration: Date(timeIntervalSince1970: 1_893_459_600)))
            let request = try XCTUnwrap(seen.all.first)
            XCTAssertEqual(request.method, "GET")
            XCTAssertEqual(request.path, "/federation/credentials")
            XCTAssertEqual(request.query, ["role_name": "Developer", "account_id": "111122223333"])
            XCTAssertEqual(request.headers["x-amz-sso_bearer_token"], "valid-token")
            XCTAssertNil(request.headers["authorization"], "the portal call is unsigned")
        }
    }

    func testALegacyProfileUsesTheStartURLsCacheFileAndTheRegionalPortal() async throws {
        let home = try TemporaryHome()
        try home.write(".aws/config", Self.config)
        try home.write(Self.legacyCacheFile, Self.token("valid-token", expiresAt: "2030-01-01T08:00:00UTC"))
        let portal = AnsweringTransport { _ in
            AWSHTTPResponse(statusCode: 200, body: Data(#"{"roleCredentials":{"accessKeyId":"ASIALEGACY","secretAccessKey":"s","sessionToken":"t","expiration":1893459600000}}"#.utf8))
        }
        let credentials = try await CredentialsProviderChain.standard(
            CredentialsFixtures.context(["HOME": home.path, "AWS_PROFILE": "legacy"], transport: portal)).credentials()
        XCTAssertEqual(credentials.accessKeyID, "ASIALEGACY")
        let request = try XCTUnwrap(portal.requests.first)
        XCTAssertEqual(request.host, "portal.sso.us-east-2.amazonaws.com")
        XCTAssertEqual(request.encodedQuery, "role_name=ReadOnly&account_id=444455556666")
    }

    func testAnExpiredTokenAsksForSSOLoginAndSendsNothing() async throws {
        let home = try TemporaryHome()
        try home.write(".aws/config", Self.config)
        try home.write(Self.sessionCacheFile, Self.token("old-token", expiresAt: "2029-12-31T23:59:59Z"))
        let portal = AnsweringTransport { _ in AWSHTTPResponse(statusCode: 500) }
        let error = await XCTAssertCredentialsError {
            try await CredentialsProviderChain.standard(CredentialsFixtures.context(["HOME": home.path], transport: portal), profile: "dev")
                .credentials()
        }
        XCTAssertEqual(error, .ssoLoginRequired(
            profile: "dev", reason: "The SSO token for sso-session \"corp\" expired at 2029-12-31T23:59:59Z"))
        XCTAssertEqual("\(error!)", "The SSO token for sso-session \"corp\" expired at 2029-12-31T23:59:59Z. Run `aws sso login --profile dev` and try again.")
        XCTAssertTrue(portal.requests.isEmpty)
    }

    func testNoCachedTokenAndARefusedTokenAskForSSOLoginToo() async throws {
        try await CredentialsFixtures.withServer(Self.portal) { portal, _ in
            let home = try TemporaryHome()
            try home.write(".aws/config", Self.config)
            let context = CredentialsFixtures.context(["HOME": home.path, "AWS_ENDPOINT_URL_SSO": portal.absoluteString])
            let missing = await XCTAssertCredentialsError { try await CredentialsProviderChain.standard(context, profile: "dev").credentials() }
            XCTAssertEqual(missing, .ssoLoginRequired(
                profile: "dev", reason: "There is no cached SSO token for sso-session \"corp\" (\(home.path)/\(Self.sessionCacheFile))"))

            try home.write(Self.sessionCacheFile, Self.token("revoked-token", expiresAt: "2030-01-01T08:00:00Z"))
            let refused = await XCTAssertCredentialsError { try await CredentialsProviderChain.standard(context, profile: "dev").credentials() }
            XCTAssertEqual(refused, .ssoLoginRequired(
                profile: "dev", reason: "The SSO portal refused the token for sso-session \"corp\": Session token not found or invalid"))
        }
    }

    func testAnSSOProfileWithoutItsAccountOrRoleIsIncomplete() async throws {
        let home = try TemporaryHome()
        try home.write(".aws/config", Self.config)
        let error = await XCTAssertCredentialsError {
            try await CredentialsProviderChain.standard(CredentialsFixtures.context(["HOME": home.path]), profile: "broken").credentials()
        }
        XCTAssertEqual(error, .incomplete(source: "SSO settings of profile \"broken\"", reason: "sso_account_id, sso_role_name are missing"))
    }
}
