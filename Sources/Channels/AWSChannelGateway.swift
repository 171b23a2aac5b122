import AWSClient
import Foundation
import MessagingCore

/// LIVE sending through AWS: End User Messaging Social for WhatsApp, pinpoint-sms-voice-v2 for SMS, SESv2 for email.
/// Give it a client without retries: the sending pipeline retries throttling and 5xx itself, under the rate limit.
public struct AWSChannelGateway: ChannelGateway {
    let social: SocialMessagingClient
    let sms: SMSVoiceV2Client
    let email: SESv2Client

    public init(client: AWSClient) {
        social = SocialMessagingClient(client: client)
        sms = SMSVoiceV2Client(client: client)
        email = SESv2Client(client: client)
    }

    public func send(_ request: OutboundRequest) async throws -> String {
        do {
            switch request {
            case .whatsapp(let id, let version, let message):
                return try await social.sendWhatsAppMessage(originationPhoneNumberID: id, message: Data(message.utf8), metaAPIVersion: version)
            case .sms(let destination, let origination, let body):
                return try await sms.sendTextMessage(destinationPhoneNumber: destination, originationIdentity: origination, messageBody: body)
            case .email(let from, let to, let subject, let text, let html):
                return try await email.sendEmail(from: from, to: [to], subject: subject, text: text, html: html)
            }
        } catch let e as AWSError {
            throw ProviderError(code: e.code, message: e.message, retryable: e.isRetryable)
        }
    }

    public func wireBody(_ request: OutboundRequest) -> String { OutboundWire.body(request) }

    public func uploadWhatsAppMedia(phoneNumberId: String, bucket: String, key: String) async throws -> String {
        do {
            return try await social.postWhatsAppMessageMedia(originationPhoneNumberID: phoneNumberId, sourceS3File: .init(bucketName: bucket, key: key))
        } catch let e as AWSError {
            throw ProviderError(code: e.code, message: e.message, retryable: e.isRetryable)
        }
    }

    public func downloadWhatsAppMedia(mediaId: String, phoneNumberId: String, bucket: String, key: String) async throws -> (mimeType: String, size: Int?) {
        let info = try await social.getWhatsAppMessageMedia(mediaID: mediaId, originationPhoneNumberID: phoneNumberId, destinationS3File: .init(bucketName: bucket, key: key))
        return (info.mimeType ?? "application/octet-stream", info.fileSize.map { $0 * 1024 })
    }
}

/// The embedded default: nothing leaves the machine. DRY_RUN never sends; inbound media are noted, not fetched.
public struct LocalChannelGateway: ChannelGateway {
    public init() {}
    public func send(_ request: OutboundRequest) async throws -> String {
        throw ProviderError(code: "LocalEnvironment", message: "the local environment has no provider; it runs in DRY_RUN")
    }
    public func wireBody(_ request: OutboundRequest) -> String { OutboundWire.body(request) }
    public func uploadWhatsAppMedia(phoneNumberId: String, bucket: String, key: String) async throws -> String {
        throw ProviderError(code: "LocalEnvironment", message: "the local environment has no provider")
    }
    public func downloadWhatsAppMedia(mediaId: String, phoneNumberId: String, bucket: String, key: String) async throws -> (mimeType: String, size: Int?) {
        ("application/octet-stream", nil)
    }
}
