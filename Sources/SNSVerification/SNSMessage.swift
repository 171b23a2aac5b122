import Foundation

/// One SNS HTTP(S) delivery body, decoded field by field.
///
/// Every string is kept exactly as JSON-decoded (escapes resolved, nothing re-serialized): the
/// signature covers those decoded values, so any normalisation here would break verification.
public struct SNSMessage: Sendable, Equatable {
    public enum MessageType: String, Sendable, Equatable, CaseIterable {
        case notification = "Notification"
        case subscriptionConfirmation = "SubscriptionConfirmation"
        case unsubscribeConfirmation = "UnsubscribeConfirmation"
    }

    /// A `MessageAttributes` entry (`{"Type": "String", "Value": "…"}`). Not covered by the signature.
    public struct Attribute: Sendable, Equatable, Decodable {
        public var type: String
        public var value: String

        public init(type: String, value: String) {
            self.type = type
            self.value = value
        }

        private enum CodingKeys: String, CodingKey {
            case type = "Type"
            case value = "Value"
        }
    }

    public var type: MessageType
    public var messageId: String
    public var topicArn: String
    public var subject: String?
    public var message: String
    public var timestamp: String
    public var signatureVersion: String
    public var signature: String
    public var signingCertURL: String
    public var subscribeURL: String?
    public var token: String?
    public var unsubscribeURL: String?
    public var messageAttributes: [String: Attribute]?

    public init(
        type: MessageType,
        messageId: String,
        topicArn: String,
        subject: String? = nil,
        message: String,
        timestamp: String,
        signatureVersion: String,
        signature: String,
        signingCertURL: String,
        subscribeURL: String? = nil,
        token: String? = nil,
        unsubscribeURL: String? = nil,
        messageAttributes: [String: Attribute]? = nil
    ) {
        self.type = type
        self.messageId = messageId
        self.topicArn = topicArn
        self.subject = subject
        self.message = message
        self.timestamp = timestamp
        self.signatureVersion = signatureVersion
        self.signature = signature
        self.signingCertURL = signingCertURL
        self.subscribeURL = subscribeURL
        self.token = token
        self.unsubscribeURL = unsubscribeURL
        self.messageAttributes = messageAttributes
    }

    public var isNotification: Bool { type == .notification }
    public var isSubscriptionConfirmation: Bool { type == .subscriptionConfirmation }
    public var isUnsubscribeConfirmation: Bool { type == .unsubscribeConfirmation }

    /// Decodes an HTTP(S) delivery body.
    ///
    /// Throws `.malformed` for anything that is not an SNS envelope and `.unsigned` when the
    /// signature fields are missing, so an unsigned body never reaches the verifier's later steps.
    public static func decode(_ body: Data) throws(SNSVerificationError) -> SNSMessage {
        do {
            return try JSONDecoder().decode(SNSMessage.self, from: body)
        } catch let error as SNSVerificationError {
            throw error
        } catch let DecodingError.typeMismatch(_, context) where !context.codingPath.isEmpty {
            throw .malformed(reason: "\(context.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong JSON type")
        } catch {
            throw .malformed(reason: "the body is not a JSON object (\(error.localizedDescription))")
        }
    }
}

extension SNSMessage: Decodable {
    /// Both spellings SNS uses: HTTP deliveries say `…URL`, Lambda records say `…Url`.
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)

        func optional(_ names: String...) throws -> String? {
            try first(of: names)
        }
        func first(of names: [String]) throws -> String? {
            var found: String?
            for name in names {
                guard let value = try c.decodeIfPresent(String.self, forKey: Key(name)) else { continue }
                if let earlier = found, earlier != value {
                    // Two spellings with different values: which one was signed is ambiguous.
                    throw SNSVerificationError.malformed(reason: "\(names.joined(separator: " and ")) are both present and differ")
                }
                found = value
            }
            return found
        }
        func required(_ names: String...) throws -> String {
            guard let value = try first(of: names) else {
                throw SNSVerificationError.malformed(reason: "the required field \(names[0]) is missing")
            }
            return value
        }

        let typeName = try required("Type")
        guard let type = MessageType(rawValue: typeName) else {
            throw SNSVerificationError.malformed(
                reason: "Type is \"\(typeName)\"; expected Notification, SubscriptionConfirmation or UnsubscribeConfirmation")
        }
        let signatureVersion = try optional("SignatureVersion")
        let signature = try optional("Signature")
        let signingCertURL = try optional("SigningCertURL", "SigningCertUrl")
        guard let signatureVersion, let signature, let signingCertURL,
              !signatureVersion.isEmpty, !signature.isEmpty, !signingCertURL.isEmpty
        else { throw SNSVerificationError.unsigned }

        self.init(
            type: type,
            messageId: try required("MessageId"),
            topicArn: try required("TopicArn"),
            subject: try optional("Subject"),
            message: try required("Message"),
            timestamp: try required("Timestamp"),
            signatureVersion: signatureVersion,
            signature: signature,
            signingCertURL: signingCertURL,
            subscribeURL: try optional("SubscribeURL", "SubscribeUrl"),
            token: try optional("Token"),
            unsubscribeURL: try optional("UnsubscribeURL", "UnsubscribeUrl"),
            messageAttributes: try c.decodeIfPresent([String: Attribute].self, forKey: Key("MessageAttributes"))
        )
    }
}
