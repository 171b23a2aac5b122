import AWSClient
import Foundation
import XCTest

/// A profile's `credential_process`: the command really runs, and every way it can go wrong is named.
final class ProcessCredentialsTests: XCTestCase {
    private func credentials(_ command: String, in home: TemporaryHome) async throws -> AWSCredentials {
        try home.write(".aws/config", "[profile tool]\ncredential_process = \(command)\n")
        return try await CredentialsProviderChain.standard(CredentialsFixtures.context(["HOME": home.path]), profile: "tool").credentials()
    }

    private func failure(_ script: String) async throws -> (source: String, reason: String)? {
        let home = try TemporaryHome()
        let tool = try home.write("tool.sh", "#!/bin/sh\n" + script, executable: true)
        let error = await XCTAssertCredentialsError { try await self.credentials(tool, in: home) }
        guard case .failed(let source, let reason)? = error else {
            XCTFail("expected .failed, got \(String(describing: error))")
            return nil
        }
        return (source, reason)
    }

    func testTemporaryCredentialsFromTheCommandsOutput() async throws {
        let home = try TemporaryHome()
        let tool = try home.write("bin/get creds.sh", """
            #!/bin/sh
            echo "fetching for $1" >&2
            cat <<'JSON'
            {"Version": 1, "AccessKeyId": "ASIAPROC", "SecretAccessKey": "proc-secret",
             "SessionToken": "proc-token", "Expiration": "2030-01-01T01:00:00Z"}
            JSON
            """, executable: true)
        let credentials = try await credentials("\"\(tool)\" --account 1234", in: home)
        XCTAssertEqual(credentials, AWSCredentials(accessKeyID: "ASIAPROC", secretAccessKey: "proc-secret", sessionToken: "proc-token",
                                                   expiration: Date(timeIntervalSince1970: 1_893_459_600)))
    }

    func testLongTermCredentialsHaveNoExpiration() async throws {
        let home = try TemporaryHome()
        let credentials = try await credentials(#"printf '{"Version":1,"AccessKeyId":"AKIDPROC","SecretAccessKey":"s"}'"#, in: home)
        XCTAssertEqual(credentials, AWSCredentials(accessKeyID: "AKIDPROC", secretAccessKey: "s"))
    }

    func testAFailingCommandIsReportedWithWhatItSaid() async throws {
        let failed = try await failure("echo 'token expired, run vault login' >&2\nexit 3\n")
        XCTAssertEqual(failed?.source, "credential_process of profile \"tool\"")
        XCTAssertTrue(failed?.reason.contains("exited with status 3: token expired, run vault login") == true, "\(String(describing: failed))")
    }

    func testAMissingCommand() async throws {
        let home = try TemporaryHome()
        let error = await XCTAssertCredentialsError { try await self.credentials("/nonexistent/credential-helper", in: home) }
        guard case .failed(_, let reason)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(reason.contains("exited with status 127"), reason)
        XCTAssertTrue(reason.contains("/nonexistent/credential-helper"), reason)
    }

    func testOutputThatIsNotJSONIsNotQuotedBack() async throws {
        let failed = try await failure("echo 'AccessKeyId=AKID SecretAccessKey=do-not-print'\n")
        XCTAssertTrue(failed?.reason.contains("not a JSON object of credentials") == true, "\(String(describing: failed))")
        XCTAssertFalse(failed?.reason.contains("do-not-print") == true)
    }

    func testAnUnknownVersion() async throws {
        let failed = try await failure(#"echo '{"Version":2,"AccessKeyId":"a","SecretAccessKey":"b"}'"# + "\n")
        XCTAssertTrue(failed?.reason.contains("printed Version 2; only Version 1 is understood") == true, "\(String(describing: failed))")
        let none = try await failure(#"echo '{"AccessKeyId":"a","SecretAccessKey":"b"}'"# + "\n")
        XCTAssertTrue(none?.reason.contains("printed Version (none)") == true, "\(String(describing: none))")
    }

    func testMissingKeysAndABadExpiration() async throws {
        let noSecret = try await failure(#"echo '{"Version":1,"AccessKeyId":"a"}'"# + "\n")
        XCTAssertEqual(noSecret?.reason, "the answer has no SecretAccessKey")
        let badDate = try await failure(#"echo '{"Version":1,"AccessKeyId":"a","SecretAccessKey":"b","Expiration":"tomorrow"}'"# + "\n")
        XCTAssertEqual(badDate?.reason, "the answer's Expiration \"tomorrow\" is not an ISO 8601 time")
    }
}
