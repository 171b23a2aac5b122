import AWSClient
import Foundation
import XCTest

/// `~/.aws/config` and `~/.aws/credentials` read as the SDKs read them.
final class SharedConfigFileTests: XCTestCase {
    func testConfigFileSectionsProfilesSessionsAndWhatIsNotAProfile() {
        let file = SharedConfigFile(parsing: """
            ; a comment
            [default]
            region = eu-west-1

            [profile  ci ]
            role_arn = arn:aws:iam::123456789012:role/deploy
            source_profile = default
            s3 =
              max_concurrent_requests = 20
            output = json

            [sso-session corp]
            sso_start_url = https://corp.awsapps.com/start
            sso_region = eu-central-1

            [staging]
            aws_access_key_id = NOT-A-PROFILE-IN-THE-CONFIG-FILE

            [services local]
            dynamodb =
              endpoint_url = http://127.0.0.1:8000
            """, kind: .config)
        XCTAssertEqual(file.profiles, [
            "default": ["region": "eu-west-1"],
            "ci": ["role_arn": "arn:aws:iam::123456789012:role/deploy", "source_profile": "default", "s3": "", "output": "json"],
        ])
        XCTAssertEqual(file.ssoSessions, ["corp": ["sso_start_url": "https://corp.awsapps.com/start", "sso_region": "eu-central-1"]])
    }

    func testCredentialsFileSectionsAreBareNames() {
        let file = SharedConfigFile(parsing: """
            [default]
            AWS_ACCESS_KEY_ID = AKID
            aws_secret_access_key = a=b==
            # [ignored]
            [profile ci]
            aws_access_key_id = literal
            """, kind: .credentials)
        XCTAssertEqual(file.profiles["default"], ["aws_access_key_id": "AKID", "aws_secret_access_key": "a=b=="], "keys lower-cased, values kept after the first =")
        XCTAssertEqual(file.profiles["profile ci"], ["aws_access_key_id": "literal"], "the credentials file has no 'profile ' prefix")
        XCTAssertNil(file.profiles["ci"])
    }

    func testTheFilesMergeAndTheCredentialsFileWins() throws {
        let home = try TemporaryHome()
        let config = try home.write("cfg", "[profile a]\nregion = eu-west-1\naws_access_key_id = FROMCONFIG\n[profile b]\nregion = us-west-2\n")
        let credentials = try home.write("creds", "[a]\naws_access_key_id = FROMCREDENTIALS\naws_secret_access_key = s\n[c]\naws_access_key_id = C\n")
        let profiles = try SharedProfiles(context: CredentialsFixtures.context(
            ["HOME": home.path, "AWS_CONFIG_FILE": config, "AWS_SHARED_CREDENTIALS_FILE": credentials]))
        XCTAssertEqual(profiles.profile("a"), ["region": "eu-west-1", "aws_access_key_id": "FROMCREDENTIALS", "aws_secret_access_key": "s"])
        XCTAssertEqual(profiles.profile("b"), ["region": "us-west-2"])
        XCTAssertEqual(profiles.profile("c"), ["aws_access_key_id": "C"])
        XCTAssertNil(profiles.profile("d"))
        XCTAssertEqual(profiles.paths, [config, credentials])
    }

    func testFilePathsFollowTheVariablesAndTilde() throws {
        let profiles = try SharedProfiles(context: CredentialsFixtures.context(
            ["HOME": "/nonexistent-home", "AWS_CONFIG_FILE": "~/cfg/config"]))
        XCTAssertEqual(profiles.paths, ["/nonexistent-home/cfg/config", "/nonexistent-home/.aws/credentials"])
    }
}
