import Foundation

/// Why an SNS delivery was not accepted. Each case says what was wrong and how to fix it.
public enum SNSVerificationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `Signature`, `SignatureVersion` or `SigningCertURL` is missing or empty.
    case unsigned
    /// `SignatureVersion` is neither "1" (SHA1withRSA) nor "2" (SHA256withRSA).
    case unsupportedSignatureVersion(String)
    /// `SigningCertURL` is not an https `.pem` URL on an SNS host; it is never fetched.
    case badCertificateURL(reason: String)
    /// `SubscribeURL` is missing or not an https SNS `ConfirmSubscription` URL; it must not be called.
    case badSubscribeURL(reason: String)
    /// The SubscribeURL passed the policy but calling it did not confirm the subscription.
    case confirmationFailed(reason: String)
    /// `TopicArn` is not one this verifier was configured to accept.
    case unexpectedTopic(arn: String)
    /// The signing certificate could not be fetched or parsed.
    case certificateUnavailable(reason: String)
    /// The clock is outside the certificate's validity period.
    case certificateExpired(notValidBefore: Date, notValidAfter: Date)
    /// The signature does not match the message under the certificate's key.
    case badSignature
    /// The body is not a well-formed SNS envelope.
    case malformed(reason: String)

    /// A stable identifier for logs and metrics.
    public var code: String {
        switch self {
        case .unsigned: "sns.unsigned"
        case .unsupportedSignatureVersion: "sns.unsupported-signature-version"
        case .badCertificateURL: "sns.bad-certificate-url"
        case .badSubscribeURL: "sns.bad-subscribe-url"
        case .confirmationFailed: "sns.confirmation-failed"
        case .unexpectedTopic: "sns.unexpected-topic"
        case .certificateUnavailable: "sns.certificate-unavailable"
        case .certificateExpired: "sns.certificate-expired"
        case .badSignature: "sns.bad-signature"
        case .malformed: "sns.malformed"
        }
    }

    public var description: String {
        switch self {
        case .unsigned:
            return "The SNS message is unsigned: Signature, SignatureVersion and SigningCertURL are all required. "
                + "Only accept messages delivered by SNS itself."
        case .unsupportedSignatureVersion(let version):
            return "The SNS message has SignatureVersion \"\(version)\"; only \"1\" (SHA1withRSA) and \"2\" (SHA256withRSA) are supported."
        case .badCertificateURL(let reason):
            return "The SNS SigningCertURL was refused and not fetched: \(reason). "
                + "It must be https://sns.<region>.amazonaws.com[.cn]/….pem."
        case .badSubscribeURL(let reason):
            return "The SNS SubscribeURL was refused and must not be called: \(reason). "
                + "It must be https://sns.<region>.amazonaws.com[.cn]/?Action=ConfirmSubscription…."
        case .confirmationFailed(let reason):
            return "The SNS subscription was not confirmed: \(reason). SNS retries the delivery after an error answer; "
                + "otherwise confirm it with `aws sns confirm-subscription` and the Token of the message."
        case .unexpectedTopic(let arn):
            return "The SNS message comes from topic \(arn), which is not configured for this endpoint. "
                + "Add the ARN to the allowed topics if it is yours."
        case .certificateUnavailable(let reason):
            return "The SNS signing certificate is unavailable: \(reason)."
        case .certificateExpired(let notValidBefore, let notValidAfter):
            let format = Date.ISO8601FormatStyle()
            return "The SNS signing certificate is valid only from \(format.format(notValidBefore)) "
                + "to \(format.format(notValidAfter)), and the current time is outside that period."
        case .badSignature:
            return "The SNS message signature does not match its content: it was altered or not sent by SNS."
        case .malformed(let reason):
            return "The body is not a valid SNS message: \(reason). "
                + "Expected the JSON envelope SNS posts to HTTP(S) subscribers."
        }
    }
}
