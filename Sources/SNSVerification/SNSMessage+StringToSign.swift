import Crypto

extension SNSMessage {
    /// What SNS signs, in its fixed (byte-sorted) order: each present key with its value. Notifications
    /// and the two confirmations sign different key sets.
    var signedFields: [(name: String, value: String)] {
        let fields: [(String, String?)] = switch type {
        case .notification:
            [("Message", message), ("MessageId", messageId), ("Subject", subject),
             ("Timestamp", timestamp), ("TopicArn", topicArn), ("Type", type.rawValue)]
        case .subscriptionConfirmation, .unsubscribeConfirmation:
            [("Message", message), ("MessageId", messageId), ("SubscribeURL", subscribeURL),
             ("Timestamp", timestamp), ("Token", token), ("TopicArn", topicArn), ("Type", type.rawValue)]
        }
        return fields.compactMap { name, value in value.map { (name, $0) } }
    }

    /// The exact text SNS signs: `name\nvalue\n` for each signed field.
    public var stringToSign: String {
        signedFields.map { "\($0.name)\n\($0.value)\n" }.joined()
    }

    /// The digest of `stringToSign`, hashed field by field instead of building the text first (the
    /// message, an escaped event of about a kilobyte, would be copied twice).
    func digestOfStringToSign<H: HashFunction>(_: H.Type) -> H.Digest {
        var hash = H()
        let newline: [UInt8] = [0x0A]
        for (name, value) in signedFields {
            for var text in [name, value] {
                text.withUTF8 { hash.update(bufferPointer: UnsafeRawBufferPointer($0)) }
                hash.update(data: newline)
            }
        }
        return hash.finalize()
    }
}
