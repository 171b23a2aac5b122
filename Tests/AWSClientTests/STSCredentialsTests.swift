import AWSClient
import Foundation
import TestSupport
import XCTest

/// Roles through STS: web identity (unsigned) from the environment or a profile, AssumeRole chains
/// of profiles signed with each source's credentials; against moto on 127.0.0.1, reached through
/// `AWS_ENDPOINT_URL_STS` as in the SDKs.
final class STSCredentialsTests: XCTestCase {
    private static let server = MotoServer()
    private let role = "arn:aws:iam::123456789012:role/deploy"

    override class func tearDown() {
        server.stop()
        super.tearDown()
    }

    /// The form fields of a query-protocol request body.
    private func form(_ request: AWSHTTPRequest) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in String(decoding: request.body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            fields[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return fields
    }

    func testWebIdentityFromTheEnvironmentIsUnsignedAndExpires() async throws {
        let moto = try await Self.server.start()
        let home = try TemporaryHome()
        let tokenFile = try home.write("oidc-token", "eyJ.github-oidc.token\n")
        let transport = LoopbackTransport()
        let chain = CredentialsProviderChain.standard(CredentialsFixtures.context([
            "HOME": home.path, "AWS_ENDPOINT_URL_STS": moto.absoluteString, "AWS_ROLE_ARN": role,
            "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ROLE_SESSION_NAME": "gha-42",
        ], transport: transport, now: { Date() }))

        let credentials = try await chain.credentials()
        XCTAssertFalse(credentials.accessKeyID.isEmpty)
        XCTAssertNotNil(credentials.sessionToken)
        let expiration = try XCTUnwrap(credentials.expiration)
        XCTAssertGreaterThan(expiration, Date())

        let request = try XCTUnwrap(transport.requests.first)
        XCTAssertEqual(transport.requests.count, 1)
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.port, moto.port)
        XCTAssertNil(request.headers["Authorization"], "AssumeRoleWithWebIdentity is unsigned: the token is the proof")
        XCTAssertNil(request.headers["X-Amz-Security-Token"])
        XCTAssertEqual(form(request), [
            "Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15", "RoleArn": role,
            "RoleSessionName": "gha-42", "WebIdentityToken": "eyJ.github-oidc.token",
        ])

        // Cached: a second call sends nothing.
        _ = try await chain.credentials()
        XCTAssertEqual(transport.requests.count, 1)
    }

    func testWebIdentityFromAProfile() async throws {
        let moto = try await Self.server.start()
        let home = try TemporaryHome()
        let tokenFile = try home.write("token", "eks-token")
        try home.write(".aws/config", """
            [profile eks]
            role_arn = \(role)
            web_identity_token_file = \(tokenFile)
            """)
        let transport = LoopbackTransport()
        let provider = CredentialsProviderChain.standard(CredentialsFixtures.context(
            ["HOME": home.path, "AWS_ENDPOINT_URL": moto.absoluteString], transport: transport, now: { Date() }), profile: "eks")
        let credentials = try await provider.credentials()
        XCTAssertNotNil(credentials.expiration)
        let fields = form(try XCTUnwrap(transport.requests.first))
        XCTAssertEqual(fields["Action"], "AssumeRoleWithWebIdentity")
        XCTAssertEqual(fields["WebIdentityToken"], "eks-token")
        XCTAssertTrue(fields["RoleSessionName"]?.hasPrefix("wecare-") == true, "\(fields)")
    }

    func testAssumeRoleChainsThroughSourceProfilesEachSignedWithTheOneBefore() async throws {
        let moto = try await Self.server.start()
        let home = try TemporaryHome()
        try home.write(".aws/config", """
            [profile deploy]
            role_arn = arn:aws:iam::123456789012:role/deploy
            source_profile = hop
            role_session_name = wecare-deploy
            external_id = ext-1
            duration_seconds = 1800

            [profile hop]
            role_arn = arn:aws:iam::123456789012:role/hop
            source_profile = base
            """)
        try home.write(".aws/credentials", "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n")
        let transport = LoopbackTransport()
        let credentials = try await CredentialsProviderChain.standard(CredentialsFixtures.context(
            ["HOME": home.path, "AWS_ENDPOINT_URL_STS": moto.absoluteString], transport: transport, now: { Date() }),
            profile: "deploy").credentials()
        XCTAssertNotNil(credentials.sessionToken)
        XCTAssertNotNil(credentials.expiration)

        XCTAssertEqual(transport.requests.count, 2)
        let (hop, deploy) = (transport.requests[0], transport.requests[1])
        XCTAssertEqual(form(hop)["RoleArn"], "arn:aws:iam::123456789012:role/hop")
        XCTAssertTrue(hop.headers["Authorization"]?.contains("Credential=AKIDBASE/") == true, "signed with the base keys")
        XCTAssertTrue(hop.headers["Authorization"]?.contains("/us-east-1/sts/aws4_request") == true)
        XCTAssertNil(hop.headers["X-Amz-Security-Token"])

        XCTAssertEqual(form(deploy), [
            "Action": "AssumeRole", "Version": "2011-06-15", "RoleArn": "arn:aws:iam::123456789012:role/deploy",
            "RoleSessionName": "wecare-deploy", "ExternalId": "ext-1", "DurationSeconds": "1800",
        ])
        let hopKey = try XCTUnwrap(deploy.headers["Authorization"]?.split(separator: "Credential=").last?.split(separator: "/").first)
        XCTAssertNotEqual(hopKey, "AKIDBASE", "signed with the hop role's temporary keys")
        XCTAssertNotNil(deploy.headers["X-Amz-Security-Token"], "and its session token")
    }

