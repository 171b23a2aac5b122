import Foundation
@testable import SNSVerification
import XCTest

/// Certificate URLs that passed the policy are remembered by their exact text, boundedly; refusals never are.
final class URLPolicyMemoTests: XCTestCase {
    func testAcceptedURLsAreKeptBoundedAndStillAnswerTheSame() throws {
        let urls = (0..<200).map { "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-memo-\($0).pem" }
        for url in urls + urls {
            XCTAssertEqual(try SNSURLPolicy.signingCertificateURL(url).absoluteString, url)
            XCTAssertLessThanOrEqual(SNSURLPolicy.acceptedCount, SNSURLPolicy.acceptedCapacity)
        }
    }

    func testARefusalIsNotRememberedAndDoesNotBorrowAnAcceptedText() throws {
        let accepted = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-memo.pem"
        _ = try SNSURLPolicy.signingCertificateURL(accepted)
        for refused in [accepted.replacingOccurrences(of: "https://sns.", with: "https://SNS."), accepted + "?x=1", accepted + "#f",
                        accepted.replacingOccurrences(of: "https", with: "http"), accepted.replacingOccurrences(of: ".pem", with: ".txt")] {
            for _ in 0..<2 {
                XCTAssertThrowsError(try SNSURLPolicy.signingCertificateURL(refused), refused)
            }
        }
    }
}
