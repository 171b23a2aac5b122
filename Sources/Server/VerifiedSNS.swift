import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SNSVerification

/// SNS deliveries verified by signature (SignatureVersion 1 and 2, SNS certificate hosts only, the
/// configured topic only, certificates cached); subscriptions confirmed by fetching the validated URL.
public struct VerifiedSNS: SNSDeliveryVerifier {
    let verifier: SNSVerifier

    public init(topicArns: Set<String>, now: @escaping @Sendable () -> Date = Date.init) {
        verifier = SNSVerifier(allowedTopicARNs: topicArns, now: now)
    }

    init(verifier: SNSVerifier) { self.verifier = verifier }

    public func verify(body: String) async throws -> SNSDelivery {
        let message = try await verifier.verify(body: Data(body.utf8))
        if message.isSubscriptionConfirmation {
            return .subscriptionConfirmation(topicArn: message.topicArn, subscribeURL: try SNSVerifier.validatedSubscribeURL(message))
        }
        if message.isUnsubscribeConfirmation { return .unsubscribeConfirmation(topicArn: message.topicArn) }
        return .notification(messageId: message.messageId, message: message.message)
    }

    public func confirm(_ url: URL) async throws {
        let (_, response) = try await URLSession.shared.data(from: url)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw URLError(.badServerResponse)
        }
    }
}
