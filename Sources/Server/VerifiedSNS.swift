import Foundation
import SNSVerification

/// SNS deliveries verified by signature (SignatureVersion 1 and 2, SNS certificate hosts only, the
/// configured topic only, certificates cached); subscriptions confirmed by fetching the validated URL.
public struct VerifiedSNS: SNSDeliveryVerifier {
    let verifier: SNSVerifier

    public init(topicArns: Set<String>, now: @escaping @Sendable () -> Date = Date.init) {
        verifier = SNSVerifier(allowedTopicARNs: topicArns, now: now)
    }

    /// With a verifier of the caller's (the ingestion benchmark's, whose certificate stands in for SNS's).
    public init(verifier: SNSVerifier) { self.verifier = verifier }

    public func verify(body: String) async throws -> SNSDelivery {
        let message = try await verifier.verify(body: body)
        if message.isSubscriptionConfirmation {
            return .subscriptionConfirmation(topicArn: message.topicArn, subscribeURL: try SNSVerifier.validatedSubscribeURL(message))
        }
        if message.isUnsubscribeConfirmation { return .unsubscribeConfirmation(topicArn: message.topicArn) }
        return .notification(messageId: message.messageId, message: message.message)
    }

    /// Over AsyncHTTPClient, https only, the SNS URL policy applied again before the call.
    public func confirm(_ url: URL) async throws {
        try await SNSVerifier.confirmSubscription(url)
    }
}
