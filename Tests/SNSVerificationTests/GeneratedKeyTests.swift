import Foundation
import SNSVerification
import XCTest

/// Messages signed in the test with a generated key, for what the real samples do not cover:
/// confirmations, escapes in the JSON, and both versions on arbitrary content.
final class GeneratedKeyTests: XCTestCase {
    let signer = TestSigner.shared

    func verifier(_ fetcher: CountingFetcher, now: Date = TestSigner.during) -> SNSVerifier {
        SNSVerifier(allowedTopicARNs: [testTopic], fetcher: fetcher, now: { now })
    }

    func testVersion1And2NotificationsVerify() async throws {
        for version in ["1", "2"] {
            for subject in ["Greeting", nil] {
                let message = try signer.sign(notification(subject: subject), version: version)
                let verified = try await verifier(signer.fetcher()).verify(message)
                XCTAssertEqual(verified, message)
            }
        }
    }

    /// The signature covers the decoded values: `\n`, `\"`, `\/` and `\u` escapes in the body
    /// must become the characters SNS signed, not the escaped text.
    func testEscapesInTheBodyAreSignedDecoded() async throws {
        let text = "{\"detail\":{\"url\":\"https://example.com/a\"},\"note\":\"line1\nline2 — ✓\"}"
        let message = try signer.sign(notification(message: text), version: "2")
        let body = """
            {
              "Type" : "Notification",
              "MessageId" : "\(message.messageId)",
              "TopicArn" : "\(message.topicArn)",
              "Subject" : "Greeting",
              "Message" : "{\\"detail\\":{\\"url\\":\\"https:\\/\\/example.com\\/a\\"},\\"note\\":\\"line1\\nline2 \\u2014 \\u2713\\"}",
              "Timestamp" : "\(message.timestamp)",
              "SignatureVersion" : "2",
              "Signature" : "\(message.signature)",
              "SigningCertURL" : "\(message.signingCertURL)",
              "UnsubscribeURL" : "\(message.unsubscribeURL!)"
            }
            """
        let verified = try await verifier(signer.fetcher()).verify(body: Data(body.utf8))
        XCTAssertEqual(verified.message, text)
    }

    func testConfirmationsVerifyWithTheirOwnKeySet() async throws {
        for type in [SNSMessage.MessageType.subscriptionConfirmation, .unsubscribeConfirmation] {
            for version in ["1", "2"] {
                let message = try signer.sign(confirmation(type), version: version)
                let verified = try await verifier(signer.fetcher()).verify(message)
                XCTAssertEqual(verified.type, type)
            }
        }
    }

    func testSubscriptionConfirmationStringToSign() {
        let message = confirmation()
        XCTAssertEqual(message.stringToSign, """
            Message
            \(message.message)
            MessageId
            165545c9-2a5c-472c-8df2-7ff2be2b3b1b
            SubscribeURL
            \(message.subscribeURL!)
            Timestamp
            2027-01-15T08:00:00.000Z
            Token
            \(message.token!)
            TopicArn
            \(testTopic)
            Type
            SubscriptionConfirmation

            """)
    }

    func testNotificationStringToSignLeavesOutAbsentSubjectAndTheURLs() {
        XCTAssertEqual(notification(subject: nil).stringToSign, """
            Message
            Hello world!
            MessageId
            22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324
            Timestamp
            2027-01-15T08:00:00.000Z
            TopicArn
            \(testTopic)
            Type
            Notification

            """)
    }

    /// A confirmation signed over the Notification key set (no SubscribeURL, no Token) must fail.
    func testConfirmationSignedOverTheWrongKeysFails() async throws {
        var message = confirmation()
        var asNotification = message
        asNotification.type = .notification
        let wrong = asNotification.stringToSign.replacingOccurrences(of: "Notification\n", with: "SubscriptionConfirmation\n")
        message.signature = try signer.signature(for: wrong, version: "2")
        message.signatureVersion = "2"
        let verifier = verifier(signer.fetcher())
        await XCTAssertThrowsSNS(.badSignature) { try await verifier.verify(message) }
    }

    func testTamperingFailsWithBadSignature() async throws {
        let signed = try signer.sign(notification(), version: "2")
        let verifier = verifier(signer.fetcher())

        var message = signed
        message.message = "Hello world?"
        await XCTAssertThrowsSNS(.badSignature) { try await verifier.verify(message) }

        var subject = signed
        subject.subject = nil
        await XCTAssertThrowsSNS(.badSignature) { try await verifier.verify(subject) }

        var signature = signed
        var bytes = Data(base64Encoded: signed.signature)!
        bytes[0] ^= 0x80
        signature.signature = bytes.base64EncodedString()
        await XCTAssertThrowsSNS(.badSignature) { try await verifier.verify(signature) }

        var token = try signer.sign(confirmation(), version: "1")
        token.token = String(token.token!.dropLast()) + "0"
        await XCTAssertThrowsSNS(.badSignature) { try await verifier.verify(token) }
    }

    func testCertificateOutsideItsValidityIsRejected() async throws {
        let message = try signer.sign(notification(), version: "2")
        let expired = SNSVerificationError.certificateExpired(
            notValidBefore: TestSigner.notValidBefore, notValidAfter: TestSigner.notValidAfter)
        let early = verifier(signer.fetcher(), now: TestSigner.notValidBefore.addingTimeInterval(-1))
        await XCTAssertThrowsSNS(expired) { try await early.verify(message) }
        let late = verifier(signer.fetcher(), now: TestSigner.notValidAfter.addingTimeInterval(1))
        await XCTAssertThrowsSNS(expired) { try await late.verify(message) }
        XCTAssertTrue(expired.description.contains("2030-03-17"), expired.description)
    }

    func testValidatedSubscribeURL() throws {
        let message = try signer.sign(confirmation(), version: "1")
        XCTAssertEqual(try SNSVerifier.validatedSubscribeURL(message).absoluteString, message.subscribeURL)
        XCTAssertTrue(message.isSubscriptionConfirmation)
        XCTAssertFalse(message.isNotification || message.isUnsubscribeConfirmation)
    }
}
