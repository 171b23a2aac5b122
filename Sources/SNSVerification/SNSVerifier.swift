import AWSClient
import Crypto
import Foundation
import _CryptoExtras

/// Verifies SNS HTTP(S) deliveries as AWS documents: signature version, certificate URL, topic,
/// certificate validity and the RSA signature over the string to sign.
///
/// Copies share one certificate cache. Nothing is fetched until every check that needs no network
/// has passed.
public struct SNSVerifier: Sendable {
    public let allowedTopicARNs: Set<String>
    private let certificates: SigningCertificateCache
    private let now: @Sendable () -> Date

    /// - Parameters:
    ///   - allowedTopicARNs: the only topics whose messages are accepted.
    ///   - fetcher: where signing certificates come from; live HTTPS by default.
    ///   - now: the clock the certificate's validity period is checked against.
    public init(
        allowedTopicARNs: Set<String>,
        fetcher: any CertificateFetcher = HTTPSCertificateFetcher(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.allowedTopicARNs = allowedTopicARNs
        self.certificates = SigningCertificateCache(fetcher: fetcher)
        self.now = now
    }

    /// Decodes and verifies an HTTP(S) delivery body.
    public func verify(body: Data) async throws(SNSVerificationError) -> SNSMessage {
        try await verify(SNSMessage.decode(body))
    }

    /// The same for a body already read as text.
    public func verify(body: String) async throws(SNSVerificationError) -> SNSMessage {
        try await verify(SNSMessage.decode(body))
    }

    /// Verifies a decoded message and returns it unchanged.
    public func verify(_ message: SNSMessage) async throws(SNSVerificationError) -> SNSMessage {
        guard !message.signature.isEmpty, !message.signatureVersion.isEmpty, !message.signingCertURL.isEmpty else {
            throw .unsigned
        }
        let algorithm: HashAlgorithm
        switch message.signatureVersion {
        case "1": algorithm = .sha1
        case "2": algorithm = .sha256
        default: throw .unsupportedSignatureVersion(message.signatureVersion)
        }
        let certificateURL = try SNSURLPolicy.signingCertificateURL(message.signingCertURL)
        guard allowedTopicARNs.contains(message.topicArn) else {
            throw .unexpectedTopic(arn: message.topicArn)
        }
        guard let signatureBytes = Data(base64Encoded: message.signature) else {
            throw .malformed(reason: "Signature is not base64")
        }

        // Once fetched, a certificate is read without entering the cache's actor (see `FetchedCertificates`).
        let certificate = if let fetched = certificates.fetched[certificateURL] { fetched } else { try await certificates.certificate(at: certificateURL) }
        guard certificate.isValid(at: now()) else {
            throw .certificateExpired(notValidBefore: certificate.notValidBefore, notValidAfter: certificate.notValidAfter)
        }

        let signature = _RSA.Signing.RSASignature(rawRepresentation: signatureBytes)
        let valid = switch algorithm {
        case .sha1:
            certificate.publicKey.isValidSignature(signature, for: message.digestOfStringToSign(Insecure.SHA1.self), padding: .insecurePKCS1v1_5)
        case .sha256:
            certificate.publicKey.isValidSignature(signature, for: message.digestOfStringToSign(SHA256.self), padding: .insecurePKCS1v1_5)
        }
        guard valid else { throw .badSignature }
        return message
    }

    /// The URL to GET to confirm a subscription, once it is known to be an https SNS
    /// `ConfirmSubscription` URL. Call it only with a message `verify` returned.
    public static func validatedSubscribeURL(_ message: SNSMessage) throws(SNSVerificationError) -> URL {
        guard message.isSubscriptionConfirmation else {
            throw .badSubscribeURL(reason: "a \(message.type.rawValue) message has no subscription to confirm")
        }
        guard let text = message.subscribeURL else {
            throw .badSubscribeURL(reason: "the SubscriptionConfirmation has no SubscribeURL")
        }
        return try SNSURLPolicy.subscribeURL(text)
    }

    /// Confirms a subscription by GETting its SubscribeURL. The URL policy is applied again here, so
    /// whatever the caller passes, only an https `ConfirmSubscription` URL on an SNS host is called.
    public static func confirmSubscription(
        _ url: URL,
        transport: AsyncHTTPClientTransport = AsyncHTTPClientTransport(timeout: .seconds(10), maximumResponseSize: 64 * 1024)
    ) async throws(SNSVerificationError) {
        let approved = try SNSURLPolicy.subscribeURL(url.absoluteString)
        let response: AWSHTTPResponse
        do {
            response = try await transport.get(approved)
        } catch {
            throw .confirmationFailed(reason: "GET \(approved.absoluteString) failed: \(error)")
        }
        guard response.statusCode == 200 else {
            throw .confirmationFailed(reason: "GET \(approved.absoluteString) answered HTTP \(response.statusCode)")
        }
    }

    /// Whether a SigningCertURL would be fetched; for callers that want to check one up front.
    public static func validatedSigningCertificateURL(_ text: String) throws(SNSVerificationError) -> URL {
        try SNSURLPolicy.signingCertificateURL(text)
    }

    private enum HashAlgorithm { case sha1, sha256 }
}
