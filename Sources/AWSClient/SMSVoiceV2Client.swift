import Foundation

/// pinpoint-sms-voice-v2 (AWS JSON 1.0, `PinpointSMSVoiceV2`, signing name `sms-voice`): text messages.
public struct SMSVoiceV2Client: Sendable {
    public let client: AWSClient
    private let service = AWSService.smsVoiceV2

    public init(client: AWSClient) {
        self.client = client
    }

    public enum MessageType: String, Sendable {
        case transactional = "TRANSACTIONAL"
        case promotional = "PROMOTIONAL"
    }

    /// Sends an SMS from `originationIdentity` (a pool id, phone number id or ARN); returns the message id.
    public func sendTextMessage(
        destinationPhoneNumber: String,
        originationIdentity: String,
        messageBody: String,
        messageType: MessageType = .transactional,
        configurationSetName: String? = nil,
        context: [String: String]? = nil
    ) async throws -> String {
        let input = Input(destinationPhoneNumber: destinationPhoneNumber, originationIdentity: originationIdentity, messageBody: messageBody,
                          messageType: messageType.rawValue, configurationSetName: configurationSetName, context: context)
        let output: Output = try await client.json(service, operation: "SendTextMessage", input: input)
        return output.messageID
    }

    /// The body `sendTextMessage` sends for these arguments, byte for byte (what DRY_RUN records).
    public static func sendTextMessageBody(destinationPhoneNumber: String, originationIdentity: String, messageBody: String,
                                           messageType: MessageType = .transactional) throws -> Data {
        try AWSJSON.encode(Input(destinationPhoneNumber: destinationPhoneNumber, originationIdentity: originationIdentity, messageBody: messageBody,
                                 messageType: messageType.rawValue, configurationSetName: nil, context: nil))
    }

    private struct Input: Encodable {
        var destinationPhoneNumber: String
        var originationIdentity: String
        var messageBody: String
        var messageType: String
        var configurationSetName: String?
        var context: [String: String]?

        enum CodingKeys: String, CodingKey {
            case destinationPhoneNumber = "DestinationPhoneNumber", originationIdentity = "OriginationIdentity"
            case messageBody = "MessageBody", messageType = "MessageType"
            case configurationSetName = "ConfigurationSetName", context = "Context"
        }
    }

    private struct Output: Decodable {
        var messageID: String
        enum CodingKeys: String, CodingKey { case messageID = "MessageId" }
    }
}
