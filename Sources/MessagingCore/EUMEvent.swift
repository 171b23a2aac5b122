import Foundation

/// An AWS End User Messaging Social event as SNS delivers it: a header and the Meta webhook
/// `entry`, which arrives as a JSON string to decode a second time. Each message and status of the
/// entry is read on its own (a `Part`): one that cannot be read does not stop its siblings, and can be
/// kept alone in the DLQ as an event of its own (`Part.payload`).
public struct EUMEvent: Sendable {
    public struct InboundMessage: Sendable, Equatable {
        public var from: String
        /// The sender's WhatsApp profile name (`contacts[].profile.name`).
        public var senderName: String?
        public var whatsappId: String
        public var timestamp: Date
        /// Meta's `type`: text, image, interactive, reaction, …
        public var type: String
        public var details: InboundDetails
        /// AWS's id of the business number the message was sent to (`phone-number-id-…`): the context's
        /// entry for the message's own `metadata.phone_number_id`; nil when the context does not list it.
        public var phoneNumberId: String?

        public var text: String? { details.content.summary }
        public var media: InboundMedia? { if case .media(let m) = details.content { m } else { nil } }
    }

    public struct StatusUpdate: Sendable, Equatable {
        public var whatsappId: String
        public var status: String
        public var timestamp: Date
        public var error: String?
    }

    public enum Item: Sendable, Equatable {
        case message(InboundMessage)
        case status(StatusUpdate)
        /// A message or status that cannot be read, and why.
        case malformed(String)
    }

    /// One message or status of the event, with what is needed to keep it alone.
    public struct Part: Sendable {
        /// Unique within the event: the WhatsApp id (with the status for a status), or the position.
        public var key: String
        public var item: Item
        let envelope: JSONNode
        let entry: JSONNode
        let change: JSONNode
        let value: JSONNode
        let list: String
        let element: JSONNode

        /// This part alone as an event of the same shape: what its dead letter keeps, and replays.
        public func payload() -> String {
            let others = list == "messages" ? "statuses" : "messages"
            let value = self.value.setting(list, to: .array([element])).setting(others, to: .array([]))
            let entry = self.entry.setting("changes", to: .array([change.setting("value", to: value)]))
            return envelope.setting("whatsAppWebhookEntry", to: .string(entry.jsonText)).jsonText
        }
    }

    /// The header's `messageId`; missing on real inbound-text events.
    public var messageId: String?
    public var messageTimestamp: Date?
    public var parts: [Part]

    public var messages: [InboundMessage] { parts.compactMap { if case .message(let m) = $0.item { m } else { nil } } }
    public var statuses: [StatusUpdate] { parts.compactMap { if case .status(let s) = $0.item { s } else { nil } } }

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

    /// Reads the header and the entry; throws only when neither can be read (the whole event is then
    /// kept). A message or status that cannot be read is a `.malformed` part.
    public static func decode(_ text: String) throws(DecodeError) -> EUMEvent {
        guard let object = try? JSONReader.parse(text), object.isObject else { throw .notJSON }
        guard let entryText = object["whatsAppWebhookEntry"]?.string else { throw .notAnEUMEvent("no whatsAppWebhookEntry") }
        guard let entry = try? JSONReader.parse(entryText), entry.isObject else {
            throw .notAnEUMEvent("whatsAppWebhookEntry is not a JSON string")
        }
        // Meta's phone-number id → AWS's `phone-number-id-…` (the ARN's last part, `/` as `-`).
        var awsIds: [String: String] = [:]
        for n in object["context"]?["MetaPhoneNumberIds"]?.array ?? [] {
            guard let meta = n["metaPhoneNumberId"]?.string, let arn = n["arn"]?.string, let last = arn.split(separator: ":").last else { continue }
            awsIds[meta] = String(last.map { $0 == "/" ? "-" : $0 })  // Foundation's replacingOccurrences cost 3 % of an event
        }
        var event = EUMEvent(messageId: object["messageId"]?.string, messageTimestamp: object["message_timestamp"]?.string.flatMap(parseRFC3339), parts: [])
        for (c, change) in (entry["changes"]?.array ?? []).enumerated() {
            guard let value = change["value"], value.isObject else { continue }
            let names = Dictionary((value["contacts"]?.array ?? []).compactMap { c -> (String, String)? in
                guard let id = c["wa_id"]?.string, let name = c["profile"]?["name"]?.string else { return nil }
                return (id, name)
            }, uniquingKeysWith: { a, _ in a })
            let metaNumber = value["metadata"]?["phone_number_id"]?.string
            let display = value["metadata"]?["display_phone_number"]?.string
            func part(_ key: String, _ item: Item, _ list: String, _ element: JSONNode) -> Part {
                Part(key: key, item: item, envelope: object, entry: entry, change: change, value: value, list: list, element: element)
            }
            for (i, m) in (value["messages"]?.array ?? []).enumerated() {
                let position = "changes[\(c)].messages[\(i)]"
                guard let from = m["from"]?.string, let id = m["id"]?.string, let type = m["type"]?.string else {
                    event.parts.append(part(m["id"]?.string ?? position, .malformed("\(position) lacks from, id or type"), "messages", m))
                    continue
                }
                do {
                    let details = InboundDetails(content: try content(type, m), context: context(m["context"]), referral: referral(m["referral"]),
                                                 metaPhoneNumberId: metaNumber, displayPhoneNumber: display)
                    let timestamp = epochDate(m["timestamp"]) ?? event.messageTimestamp ?? Date(timeIntervalSince1970: 0)
                    let message = InboundMessage(from: from, senderName: names[from], whatsappId: id, timestamp: timestamp, type: type,
                                                 details: details, phoneNumberId: metaNumber.flatMap { awsIds[$0] })
                    event.parts.append(part(id, .message(message), "messages", m))
                } catch {
                    event.parts.append(part(id, .malformed("message \(id): \(error)"), "messages", m))
                }
            }
            for (i, s) in (value["statuses"]?.array ?? []).enumerated() {
                guard let id = s["id"]?.string, let status = s["status"]?.string else {
                    event.parts.append(part("changes[\(c)].statuses[\(i)]", .malformed("changes[\(c)].statuses[\(i)] lacks id or status"), "statuses", s))
                    continue
                }
                let error = s["errors"]?.array?.first.map(errorText)
                let update = StatusUpdate(whatsappId: id, status: status, timestamp: epochDate(s["timestamp"]) ?? Date(timeIntervalSince1970: 0), error: error)
                event.parts.append(part("\(id)#\(status)", .status(update), "statuses", s))
            }
        }
        return event
    }

