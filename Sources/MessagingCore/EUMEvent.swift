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
        guard let object = try? JSONReader.parse(text), object.isObject else { throw .notJSON }
        guard let entryText = object["whatsAppWebhookEntry"]?.string else { throw .notAnEUMEvent("no whatsAppWebhookEntry") }
        guard let entry = try? JSONReader.parse(entryText), entry.isObject else {
            throw .notAnEUMEvent("whatsAppWebhookEntry is not a JSON string")
        }
        let arn = object["context"]?["MetaPhoneNumberIds"]?.array?.first?["arn"]?.string
        let phoneNumberId = arn.flatMap { a in a.split(separator: ":").last.map { $0.replacingOccurrences(of: "/", with: "-") } }
        var event = EUMEvent(phoneNumberId: phoneNumberId, messageId: object["messageId"]?.string,
                             messageTimestamp: object["message_timestamp"]?.string.flatMap(parseRFC3339), messages: [], statuses: [])
        for change in entry["changes"]?.array ?? [] {
            guard let value = change["value"], value.isObject else { continue }
            let names = Dictionary((value["contacts"]?.array ?? []).compactMap { c -> (String, String)? in
                guard let id = c["wa_id"]?.string, let name = c["profile"]?["name"]?.string else { return nil }
                return (id, name)
            }, uniquingKeysWith: { a, _ in a })
            for m in value["messages"]?.array ?? [] {
                guard let from = m["from"]?.string, let id = m["id"]?.string, let type = m["type"]?.string else {
                    throw .notAnEUMEvent("a message lacks from, id or type")
                }
                let body = m[type]
                let text = type == "text" ? body?["body"]?.string : body?["caption"]?.string
                event.messages.append(InboundMessage(
                    from: from, senderName: names[from], whatsappId: id, timestamp: epochDate(m["timestamp"]) ?? event.messageTimestamp ?? Date(timeIntervalSince1970: 0),
                    type: type, text: text, mediaId: mediaTypes.contains(type) ? body?["id"]?.string : nil,
                    mimeType: body?["mime_type"]?.string))
            }
            for s in value["statuses"]?.array ?? [] {
                guard let id = s["id"]?.string, let status = s["status"]?.string else { throw .notAnEUMEvent("a status lacks id or status") }
                let error = s["errors"]?.array?.first.map { e -> String in
                    let details = e["error_data"]?["details"]?.string
                    return "\(e["code"].map(display) ?? "?") \(e["title"]?.string ?? ""): \(details ?? e["message"]?.string ?? "")"
                }
                event.statuses.append(StatusUpdate(whatsappId: id, status: status, timestamp: epochDate(s["timestamp"]) ?? Date(timeIntervalSince1970: 0), error: error))
            }
        }
        return event
    }

    static let mediaTypes: Set = ["image", "video", "audio", "document", "sticker"]

    /// A scalar as text (an error code is a number in Meta's payloads, a string in some samples).
    static func display(_ value: JSONNode) -> String {
        switch value {
        case .string(let s): s
        case .number(let n): n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : String(n)
        case .bool(let b): String(b)
        default: "?"
        }
    }

    static func epochDate(_ value: JSONNode?) -> Date? {
        if let s = value?.string, let n = Double(s) { return Date(timeIntervalSince1970: n) }
        if let n = value?.number { return Date(timeIntervalSince1970: n) }
        return nil
    }

    /// RFC 3339 with up to nanosecond fractions (`2025-01-08T23:30:43.271279391Z`, or an offset such as
    /// `+05:30`), which ISO8601DateFormatter rejects. Parsed by hand: a formatter per event cost a quarter
    /// of the time of ingesting it.
    public static func parseRFC3339(_ s: String) -> Date? {
        let b = Array(s.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var n = 0
            for i in from..<(from + count) {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                n = n * 10 + Int(b[i] - 48)
            }
            return n
        }
        func byte(_ i: Int) -> UInt8? { i < b.count ? b[i] : nil }
        guard let year = number(0, 4), byte(4) == 45, let month = number(5, 2), byte(7) == 45, let day = number(8, 2),
              let t = byte(10), t == 84 || t == 116 || t == 32, let hour = number(11, 2), byte(13) == 58, let minute = number(14, 2),
              byte(16) == 58, let second = number(17, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var i = 19
        var fraction = 0.0
        if byte(i) == 46 {
            i += 1
            var scale = 0.1
            let start = i
            while let c = byte(i), c >= 48, c <= 57 {
                fraction += Double(c - 48) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        var offset = 0
        switch byte(i) {
        case 90, 122: i += 1
        case 43, 45:
            guard let oh = number(i + 1, 2), byte(i + 3) == 58, let om = number(i + 4, 2) else { return nil }
            offset = (oh * 3600 + om * 60) * (b[i] == 43 ? 1 : -1)
            i += 6
        default: return nil
        }
        guard i == b.count else { return nil }
        // Days from 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }
}
