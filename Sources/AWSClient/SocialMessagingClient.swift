import Foundation

/// AWS End User Messaging Social (REST-JSON, signing name `social-messaging`): WhatsApp sends and media.
public struct SocialMessagingClient: Sendable {
    public let client: AWSClient
    private let service = AWSService.socialMessaging

    public init(client: AWSClient) {
        self.client = client
    }

    /// An object in S3 (same account and region as the WhatsApp Business Account).
    public struct S3File: Codable, Sendable, Equatable {
        public var bucketName: String
        public var key: String

        public init(bucketName: String, key: String) {
            self.bucketName = bucketName
            self.key = key
        }
    }

    public struct MediaInfo: Sendable, Equatable {
        public var mimeType: String?
        /// Size in kilobytes, as the service reports it.
        public var fileSize: Int?

        public init(mimeType: String? = nil, fileSize: Int? = nil) {
            self.mimeType = mimeType
            self.fileSize = fileSize
        }
    }

    /// Sends a WhatsApp Cloud API message object (`message` is its raw JSON; it travels base64-encoded).
    /// Returns the AWS message id (not Meta's `wamid`).
    public func sendWhatsAppMessage(
        originationPhoneNumberID: String,
        message: Data,
        metaAPIVersion: String = "v20.0"
    ) async throws -> String {
        let input = SendInput(
            originationPhoneNumberId: originationPhoneNumberID, message: message, metaApiVersion: metaAPIVersion)
        let output: SendOutput = try await client.restJSON(
            service, operation: "SendWhatsAppMessage", method: "POST", path: "/v1/whatsapp/send", input: input)
        return output.messageId
    }

    /// The body `sendWhatsAppMessage` sends for these arguments, byte for byte (what DRY_RUN records).
    public static func sendWhatsAppMessageBody(originationPhoneNumberID: String, message: Data, metaAPIVersion: String = "v20.0") throws -> Data {
        try AWSJSON.encode(SendInput(originationPhoneNumberId: originationPhoneNumberID, message: message, metaApiVersion: metaAPIVersion))
    }

    /// Uploads media from S3 to WhatsApp; returns the media id to reference in messages.
    public func postWhatsAppMessageMedia(originationPhoneNumberID: String, sourceS3File: S3File) async throws -> String {
        let input = PostMediaInput(originationPhoneNumberId: originationPhoneNumberID, sourceS3File: sourceS3File)
        let output: PostMediaOutput = try await client.restJSON(
            service, operation: "PostWhatsAppMessageMedia", method: "POST", path: "/v1/whatsapp/media", input: input)
        return output.mediaId
    }

    /// Copies received media into S3 (unless `metadataOnly`) and returns its type and size.
    public func getWhatsAppMessageMedia(
        mediaID: String,
        originationPhoneNumberID: String,
        destinationS3File: S3File?,
        metadataOnly: Bool? = nil
    ) async throws -> MediaInfo {
        let input = GetMediaInput(
            mediaId: mediaID, originationPhoneNumberId: originationPhoneNumberID,
            metadataOnly: metadataOnly, destinationS3File: destinationS3File)
        let output: GetMediaOutput = try await client.restJSON(
            service, operation: "GetWhatsAppMessageMedia", method: "POST", path: "/v1/whatsapp/media/get", input: input)
        return MediaInfo(mimeType: output.mimeType, fileSize: output.fileSize)
    }

    // The wire names are camelCase, so the shapes mirror them directly.
    // `Data` encodes as base64, which is how rest-json sends blobs.
    private struct SendInput: Encodable {
        var originationPhoneNumberId: String
        var message: Data
        var metaApiVersion: String
    }

    private struct SendOutput: Decodable {
        var messageId: String
    }

    private struct PostMediaInput: Encodable {
        var originationPhoneNumberId: String
        var sourceS3File: S3File
    }

    private struct PostMediaOutput: Decodable {
        var mediaId: String
    }

    private struct GetMediaInput: Encodable {
        var mediaId: String
        var originationPhoneNumberId: String
        var metadataOnly: Bool?
        var destinationS3File: S3File?
    }

    private struct GetMediaOutput: Decodable {
        var mimeType: String?
        var fileSize: Int?
    }
}
