import Crypto
import Foundation
import SNSVerification
import X509
import XCTest
import _CryptoExtras

/// Serves PEM text from memory and counts fetches; never touches the network.
actor CountingFetcher: CertificateFetcher {
    private var pems: [URL: String]
    private var failuresLeft: Int
    private let delay: Duration
    private(set) var requested: [URL] = []

    init(_ pems: [URL: String] = [:], failFirst failures: Int = 0, delay: Duration = .zero) {
        self.pems = pems
        self.failuresLeft = failures
        self.delay = delay
    }

    var count: Int { requested.count }

    func fetch(_ url: URL) async throws -> String {
        requested.append(url)
        if delay > .zero { try await Task.sleep(for: delay) }
        if failuresLeft > 0 {
            failuresLeft -= 1
            throw URLError(.timedOut)
        }
        guard let pem = pems[url] else { throw URLError(.fileDoesNotExist) }
        return pem
    }
}

/// A key pair made in the test and a self-signed certificate for it, standing in for SNS.
struct TestSigner: Sendable {
    static let shared = try! TestSigner()
    static let certificateURL = URL(string: "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-test.pem")!
    static let notValidBefore = Date(timeIntervalSince1970: 1_700_000_000)
    static let notValidAfter = Date(timeIntervalSince1970: 1_900_000_000)
    static let during = Date(timeIntervalSince1970: 1_800_000_000)

    let key: _RSA.Signing.PrivateKey
    let pem: String

    init() throws {
        key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let certificateKey = Certificate.PrivateKey(key)
        let name = try DistinguishedName { CommonName("sns.amazonaws.com") }
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: certificateKey.publicKey,
            notValidBefore: Self.notValidBefore,
            notValidAfter: Self.notValidAfter,
            issuer: name,
            subject: name,
            signatureAlgorithm: .sha256WithRSAEncryption,
            extensions: Certificate.Extensions(),
            issuerPrivateKey: certificateKey)
        pem = try certificate.serializeAsPEM().pemString
    }

    func fetcher(delay: Duration = .zero) -> CountingFetcher {
        CountingFetcher([Self.certificateURL: pem], delay: delay)
    }

    /// Signs `message` as SNS would and returns it with `Signature` and `SignatureVersion` filled in.
    func sign(_ message: SNSMessage, version: String) throws -> SNSMessage {
        var signed = message
        signed.signatureVersion = version
        signed.signature = try signature(for: message.stringToSign, version: version)
        return signed
    }

    func signature(for text: String, version: String) throws -> String {
        let data = Data(text.utf8)
        let signature = version == "1"
            ? try key.signature(for: Insecure.SHA1.hash(data: data), padding: .insecurePKCS1v1_5)
            : try key.signature(for: SHA256.hash(data: data), padding: .insecurePKCS1v1_5)
        return signature.rawRepresentation.base64EncodedString()
    }
}

let testTopic = "arn:aws:sns:eu-west-1:111122223333:wecare-inbound"

func notification(
    message: String = "Hello world!", subject: String? = "Greeting", topic: String = testTopic,
    certificateURL: String = TestSigner.certificateURL.absoluteString
) -> SNSMessage {
    SNSMessage(
        type: .notification,
        messageId: "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
        topicArn: topic,
        subject: subject,
        message: message,
        timestamp: "2027-01-15T08:00:00.000Z",
        signatureVersion: "2",
        signature: "unsigned",
        signingCertURL: certificateURL,
        unsubscribeURL: "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=\(topic):c9135db0")
}

func confirmation(_ type: SNSMessage.MessageType = .subscriptionConfirmation) -> SNSMessage {
    let token = "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb7"
    return SNSMessage(
        type: type,
        messageId: "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
        topicArn: testTopic,
        message: "You have chosen to subscribe to the topic \(testTopic).\nTo confirm the subscription, visit the SubscribeURL included in this message.",
        timestamp: "2027-01-15T08:00:00.000Z",
        signatureVersion: "1",
        signature: "unsigned",
        signingCertURL: TestSigner.certificateURL.absoluteString,
        subscribeURL: "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=\(testTopic)&Token=\(token)",
        token: token)
}

/// Asserts that `body` throws exactly `expected`.
func XCTAssertThrowsSNS<T>(
    _ expected: SNSVerificationError, _ body: () async throws -> T,
    file: StaticString = #filePath, line: UInt = #line
) async {
    do {
        _ = try await body()
        XCTFail("expected \(expected.code), got a result", file: file, line: line)
    } catch let error as SNSVerificationError {
        XCTAssertEqual(error, expected, file: file, line: line)
    } catch {
        XCTFail("expected \(expected.code), got \(error)", file: file, line: line)
    }
}
