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

    // MARK: - Renewal

    /// What `aws sso login` caches for an sso-session: the token, its refresh token and the client registration.
    private static func renewableToken(_ accessToken: String, expiresAt: String, registrationExpiresAt: String = "2030-03-01T00:00:00Z") -> String {
        #"{"startUrl":"https://corp.awsapps.com/start","region":"eu-central-1","accessToken":"\#(accessToken)","expiresAt":"\#(expiresAt)","#
            + #""refreshToken":"refresh-1","clientId":"client-1","clientSecret":"secret-1","registrationExpiresAt":"\#(registrationExpiresAt)"}"#
    }

    /// A loopback SSO OIDC that checks CreateToken's shape and renews refresh-1 only.
    private final class OIDC: HTTPTransport, @unchecked Sendable {
        let lock = NSLock()
        var bodies: [[String: String]] = []
        var hosts: [String] = []
        var paths: [String] = []
        var signed: [Bool] = []
        func send(_ request: AWSHTTPRequest) async throws -> AWSHTTPResponse {
            let body = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: String] ?? [:]
            lock.withLock {
                bodies.append(body)
                hosts.append(request.host)
                paths.append("\(request.method) \(request.path)")
                signed.append(request.headers["authorization"] != nil)
            }
            if request.path == "/federation/credentials" {
                guard request.headers["x-amz-sso_bearer_token"] == "renewed-token" else { return AWSHTTPResponse(statusCode: 401, body: Data(#"{"message":"expired"}"#.utf8)) }
                return AWSHTTPResponse(statusCode: 200, body: Data(#"{"roleCredentials":{"accessKeyId":"ASIARENEWED","secretAccessKey":"s","sessionToken":"t","expiration":1893459600000}}"#.utf8))
            }
            guard body == ["clientId": "client-1", "clientSecret": "secret-1", "grantType": "refresh_token", "refreshToken": "refresh-1"] else {
                return AWSHTTPResponse(statusCode: 400, body: Data(#"{"error":"invalid_grant","error_description":"bad refresh"}"#.utf8))
            }
            return AWSHTTPResponse(statusCode: 200, body: Data(#"{"accessToken":"renewed-token","tokenType":"Bearer","expiresIn":28800,"refreshToken":"refresh-2"}"#.utf8))
        }
    }

    func testATokenAboutToExpireIsRenewedAndWrittenBackToTheCache() async throws {
        let home = try TemporaryHome()
        try home.write(".aws/config", Self.config)
        // Two minutes left: inside the five-minute window in which the SDKs renew.
        let file = try home.write(Self.sessionCacheFile, Self.renewableToken("old-token", expiresAt: "2030-01-01T00:02:00Z"))
        let oidc = OIDC()
        let credentials = try await CredentialsProviderChain.standard(CredentialsFixtures.context(["HOME": home.path], transport: oidc), profile: "dev")
            .credentials()
        XCTAssertEqual(credentials.accessKeyID, "ASIARENEWED")
        XCTAssertEqual(oidc.paths, ["POST /token", "GET /federation/credentials"])
        XCTAssertEqual(oidc.hosts.first, "oidc.eu-central-1.amazonaws.com")
        XCTAssertEqual(oidc.signed, [false, false], "CreateToken and the portal are unsigned")
        let cache = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: String])
        XCTAssertEqual(cache["accessToken"], "renewed-token")
        XCTAssertEqual(cache["refreshToken"], "refresh-2", "a rotated refresh token is kept")
        XCTAssertEqual(cache["expiresAt"], AWSTimestamp.iso8601(CredentialsFixtures.now.addingTimeInterval(28_800)))
        XCTAssertEqual(cache["clientSecret"], "secret-1", "the rest of the cache is kept")
    }

    func testATokenWithTimeLeftIsNotRenewed() async throws {
        let home = try TemporaryHome()
        try home.write(".aws/config", Self.config)
        try home.write(Self.sessionCacheFile, Self.renewableToken("renewed-token", expiresAt: "2030-01-01T08:00:00Z"))
        let oidc = OIDC()
        _ = try await CredentialsProviderChain.standard(CredentialsFixtures.context(["HOME": home.path], transport: oidc), profile: "dev").credentials()
        XCTAssertEqual(oidc.paths, ["GET /federation/credentials"])
    }

    func testAnExpiredTokenWhoseRenewalFailsAsksForSSOLogin() async throws {
        let home = try TemporaryHome()
        try home.write(".aws/config", Self.config)
        try home.write(Self.sessionCacheFile, Self.renewableToken("old-token", expiresAt: "2029-12-31T23:00:00Z")
            .replacingOccurrences(of: "refresh-1", with: "revoked"))
        let oidc = OIDC()
        let error = await XCTAssertCredentialsError {
            try await CredentialsProviderChain.standard(CredentialsFixtures.context(["HOME": home.path], transport: oidc), profile: "dev").credentials()
        }
        guard case .ssoLoginRequired(let profile, let reason) = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(profile, "dev")
        XCTAssertTrue(reason.hasPrefix("The SSO token for sso-session \"corp\" expired at 2029-12-31T23:00:00Z and could not be renewed ("), reason)
        XCTAssertEqual(oidc.paths, ["POST /token"], "nothing goes to the portal with an expired token")

        // An expired client registration is not even tried.
        try home.write(Self.sessionCacheFile, Self.renewableToken("old-token", expiresAt: "2029-12-31T23:00:00Z", registrationExpiresAt: "2029-06-01T00:00:00Z"))
        let unused = OIDC()
        _ = await XCTAssertCredentialsError {
            try await CredentialsProviderChain.standard(CredentialsFixtures.context(["HOME": home.path], transport: unused), profile: "dev").credentials()
        }
        XCTAssertEqual(unused.paths, [])
    }
}
