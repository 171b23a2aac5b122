import Foundation

/// SESv2 (REST-JSON, signing name `ses`): simple e-mails.
public struct SESv2Client: Sendable {
    public let client: AWSClient
    private let service = AWSService.sesV2

    public init(client: AWSClient) {
        self.client = client
    }

    /// Sends a simple (non-raw, non-template) e-mail; at least one of `text` and `html` should be set.
    /// Returns the SES message id.
    public func sendEmail(
        from: String,
        to: [String],
        subject: String,
        text: String? = nil,
        html: String? = nil,
        configurationSetName: String? = nil
    ) async throws -> String {
        let input = Self.sendEmailInput(from: from, to: to, subject: subject, text: text, html: html, configurationSetName: configurationSetName)
        let output: SendEmailOutput = try await client.restJSON(
            service, operation: "SendEmail", method: "POST", path: "/v2/email/outbound-emails", input: input)
        return output.messageID
    }

    /// The body `sendEmail` sends for these arguments, byte for byte (what DRY_RUN records).
    public static func sendEmailBody(from: String, to: [String], subject: String, text: String? = nil, html: String? = nil) throws -> Data {
        try AWSJSON.encode(sendEmailInput(from: from, to: to, subject: subject, text: text, html: html, configurationSetName: nil))
    }

    private static func sendEmailInput(from: String, to: [String], subject: String, text: String?, html: String?,
                                       configurationSetName: String?) -> SendEmailInput {
        SendEmailInput(
            fromEmailAddress: from,
            destination: .init(toAddresses: to),
            content: .init(simple: .init(
                subject: .init(data: subject),
                body: .init(text: text.map { .init(data: $0) }, html: html.map { .init(data: $0) })
            )),
            configurationSetName: configurationSetName
        )
    }

    /// Starts verification of an e-mail address or domain (emulators treat it as verified at once).
    public func createEmailIdentity(_ identity: String) async throws {
        let _: EmptyShape = try await client.restJSON(
            service, operation: "CreateEmailIdentity", method: "POST", path: "/v2/email/identities",
            input: ["EmailIdentity": identity])
    }

    // MARK: - Wire shapes

    private struct SendEmailInput: Encodable {
        var fromEmailAddress: String
        var destination: Destination
        var content: Content
        var configurationSetName: String?

        enum CodingKeys: String, CodingKey {
            case fromEmailAddress = "FromEmailAddress", destination = "Destination", content = "Content"
            case configurationSetName = "ConfigurationSetName"
        }

        struct Destination: Encodable {
            var toAddresses: [String]
            enum CodingKeys: String, CodingKey { case toAddresses = "ToAddresses" }
        }

        struct Content: Encodable {
            var simple: Simple
            enum CodingKeys: String, CodingKey { case simple = "Simple" }
        }

        struct Simple: Encodable {
            var subject: Text
            var body: Body
            enum CodingKeys: String, CodingKey { case subject = "Subject", body = "Body" }
        }

        struct Body: Encodable {
            var text: Text?
            var html: Text?
            enum CodingKeys: String, CodingKey { case text = "Text", html = "Html" }
        }

        struct Text: Encodable {
            var data: String
            var charset = "UTF-8"
            enum CodingKeys: String, CodingKey { case data = "Data", charset = "Charset" }
        }
    }

    private struct SendEmailOutput: Decodable {
        var messageID: String
        enum CodingKeys: String, CodingKey { case messageID = "MessageId" }
    }
}