    struct MissingField: Error, CustomStringConvertible {
        var description: String
    }

    /// The typed content of a message of kind `type`; a field the kind cannot do without is an error.
    static func content(_ type: String, _ m: JSONNode) throws -> InboundContent {
        func required(_ node: JSONNode?, _ path: String) throws -> String {
            guard let s = node?.string else { throw MissingField(description: "a \(type) message has no \(path)") }
            return s
        }
        switch type {
        case "text":
            return .text(body: try required(m["text"]?["body"], "text.body"))
        case "image", "video", "audio", "document", "sticker":
            let o = m[type]
            return .media(media: InboundMedia(kind: type, id: try required(o?["id"], "\(type).id"), mimeType: o?["mime_type"]?.string,
                                       sha256: o?["sha256"]?.string, caption: o?["caption"]?.string, filename: o?["filename"]?.string,
                                       voice: o?["voice"]?.bool, animated: o?["animated"]?.bool))
        case "location":
            let l = m["location"]
            guard let latitude = l?["latitude"]?.number, let longitude = l?["longitude"]?.number else {
                throw MissingField(description: "a location message has no location.latitude and location.longitude")
            }
            return .location(location: InboundLocation(latitude: latitude, longitude: longitude, name: l?["name"]?.string, address: l?["address"]?.string,
                                             url: l?["url"]?.string))
        case "contacts":
            guard let cards = m["contacts"]?.array else { throw MissingField(description: "a contacts message has no contacts") }
            return .contacts(cards: cards.map { card in
                SharedContact(name: card["name"]?["formatted_name"]?.string,
                              phones: (card["phones"]?.array ?? []).map { .init(phone: $0["phone"]?.string, waId: $0["wa_id"]?.string, type: $0["type"]?.string) },
                              card: card.jsonText)
            })
        case "interactive":
            let i = m["interactive"]
            switch i?["type"]?.string {
            case "button_reply":
                return .buttonReply(id: try required(i?["button_reply"]?["id"], "interactive.button_reply.id"),
                                    title: try required(i?["button_reply"]?["title"], "interactive.button_reply.title"))
            case "list_reply":
                return .listReply(id: try required(i?["list_reply"]?["id"], "interactive.list_reply.id"),
                                  title: try required(i?["list_reply"]?["title"], "interactive.list_reply.title"),
                                  description: i?["list_reply"]?["description"]?.string)
            default:
                return .other(json: m.jsonText)
            }
        case "button":
            return .button(payload: m["button"]?["payload"]?.string, text: try required(m["button"]?["text"], "button.text"))
        case "reaction":
            let emoji = m["reaction"]?["emoji"]?.string
            return .reaction(messageId: try required(m["reaction"]?["message_id"], "reaction.message_id"), emoji: emoji?.isEmpty == false ? emoji : nil)
        case "unsupported", "unknown":
            return .unsupported(errors: (m["errors"]?.array ?? []).map(errorText))
        case "system":
            let s = m["system"]
            return .system(body: s?["body"]?.string, type: s?["type"]?.string, newWaId: s?["wa_id"]?.string ?? s?["new_wa_id"]?.string)
        default:
            return .other(json: m.jsonText)
        }
    }

    static func context(_ c: JSONNode?) -> ReplyContext? {
        guard let c, c.isObject else { return nil }
        return ReplyContext(id: c["id"]?.string, from: c["from"]?.string, forwarded: c["forwarded"]?.bool,
                            frequentlyForwarded: c["frequently_forwarded"]?.bool, catalogId: c["referred_product"]?["catalog_id"]?.string,
                            productRetailerId: c["referred_product"]?["product_retailer_id"]?.string)
    }

    static func referral(_ r: JSONNode?) -> Referral? {
        guard let r, r.isObject else { return nil }
        return Referral(sourceUrl: r["source_url"]?.string, sourceId: r["source_id"]?.string, sourceType: r["source_type"]?.string,
                        headline: r["headline"]?.string, body: r["body"]?.string, mediaType: r["media_type"]?.string,
                        imageUrl: r["image_url"]?.string, videoUrl: r["video_url"]?.string, thumbnailUrl: r["thumbnail_url"]?.string,
                        ctwaClid: r["ctwa_clid"]?.string)
    }

    /// Meta's error object as one line: `131047 Re-engagement message: <details>`.
    static func errorText(_ e: JSONNode) -> String {
        let details = e["error_data"]?["details"]?.string
        return "\(e["code"].map(display) ?? "?") \(e["title"]?.string ?? ""): \(details ?? e["message"]?.string ?? "")"
    }

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