    func testACycleOfSourceProfilesIsRefusedBeforeAnyRequest() async throws {
        let home = try TemporaryHome()
        try home.write(".aws/config", """
            [profile a]
            role_arn = arn:aws:iam::123456789012:role/a
            source_profile = b
            [profile b]
            role_arn = arn:aws:iam::123456789012:role/b
            source_profile = c
            [profile c]
            role_arn = arn:aws:iam::123456789012:role/c
            source_profile = a
            [profile self]
            role_arn = arn:aws:iam::123456789012:role/self
            source_profile = self
            """)
        let transport = LoopbackTransport()
        let context = CredentialsFixtures.context(["HOME": home.path], transport: transport)
        let cycle = await XCTAssertCredentialsError { try await CredentialsProviderChain.standard(context, profile: "a").credentials() }
        XCTAssertEqual(cycle, .profileCycle(["a", "b", "c", "a"]))
        XCTAssertTrue("\(cycle!)".contains("\"a\" → \"b\" → \"c\" → \"a\""), "\(cycle!)")
        let selfCycle = await XCTAssertCredentialsError { try await CredentialsProviderChain.standard(context, profile: "self").credentials() }
        XCTAssertEqual(selfCycle, .profileCycle(["self", "self"]))
        XCTAssertTrue(transport.requests.isEmpty)
    }

    func testAProfileAssumesARoleWithItsOwnKeys() async throws {
        let home = try TemporaryHome()
        try home.write(".aws/credentials", """
            [ops]
            aws_access_key_id = AKIDOPS
            aws_secret_access_key = ops-secret
            role_arn = arn:aws:iam::123456789012:role/ops
            source_profile = ops
            region = eu-west-1
            """)
        let sts = AnsweringTransport { _ in AWSHTTPResponse(statusCode: 200, body: Data(Self.assumeRoleXML.utf8)) }
        let credentials = try await CredentialsProviderChain.standard(CredentialsFixtures.context(["HOME": home.path], transport: sts),
                                                                      profile: "ops").credentials()
        XCTAssertEqual(credentials, AWSCredentials(accessKeyID: "ASIAOPS", secretAccessKey: "s", sessionToken: "t",
                                                   expiration: Date(timeIntervalSince1970: 1_893_459_600)))
        let request = try XCTUnwrap(sts.requests.first)
        XCTAssertEqual(request.host, "sts.eu-west-1.amazonaws.com", "the regional endpoint, in the profile's region")
        XCTAssertTrue(request.headers["Authorization"]?.contains("Credential=AKIDOPS/20300101/eu-west-1/sts/aws4_request") == true)
    }

    func testTheClientsRegionChoosesTheRegionalEndpoint() async throws {
        let home = try TemporaryHome()
        let tokenFile = try home.write("token", "t")
        let sts = AnsweringTransport { _ in
            AWSHTTPResponse(statusCode: 200, body: Data(Self.assumeRoleXML.replacingOccurrences(of: "AssumeRole", with: "AssumeRoleWithWebIdentity").utf8))
        }
        let context = CredentialsFixtures.context(["HOME": home.path, "AWS_ROLE_ARN": role, "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile,
                                                   "AWS_REGION": "us-west-2"], transport: sts, region: "ap-south-1")
        _ = try await CredentialsProviderChain.standard(context).credentials()
        XCTAssertEqual(sts.requests.first?.host, "sts.ap-south-1.amazonaws.com")
    }

