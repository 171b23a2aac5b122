import Foundation
import SNSVerification
import XCTest

/// Messages SNS really signed, with the certificate it signed them with (see Fixtures/README.md).
final class RealSampleTests: XCTestCase {
    static let certificateURL = URL(string: "https://sns.us-east-2.amazonaws.com/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem")!
    static let samples = [
        "aws-php-notification-v1.json", "aws-php-notification-v2.json",
        "aws-php-notification-v1-subject.json", "aws-php-notification-v2-subject.json",
        "aws-php-notification-v2-lambda-keys.json",
    ]

    func fixture(_ name: String) throws -> Data {
        let root = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return try Data(contentsOf: root.appendingPathComponent(name))
    }

    func fetcher() throws -> CountingFetcher {
        let pem = try String(decoding: fixture("SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem"), as: UTF8.self)
        return CountingFetcher([Self.certificateURL: pem])
    }

    /// The certificate expired in August 2022, so the clock is set to the message's own Timestamp.
    func verifier(for message: SNSMessage, fetcher: CountingFetcher) throws -> SNSVerifier {
        let sentAt = try Date(message.timestamp, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true))
        return SNSVerifier(allowedTopicARNs: [message.topicArn], fetcher: fetcher, now: { sentAt })
    }

    func testEveryRealSampleVerifies() async throws {
        for name in Self.samples {
            let body = try fixture(name)
            let message = try SNSMessage.decode(body)
            let fetcher = try fetcher()
            let verified = try await verifier(for: message, fetcher: fetcher).verify(body: body)
            XCTAssertEqual(verified, message, name)
            let requested = await fetcher.requested
            XCTAssertEqual(requested, [Self.certificateURL], name)
        }
    }

    func testBothSignatureVersionsAreCovered() throws {
        let versions = try Set(Self.samples.map { try SNSMessage.decode(fixture($0)).signatureVersion })
        XCTAssertEqual(versions, ["1", "2"])
    }

    func testStringToSignOfARealSample() throws {
        let message = try SNSMessage.decode(fixture("aws-php-notification-v1-subject.json"))
        XCTAssertEqual(message.stringToSign, """
            Message
            Hello world
            MessageId
            11405cc3-9ac7-56d5-b45d-079e8f7a8edf
            Subject
            Hello world
            Timestamp
            2022-07-28T22:53:49.654Z
            TopicArn
            arn:aws:sns:us-east-2:295079676684:publish-and-verify-6e11fed2-fcdf-4c52-9dc4-36ef43f37f84
            Type
            Notification

            """)
    }

    func testLambdaKeySpellingsDecode() throws {
        let lambda = try SNSMessage.decode(fixture("aws-php-notification-v2-lambda-keys.json"))
        let http = try SNSMessage.decode(fixture("aws-php-notification-v2.json"))
        XCTAssertEqual(lambda, http)
        XCTAssertEqual(lambda.signingCertURL, Self.certificateURL.absoluteString)
        XCTAssertNotNil(lambda.unsubscribeURL)
    }

    func testFlippingOneByteOfTheMessageFails() async throws {
        for name in Self.samples {
            var message = try SNSMessage.decode(fixture(name))
            message.message = "Hello worle"
            let verifier = try verifier(for: message, fetcher: fetcher())
            await XCTAssertThrowsSNS(.badSignature) { try await verifier.verify(message) }
        }
    }

    func testFlippingOneByteOfTheSignatureFails() async throws {
        for name in Self.samples {
            var message = try SNSMessage.decode(fixture(name))
            var bytes = try XCTUnwrap(Data(base64Encoded: message.signature))
            bytes[bytes.count / 2] ^= 0x01
            message.signature = bytes.base64EncodedString()
            let verifier = try verifier(for: message, fetcher: fetcher())
            await XCTAssertThrowsSNS(.badSignature) { try await verifier.verify(message) }
        }
    }

    func testClaimingTheOtherSignatureVersionFails() async throws {
        var message = try SNSMessage.decode(fixture("aws-php-notification-v1.json"))
        message.signatureVersion = "2"
        let verifier = try verifier(for: message, fetcher: fetcher())
        await XCTAssertThrowsSNS(.badSignature) { try await verifier.verify(message) }
    }

    func testTheRealCertificateIsExpiredToday() async throws {
        let body = try fixture("aws-php-notification-v2.json")
        let message = try SNSMessage.decode(body)
        let verifier = try SNSVerifier(allowedTopicARNs: [message.topicArn], fetcher: fetcher(),
                                       now: { Date(timeIntervalSince1970: 1_800_000_000) })
        await XCTAssertThrowsSNS(.certificateExpired(
            notValidBefore: Date(timeIntervalSince1970: 1_630_972_800),   // 2021-09-07T00:00:00Z
            notValidAfter: Date(timeIntervalSince1970: 1_660_780_799)      // 2022-08-17T23:59:59Z
        )) { try await verifier.verify(body: body) }
    }
}
