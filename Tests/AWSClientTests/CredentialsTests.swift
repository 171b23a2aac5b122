import AWSClient
import Foundation
import XCTest

/// The environment, static keys in the shared files, and what the chain says when nothing works.
final class CredentialsTests: XCTestCase {
    func testEnvironmentVariables() async throws {
        let provider = EnvironmentCredentialsProvider(environment: [
            "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "token",
        ])
        let credentials = try await provider.credentials()
        XCTAssertEqual(credentials, AWSCredentials(accessKeyID: "AKIDENV", secretAccessKey: "secret", sessionToken: "token"))
    }

    func testHalfSetEnvironmentIsReportedNotSkipped() async throws {
        let home = try TemporaryHome()
        try home.write(".aws/credentials", "[default]\naws_access_key_id=AKIDFILE\naws_secret_access_key=s\n")
        let chain = CredentialsProviderChain.standard(CredentialsFixtures.context(["HOME": home.path, "AWS_ACCESS_KEY_ID": "AKIDENV"]))
        let error = await XCTAssertCredentialsError { try await chain.credentials() }
        XCTAssertEqual(error, .incomplete(
            source: "environment variables AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY", reason: "AWS_SECRET_ACCESS_KEY is not set"))
    }

    func testProfileFromSharedCredentialsFileOnDisk() async throws {
        let home = try TemporaryHome()
        let file = try home.write("elsewhere/credentials", """
            # comment
            [default]
            aws_access_key_id = AKIDDEFAULT
            aws_secret_access_key = default-secret

            [staging]
            aws_access_key_id=AKIDSTAGING
            aws_secret_access_key=staging-secret
            aws_session_token = staging-token
            """)
        let environment = ["HOME": home.path, "AWS_SHARED_CREDENTIALS_FILE": file, "AWS_PROFILE": "staging", "AWS_EC2_METADATA_DISABLED": "true"]

        let fromEnvironmentProfile = try await CredentialsProviderChain.standard(CredentialsFixtures.context(environment)).credentials()
        XCTAssertEqual(fromEnvironmentProfile, AWSCredentials(
            accessKeyID: "AKIDSTAGING", secretAccessKey: "staging-secret", sessionToken: "staging-token"))

        let explicit = try await ProfileCredentialsProvider(context: CredentialsFixtures.context(environment), profile: "default").credentials()
        XCTAssertEqual(explicit, AWSCredentials(accessKeyID: "AKIDDEFAULT", secretAccessKey: "default-secret"))
    }

    func testDefaultFilesAreUnderHomeAndEnvironmentWinsOverThem() async throws {
        let home = try TemporaryHome()
        try home.write(".aws/config", "[default]\naws_access_key_id=AKIDCONFIG\naws_secret_access_key=c\n")
        let fileOnly = CredentialsProviderChain.standard(CredentialsFixtures.context(["HOME": home.path]))
        let fromConfig = try await fileOnly.credentials()
        XCTAssertEqual(fromConfig.accessKeyID, "AKIDCONFIG")

        try home.write(".aws/credentials", "[default]\naws_access_key_id=AKIDFILE\naws_secret_access_key=s\n")
        let fromCredentials = try await CredentialsProviderChain.standard(CredentialsFixtures.context(["HOME": home.path])).credentials()
        XCTAssertEqual(fromCredentials.accessKeyID, "AKIDFILE", "the credentials file wins over the config file for the same key")

        let both = CredentialsProviderChain.standard(CredentialsFixtures.context(
            ["HOME": home.path, "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "e"]))
        let fromEnvironment = try await both.credentials()
        XCTAssertEqual(fromEnvironment.accessKeyID, "AKIDENV")
    }

    func testAnExplicitProfileIsThatProfileAloneButAWSProfileOnlyPicksTheProfile() async throws {
        let home = try TemporaryHome()
        try home.write(".aws/credentials", "[ci]\naws_access_key_id=AKIDCI\naws_secret_access_key=s\n")
        let environment = ["HOME": home.path, "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "e", "AWS_PROFILE": "ci"]
        let explicit = try await CredentialsProviderChain.standard(CredentialsFixtures.context(environment), profile: "ci").credentials()
        XCTAssertEqual(explicit.accessKeyID, "AKIDCI", "--profile wins over exported keys, as in the AWS CLI")
        let picked = try await CredentialsProviderChain.standard(CredentialsFixtures.context(environment)).credentials()
        XCTAssertEqual(picked.accessKeyID, "AKIDENV", "AWS_PROFILE does not outrank exported keys")
    }

    func testNothingFoundSaysWhatEverySourceSaid() async throws {
        let home = try TemporaryHome()
        let chain = CredentialsProviderChain.standard(CredentialsFixtures.context(["HOME": home.path, "AWS_EC2_METADATA_DISABLED": "true"]))
        let error = await XCTAssertCredentialsError { try await chain.credentials() }
        XCTAssertEqual(error, .notFound(searched: [
            "environment variables AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY: not set",
            "web identity (AWS_ROLE_ARN / AWS_WEB_IDENTITY_TOKEN_FILE): AWS_WEB_IDENTITY_TOKEN_FILE is not set",
            "profile \"default\": in neither \(home.path)/.aws/config nor \(home.path)/.aws/credentials",
            "container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI): neither is set",
            "EC2 instance metadata: AWS_EC2_METADATA_DISABLED=true",
        ]))
        XCTAssertTrue("\(error!)".hasPrefix("No AWS credentials found. Tried, in order: environment variables"), "\(error!)")
    }

    func testANamedProfileThatDoesNotExistIsRefused() async throws {
        let home = try TemporaryHome()
        try home.write(".aws/credentials", "[default]\naws_access_key_id=a\naws_secret_access_key=b\n")
        for (environment, profile) in [(["HOME": home.path, "AWS_PROFILE": "prod"], nil), (["HOME": home.path], "prod")] {
            let chain = CredentialsProviderChain.standard(CredentialsFixtures.context(environment), profile: profile)
            let error = await XCTAssertCredentialsError { try await chain.credentials() }
            XCTAssertEqual(error, .profileNotFound(name: "prod", files: ["\(home.path)/.aws/config", "\(home.path)/.aws/credentials"]))
        }
    }

    func testAProfileWithHalfItsKeysStopsTheChain() async throws {
        let home = try TemporaryHome()
        try home.write(".aws/config", "[profile dev]\naws_access_key_id = AKIDDEV\nregion = eu-west-1\n")
        let error = await XCTAssertCredentialsError {
            try await CredentialsProviderChain.standard(CredentialsFixtures.context(["HOME": home.path, "AWS_PROFILE": "dev"])).credentials()
        }
        XCTAssertEqual(error, .incomplete(source: "profile \"dev\"", reason: "aws_secret_access_key is missing"))
    }

    func testDescriptionRedactsSecrets() {
        let credentials = AWSCredentials(accessKeyID: "AKID", secretAccessKey: "very-secret", sessionToken: "tok",
                                         expiration: CredentialsFixtures.now)
        XCTAssertFalse("\(credentials)".contains("very-secret"))
        XCTAssertFalse("\(credentials)".contains("tok,"))
        XCTAssertTrue("\(credentials)".contains("expiration: 2030-01-01T00:00:00Z"), "\(credentials)")
    }
}
