import Foundation

/// An AWS End User Messaging Social event as SNS delivers it: a header and the Meta webhook
/// `entry`, which arrives as a JSON string to decode a second time.
public struct EUMEvent: Sendable {
    public struct InboundMessage: Sendable, Equatable {
        public var from: String
        public var senderName: String?
        public var whatsappId: String
        public var timestamp: Date
        public var type: String
        public var text: String?
        public var mediaId: String?
        public var mimeType: String?
    }

    public struct StatusUpdate: Sendable, Equatable {
        public var whatsappId: String
        public var status: String
        public var timestamp: Date
        public var error: String?
    }

    /// AWS's id of the receiving number, as `phone-number-id-…`.
    public var phoneNumberId: String?
    /// The header's `messageId`; missing on real inbound-text events.
    public var messageId: String?
    public var messageTimestamp: Date?
    public var messages: [InboundMessage]
    public var statuses: [StatusUpdate]

    public enum DecodeError: Error, Equatable, Sendable, CustomStringConvertible {
        case notJSON
        case notAnEUMEvent(String)
        public var description: String {
            switch self {
            case .notJSON: "the message is not JSON"
            case .notAnEUMEvent(let why): "not an End User Messaging Social event: \(why)"
            }
        }
    }

    public static func decode(_ text: String) throws(DecodeError) -> EUMEvent {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else { throw .notJSON }
        guard let entryText = object["whatsAppWebhookEntry"] as? String else { throw .notAnEUMEvent("no whatsAppWebhookEntry") }
        guard let entry = (try? JSONSerialization.jsonObject(with: Data(entryText.utf8))) as? [String: Any] else {
            throw .notAnEUMEvent("whatsAppWebhookEntry is not a JSON string")
        }
        let context = object["context"] as? [String: Any]
        let arn = ((context?["MetaPhoneNumberIds"] as? [[String: Any]])?.first?["arn"] as? String)
        let phoneNumberId = arn.flatMap { a in a.split(separator: ":").last.map { $0.replacingOccurrences(of: "/", with: "-") } }
        var event = EUMEvent(phoneNumberId: phoneNumberId, messageId: object["messageId"] as? String,
                             messageTimestamp: (object["message_timestamp"] as? String).flatMap(parseRFC3339), messages: [], statuses: [])
        for change in entry["changes"] as? [[String: Any]] ?? [] {
            guard let value = change["value"] as? [String: Any] else { continue }
            let names = Dictionary((value["contacts"] as? [[String: Any]] ?? []).compactMap { c -> (String, String)? in
                guard let id = c["wa_id"] as? String, let name = (c["profile"] as? [String: Any])?["name"] as? String else { return nil }
                return (id, name)
            }, uniquingKeysWith: { a, _ in a })
            for m in value["messages"] as? [[String: Any]] ?? [] {
                guard let from = m["from"] as? String, let id = m["id"] as? String, let type = m["type"] as? String else {
                    throw .notAnEUMEvent("a message lacks from, id or type")
                }
                let body = m[type] as? [String: Any]
                let text = type == "text" ? body?["body"] as? String : body?["caption"] as? String
                let mediaTypes = ["image", "video", "audio", "document", "sticker"]
                event.messages.append(InboundMessage(
                    from: from, senderName: names[from], whatsappId: id, timestamp: epochDate(m["timestamp"]) ?? event.messageTimestamp ?? Date(timeIntervalSince1970: 0),
                    type: type, text: text, mediaId: mediaTypes.contains(type) ? body?["id"] as? String : nil,
                    mimeType: body?["mime_type"] as? String))
            }
            for s in value["statuses"] as? [[String: Any]] ?? [] {
                guard let id = s["id"] as? String, let status = s["status"] as? String else { throw .notAnEUMEvent("a status lacks id or status") }
                let error = (s["errors"] as? [[String: Any]])?.first.map { e -> String in
                    let details = (e["error_data"] as? [String: Any])?["details"] as? String
                    return "\(e["code"].map { "\($0)" } ?? "?") \(e["title"] as? String ?? ""): \(details ?? e["message"] as? String ?? "")"
                }
                event.statuses.append(StatusUpdate(whatsappId: id, status: status, timestamp: epochDate(s["timestamp"]) ?? Date(timeIntervalSince1970: 0), error: error))
            }
        }
        return event
    }

    static func epochDate(_ value: Any?) -> Date? {
        if let s = value as? String, let n = Double(s) { return Date(timeIntervalSince1970: n) }
        if let n = value as? Double { return Date(timeIntervalSince1970: n) }
        return nil
    }

    /// RFC 3339 with up to nanosecond fractions (`2025-01-08T23:30:43.271279391Z`), which ISO8601DateFormatter rejects.
    public static func parseRFC3339(_ s: String) -> Date? {
        var text = s
        var fraction = 0.0
        if let dot = text.firstIndex(of: "."), let end = text[dot...].firstIndex(where: { !$0.isNumber && $0 != "." }) {
            fraction = Double("0" + text[dot..<end]) ?? 0
            text.removeSubrange(dot..<end)
        }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: text).map { $0.addingTimeInterval(fraction) }
    }
}
