import AWSClient
import Foundation
import XCTest

/// Runs every case of the AWS SigV4 test suite found under Fixtures/aws4_testsuite.
final class SigV4TestSuiteTests: XCTestCase {
    static let credentials = AWSCredentials(
        accessKeyID: "AKIDEXAMPLE",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    )
    static let date = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z

    func testEveryFixtureCaseMatchesByteForByte() throws {
        let cases = try SigV4Fixture.all()
        XCTAssertGreaterThanOrEqual(cases.count, 20, "fixtures folder looks incomplete")
        let signer = SigV4Signer(credentials: Self.credentials, region: "us-east-1", service: "service")
        for fixture in cases {
            let request = try fixture.request()
            let signature = signer.signature(for: request, date: Self.date)
            XCTAssertEqual(signature.canonicalRequest, fixture.canonicalRequest, "\(fixture.name): canonical request")
            XCTAssertEqual(signature.stringToSign, fixture.stringToSign, "\(fixture.name): string to sign")
            XCTAssertEqual(signature.authorization, fixture.authorization, "\(fixture.name): authorization")
        }
    }

    func testSessionTokenFromCredentialsIsSignedLikeTheHeaderBeforeCase() throws {
        let fixture = try XCTUnwrap(SigV4Fixture.all().first { $0.name == "post-sts-header-before" })
        var request = try fixture.request()
        let token = try XCTUnwrap(request.headers["X-Amz-Security-Token"])
        request.headers.remove("X-Amz-Security-Token")
        var credentials = Self.credentials
        credentials.sessionToken = token
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "service")
        let signed = signer.sign(request, date: Self.date)
        XCTAssertEqual(signed.headers["Authorization"], fixture.authorization)
        XCTAssertEqual(signed.headers["X-Amz-Security-Token"], token)
    }

    func testSigningKeyDerivation() {
        let signer = SigV4Signer(credentials: Self.credentials, region: "us-east-1", service: "iam")
        let key = signer.signingKey(day: "20120215").withUnsafeBytes { Data($0) }
        XCTAssertEqual(
            key.map { String(format: "%02x", $0) }.joined(),
            // Published in the AWS SigV4 documentation ("Examples of how to derive a signing key").
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
        )
    }
}