    func testSTSRefusingIsAFailureThatStopsTheChain() async throws {
        let home = try TemporaryHome()
        let tokenFile = try home.write("token", "expired-token")
        try home.write(".aws/credentials", "[default]\naws_access_key_id=AKIDFILE\naws_secret_access_key=s\n")
        let sts = AnsweringTransport { _ in
            AWSHTTPResponse(statusCode: 400, body: Data("""
                <ErrorResponse><Error><Type>Sender</Type><Code>ExpiredTokenException</Code>\
                <Message>Token expired: current date/time 1893456000 must be before the expiration date/time 1893455000</Message>\
                </Error><RequestId>r-1</RequestId></ErrorResponse>
                """.utf8))
        }
        let chain = CredentialsProviderChain.standard(CredentialsFixtures.context(
            ["HOME": home.path, "AWS_ROLE_ARN": role, "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile], transport: sts))
        let error = await XCTAssertCredentialsError { try await chain.credentials() }
        guard case .failed(let source, let reason)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(source, "web identity (AWS_ROLE_ARN / AWS_WEB_IDENTITY_TOKEN_FILE)")
        XCTAssertTrue(reason.contains("ExpiredTokenException"), reason)
        XCTAssertTrue(reason.contains(role), reason)
    }

    func testAWebIdentityTokenFileWithoutARoleOrMissingIsIncomplete() async throws {
        let home = try TemporaryHome()
        let missing = await XCTAssertCredentialsError {
            try await WebIdentityCredentialsProvider(context: CredentialsFixtures.context([
                "HOME": home.path, "AWS_ROLE_ARN": self.role, "AWS_WEB_IDENTITY_TOKEN_FILE": home.path + "/nope",
            ])).credentials()
        }
        XCTAssertEqual(missing, .incomplete(source: "web identity (AWS_ROLE_ARN / AWS_WEB_IDENTITY_TOKEN_FILE)",
                                            reason: "the web identity token file \(home.path)/nope does not exist"))
        let roleless = await XCTAssertCredentialsError {
            try await WebIdentityCredentialsProvider(context: CredentialsFixtures.context([
                "HOME": home.path, "AWS_WEB_IDENTITY_TOKEN_FILE": home.path + "/nope",
            ])).credentials()
        }
        guard case .incomplete? = roleless else { return XCTFail("\(String(describing: roleless))") }
    }

    func testARoleWithoutASourceIsIncomplete() async throws {
        let home = try TemporaryHome()
        try home.write(".aws/config", "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\n")
        let error = await XCTAssertCredentialsError {
            try await CredentialsProviderChain.standard(CredentialsFixtures.context(["HOME": home.path]), profile: "r").credentials()
        }
        XCTAssertEqual(error, .incomplete(source: "profile \"r\"",
                                          reason: "role_arn needs source_profile, credential_source or web_identity_token_file beside it"))
    }

    func testCredentialSourceEnvironmentSignsTheAssumeRole() async throws {
        let home = try TemporaryHome()
        try home.write(".aws/config", """
            [profile from-env]
            role_arn = arn:aws:iam::123456789012:role/ops
            credential_source = Environment
            [profile from-nowhere]
            role_arn = arn:aws:iam::123456789012:role/ops
            credential_source = Keychain
            [profile mfa]
            role_arn = arn:aws:iam::123456789012:role/ops
            source_profile = empty
            mfa_serial = arn:aws:iam::123456789012:mfa/me
            [profile via-empty]
            role_arn = arn:aws:iam::123456789012:role/ops
            source_profile = empty
            [profile empty]
            region = eu-west-1
            """)
        let sts = AnsweringTransport { _ in AWSHTTPResponse(statusCode: 200, body: Data(Self.assumeRoleXML.utf8)) }
        let context = CredentialsFixtures.context(
            ["HOME": home.path, "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "e"], transport: sts)
        let credentials = try await CredentialsProviderChain.standard(context, profile: "from-env").credentials()
        XCTAssertEqual(credentials.accessKeyID, "ASIAOPS")
        XCTAssertTrue(sts.requests.first?.headers["Authorization"]?.contains("Credential=AKIDENV/") == true)

        let unknown = await XCTAssertCredentialsError { try await CredentialsProviderChain.standard(context, profile: "from-nowhere").credentials() }
        XCTAssertEqual(unknown, .incomplete(source: "profile \"from-nowhere\"",
                                            reason: "credential_source \"Keychain\" is not Environment, EcsContainer or Ec2InstanceMetadata"))
        let mfa = await XCTAssertCredentialsError { try await CredentialsProviderChain.standard(context, profile: "mfa").credentials() }
        guard case .incomplete(_, let reason)? = mfa else { return XCTFail("\(String(describing: mfa))") }
        XCTAssertTrue(reason.hasPrefix("mfa_serial needs an MFA code"), reason)
        let empty = await XCTAssertCredentialsError { try await CredentialsProviderChain.standard(context, profile: "via-empty").credentials() }
        XCTAssertEqual(empty, .incomplete(source: "profile \"via-empty\"", reason: "its source_profile \"empty\" has no credentials"))
        XCTAssertEqual(sts.requests.count, 1)
    }

    static let assumeRoleXML = """
        <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>\
        <Credentials><AccessKeyId>ASIAOPS</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken>\
        <Expiration>2030-01-01T01:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>
        """
}
