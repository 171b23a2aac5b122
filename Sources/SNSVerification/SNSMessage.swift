import Foundation
import MessagingCore

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
    public struct Attribute: Sendable, Equatable {
        public var type: String
        public var value: String

        public init(type: String, value: String) {
            self.type = type
            self.value = value
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
    /// Read with the core's own JSON reader: Foundation's decoder took half of a verification, most
    /// of it unescaping the event that `Message` carries as a string.
    public static func decode(_ body: Data) throws(SNSVerificationError) -> SNSMessage {
        try decode(String(decoding: body, as: UTF8.self))
    }

    /// Decodes an HTTP(S) delivery body already read as text (the service reads it so).
    public static func decode(_ body: String) throws(SNSVerificationError) -> SNSMessage {
        let root: JSONNode
        do {
            root = try JSONReader.parse(body)
        } catch {
            throw .malformed(reason: "the body is not a JSON object (\(error))")
        }
        guard case .object(let members) = root else {
            throw .malformed(reason: "the body is not a JSON object (it is another JSON value)")
        }
        return try SNSMessage(members: members)
    }
}

extension SNSMessage {
    /// Reads the envelope's members. Both spellings SNS uses are accepted: HTTP deliveries say `…URL`,
    /// Lambda records say `…Url`. A key given twice is refused: which of the two was signed is unclear.
    init(members: [(key: String, value: JSONNode)]) throws(SNSVerificationError) {
        if let twice = Self.repeatedKey(members) { throw .malformed(reason: "\(twice) is given twice") }
        func string(_ name: String) throws(SNSVerificationError) -> String? {
            switch members.first(where: { $0.key == name })?.value {
            case nil, .null?: return nil
            case .string(let value)?: return value
            default: throw .malformed(reason: "\(name) has the wrong JSON type")
            }
        }
        func optional(_ names: String...) throws(SNSVerificationError) -> String? {
            try first(of: names)
        }
        func first(of names: [String]) throws(SNSVerificationError) -> String? {
            var found: String?
            for name in names {
                guard let value = try string(name) else { continue }
                if let earlier = found, earlier != value {
                    throw .malformed(reason: "\(names.joined(separator: " and ")) are both present and differ")
                }
                found = value
            }
            return found
        }
        func required(_ names: String...) throws(SNSVerificationError) -> String {
            guard let value = try first(of: names) else { throw .malformed(reason: "the required field \(names[0]) is missing") }
            return value
        }

        let typeName = try required("Type")
        guard let type = MessageType(rawValue: typeName) else {
            throw .malformed(reason: "Type is \"\(typeName)\"; expected Notification, SubscriptionConfirmation or UnsubscribeConfirmation")
        }
        let signatureVersion = try optional("SignatureVersion")
        let signature = try optional("Signature")
        let signingCertURL = try optional("SigningCertURL", "SigningCertUrl")
        guard let signatureVersion, let signature, let signingCertURL,
              !signatureVersion.isEmpty, !signature.isEmpty, !signingCertURL.isEmpty
        else { throw .unsigned }

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
            messageAttributes: try Self.attributes(members.first { $0.key == "MessageAttributes" }?.value)
        )
    }

    /// The first key given twice. An envelope has about ten keys, where comparing each with those before
    /// it costs less than hashing; a body with many keys (an attacker's) gets a set.
    static func repeatedKey(_ members: [(key: String, value: JSONNode)]) -> String? {
        if members.count <= 16 {
            for i in members.indices where members[..<i].contains(where: { $0.key == members[i].key }) { return members[i].key }
            return nil
        }
        var seen = Set<String>()
        return members.first { !seen.insert($0.key).inserted }?.key
    }

    /// `MessageAttributes`: an object of `{"Type": …, "Value": …}` objects, both strings.
    private static func attributes(_ node: JSONNode?) throws(SNSVerificationError) -> [String: Attribute]? {
        switch node {
        case nil, .null?: return nil
        case .object(let entries)?:
            var attributes: [String: Attribute] = [:]
            for (name, entry) in entries {
                guard entry.isObject else { throw .malformed(reason: "MessageAttributes.\(name) has the wrong JSON type") }
                var fields: [String] = []
                for field in ["Type", "Value"] {
                    guard let value = entry[field] else { throw .malformed(reason: "MessageAttributes.\(name).\(field) is missing") }
                    guard let text = value.string else { throw .malformed(reason: "MessageAttributes.\(name).\(field) has the wrong JSON type") }
                    fields.append(text)
                }
                attributes[name] = Attribute(type: fields[0], value: fields[1])
            }
            return attributes
        default: throw .malformed(reason: "MessageAttributes has the wrong JSON type")
        }
    }
}
