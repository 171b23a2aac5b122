extension SNSMessage {
    /// The exact text SNS signs: `name\nvalue\n` for each present key, in this fixed (byte-sorted)
    /// order. Notifications and the two confirmations sign different key sets.
    public var stringToSign: String {
        let fields: [(String, String?)] = switch type {
        case .notification:
            [("Message", message), ("MessageId", messageId), ("Subject", subject),
             ("Timestamp", timestamp), ("TopicArn", topicArn), ("Type", type.rawValue)]
        case .subscriptionConfirmation, .unsubscribeConfirmation:
            [("Message", message), ("MessageId", messageId), ("SubscribeURL", subscribeURL),
             ("Timestamp", timestamp), ("Token", token), ("TopicArn", topicArn), ("Type", type.rawValue)]
        }
        var text = ""
        for case let (name, value?) in fields {
            text += "\(name)\n\(value)\n"
        }
        return text
    }
}
