import AWSClient
import Foundation
import XCTest

final class CredentialsTests: XCTestCase {
    func testEnvironmentVariables() throws {
        let provider = EnvironmentCredentialsProvider(environment: [
            "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "token",
        ])
        XCTAssertEqual(try provider.credentials(), AWSCredentials(accessKeyID: "AKIDENV", secretAccessKey: "secret", sessionToken: "token"))
    }

    func testHalfSetEnvironmentIsReportedNotSkipped() {
        let chain = CredentialsProviderChain.standard(environment: ["AWS_ACCESS_KEY_ID": "AKIDENV"], readFile: { _ in nil })
        XCTAssertThrowsError(try chain.credentials()) { error in
            XCTAssertEqual(error as? CredentialsError, .incomplete(
                source: "environment variables AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY",
                reason: "AWS_SECRET_ACCESS_KEY is not set"))
        }
    }

    func testProfileFromSharedCredentialsFileOnDisk() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("awsclient-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("credentials")
        try """
            # comment
            [default]
            aws_access_key_id = AKIDDEFAULT
            aws_secret_access_key = default-secret

            [staging]
            aws_access_key_id=AKIDSTAGING
            aws_secret_access_key=staging-secret
            aws_session_token = staging-token
            """.write(to: file, atomically: true, encoding: .utf8)
        let environment = ["AWS_SHARED_CREDENTIALS_FILE": file.path, "AWS_PROFILE": "staging"]

        let fromEnvironmentProfile = try CredentialsProviderChain.standard(environment: environment).credentials()
        XCTAssertEqual(fromEnvironmentProfile, AWSCredentials(
            accessKeyID: "AKIDSTAGING", secretAccessKey: "staging-secret", sessionToken: "staging-token"))

        let explicit = try ProfileCredentialsProvider(environment: environment, profile: "default").credentials()
        XCTAssertEqual(explicit, AWSCredentials(accessKeyID: "AKIDDEFAULT", secretAccessKey: "default-secret"))
    }

    func testDefaultFileIsUnderHomeAndEnvironmentWinsOverFile() throws {
        let reader: ProfileCredentialsProvider.FileReader = { path in
            path == "/home/app/.aws/credentials" ? "[default]\naws_access_key_id=AKIDFILE\naws_secret_access_key=s\n" : nil
        }
        let fileOnly = CredentialsProviderChain.standard(environment: ["HOME": "/home/app"], readFile: reader)
        XCTAssertEqual(try fileOnly.credentials().accessKeyID, "AKIDFILE")
        let both = CredentialsProviderChain.standard(
            environment: ["HOME": "/home/app", "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "e"], readFile: reader)
        XCTAssertEqual(try both.credentials().accessKeyID, "AKIDENV")
    }

    func testNothingFoundListsEveryPlaceSearched() {
        let chain = CredentialsProviderChain.standard(environment: ["HOME": "/home/app", "AWS_PROFILE": "prod"], readFile: { _ in nil })
        XCTAssertThrowsError(try chain.credentials()) { error in
            XCTAssertEqual(error as? CredentialsError, .notFound(searched: [
                "environment variables AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY",
                "profile \"prod\" in /home/app/.aws/credentials (file not found)",
            ]))
            XCTAssertTrue("\(error)".contains("No AWS credentials found."))
        }
    }

    func testMissingProfileIsNamed() {
        let provider = ProfileCredentialsProvider(
            environment: ["AWS_SHARED_CREDENTIALS_FILE": "/tmp/creds"], profile: "prod",
            readFile: { _ in "[default]\naws_access_key_id=a\naws_secret_access_key=b\n" })
        XCTAssertThrowsError(try provider.credentials()) { error in
            XCTAssertEqual(error as? CredentialsError, .notFound(searched: ["profile \"prod\" in /tmp/creds (no such profile)"]))
        }
    }

    func testDescriptionRedactsSecrets() {
        let credentials = AWSCredentials(accessKeyID: "AKID", secretAccessKey: "very-secret", sessionToken: "tok")
        XCTAssertFalse("\(credentials)".contains("very-secret"))
        XCTAssertFalse("\(credentials)".contains("tok)"))
    }
}
