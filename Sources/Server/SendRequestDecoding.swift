import MessagingCore

/// `POST /api/messages` bodies: `{channel, contactId, text | template | media | subject/html, phoneNumberId?}`.
enum SendRequestDecoding {
    static func decode(_ o: [String: Any]) throws(CoreError) -> SendRequest {
        guard let raw = try o.string("channel"), let channel = Channel(rawValue: raw) else {
            throw .invalid("channel must be one of whatsapp, sms, email")
        }
        guard let contactId = try o.string("contactId") else { throw .invalid("contactId is required") }
        var template: SendRequest.Template?
        if let t = o["template"] {
            guard let t = t as? [String: Any], let name = try t.string("name") else { throw .invalid("template needs a name") }
            template = .init(name: name, language: try t.string("language") ?? "en_US", parameters: t["parameters"] as? [String] ?? [])
        }
        var media: SendRequest.Media?
        if let m = o["media"] {
            guard let m = m as? [String: Any], let kind = try m.string("kind"), let file = try m.string("file") else {
                throw .invalid("media needs kind (image, video, audio, document) and file (a key under the outgoing prefix)")
            }
            media = .init(kind: kind, file: file, caption: try m.string("caption"))
        }
        return SendRequest(channel: channel, contactId: contactId, text: try o.string("text"), template: template, media: media,
                           subject: try o.string("subject"), html: try o.string("html"), phoneNumberId: try o.string("phoneNumberId"))
    }
}
