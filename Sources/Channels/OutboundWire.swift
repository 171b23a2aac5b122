import AWSClient
import Foundation
import MessagingCore

/// The body each outbound request travels as: SendWhatsAppMessage (End User Messaging Social),
/// SendTextMessage (SMS v2) or SendEmail (SESv2), built by the same code the AWS clients send with. It is
/// what a DRY_RUN message records as `wouldBeRequest`, so a dry run shows the exact bytes LIVE would send.
public enum OutboundWire {
    public static func body(_ request: OutboundRequest) -> String {
        let data: Data?
        switch request {
        case .whatsapp(let id, let version, let message):
            data = try? SocialMessagingClient.sendWhatsAppMessageBody(originationPhoneNumberID: id, message: Data(message.utf8), metaAPIVersion: version)
        case .sms(let destination, let origination, let body):
            data = try? SMSVoiceV2Client.sendTextMessageBody(destinationPhoneNumber: destination, originationIdentity: origination, messageBody: body)
        case .email(let from, let to, let subject, let text, let html):
            data = try? SESv2Client.sendEmailBody(from: from, to: [to], subject: subject, text: text, html: html)
        }
        // Encoding strings and data cannot fail; should it ever, the record says so rather than inventing a body.
        return data.map { String(decoding: $0, as: UTF8.self) } ?? "{\"error\":\"the request could not be encoded\"}"
    }
}
