import Foundation

/// What an inbound WhatsApp message carries, typed by its kind as Meta's webhook `messages[]` object
/// has it. Kept whole, so that a reader of the stored message needs nothing of the original event.
/// Every associated value is labelled: the labels are the keys of its JSON (`{"media":{"media":{…}}}`).
public enum InboundContent: Codable, Sendable, Equatable {
    case text(body: String)
    /// An image, video, audio, document or sticker; the bytes are fetched into S3 (`Message.s3Key`).
    case media(media: InboundMedia)
    case location(location: InboundLocation)
    /// Shared contact cards.
    case contacts(cards: [SharedContact])
    /// A tap on an interactive message's reply button.
    case buttonReply(id: String, title: String)
    /// A choice from an interactive message's list.
    case listReply(id: String, title: String, description: String?)
    /// A tap on a template's quick-reply button.
    case button(payload: String?, text: String)
    /// The contact's reaction to the message `messageId` (a WhatsApp id); a nil emoji removes it.
    case reaction(messageId: String, emoji: String?)
    /// A kind WhatsApp does not hand to the API; Meta says why.
    case unsupported(errors: [String])
    /// A notice from WhatsApp itself, e.g. that the customer changed number.
    case system(body: String?, type: String?, newWaId: String?)
    /// Any other kind (an order, a flow reply, …): the message object as Meta sent it.
    case other(json: String)

    /// The message as one line of text, what `Message.content` holds for listings.
    public var summary: String? {
        switch self {
        case .text(let body): body
        case .media(let m): m.caption ?? m.filename
        case .location(let l): [l.name, l.address].compactMap { $0 }.joined(separator: ", ").nonEmpty ?? "\(l.latitude),\(l.longitude)"
        case .contacts(let cards): cards.compactMap(\.name).joined(separator: ", ").nonEmpty
        case .buttonReply(_, let title), .listReply(_, let title, _): title
        case .button(_, let text): text
        case .reaction(_, let emoji): emoji
        case .unsupported: nil
        case .system(let body, _, _): body
        case .other: nil
        }
    }
}

/// A media attachment as Meta describes it; `filename` for documents, `voice` for voice notes,
/// `animated` for stickers.
public struct InboundMedia: Codable, Sendable, Equatable {
    /// image, video, audio, document or sticker.
    public var kind: String
    /// Meta's media id, which GetWhatsAppMessageMedia fetches.
    public var id: String
    public var mimeType: String?
    public var sha256: String?
    public var caption: String?
    public var filename: String?
    public var voice: Bool?
    public var animated: Bool?

    public init(kind: String, id: String, mimeType: String? = nil, sha256: String? = nil, caption: String? = nil, filename: String? = nil,
                voice: Bool? = nil, animated: Bool? = nil) {
        (self.kind, self.id, self.mimeType, self.sha256, self.caption, self.filename, self.voice, self.animated) =
            (kind, id, mimeType, sha256, caption, filename, voice, animated)
    }
}

public struct InboundLocation: Codable, Sendable, Equatable {
    public var latitude: Double
    public var longitude: Double
    public var name: String?
    public var address: String?
    public var url: String?

    public init(latitude: Double, longitude: Double, name: String? = nil, address: String? = nil, url: String? = nil) {
        (self.latitude, self.longitude, self.name, self.address, self.url) = (latitude, longitude, name, address, url)
    }
}

/// A contact card shared in a message: the name and numbers typed, and the whole card as Meta sent it
/// (addresses, emails, organisation, urls, birthday).
public struct SharedContact: Codable, Sendable, Equatable {
    public struct Phone: Codable, Sendable, Equatable {
        public var phone: String?
        public var waId: String?
        public var type: String?
        public init(phone: String?, waId: String?, type: String?) { (self.phone, self.waId, self.type) = (phone, waId, type) }
    }

    /// `name.formatted_name`.
    public var name: String?
    public var phones: [Phone]
    public var card: String

    public init(name: String?, phones: [Phone], card: String) { (self.name, self.phones, self.card) = (name, phones, card) }
}

/// `context`: the message this one replies to, or that it was forwarded.
public struct ReplyContext: Codable, Sendable, Equatable {
    /// The WhatsApp id of the message replied to.
    public var id: String?
    /// Who sent the message replied to (the business number when it is one of ours).
    public var from: String?
    public var forwarded: Bool?
    public var frequentlyForwarded: Bool?
    /// A question about a catalogue product: its catalogue and product ids.
    public var catalogId: String?
    public var productRetailerId: String?

    public init(id: String?, from: String?, forwarded: Bool? = nil, frequentlyForwarded: Bool? = nil, catalogId: String? = nil,
                productRetailerId: String? = nil) {
        (self.id, self.from, self.forwarded, self.frequentlyForwarded, self.catalogId, self.productRetailerId) =
            (id, from, forwarded, frequentlyForwarded, catalogId, productRetailerId)
    }
}

/// `referral`: the ad or post (click-to-WhatsApp) the customer came from.
public struct Referral: Codable, Sendable, Equatable {
    public var sourceUrl: String?
    public var sourceId: String?
    public var sourceType: String?
    public var headline: String?
    public var body: String?
    public var mediaType: String?
    public var imageUrl: String?
    public var videoUrl: String?
    public var thumbnailUrl: String?
    public var ctwaClid: String?

    public init(sourceUrl: String? = nil, sourceId: String? = nil, sourceType: String? = nil, headline: String? = nil, body: String? = nil,
                mediaType: String? = nil, imageUrl: String? = nil, videoUrl: String? = nil, thumbnailUrl: String? = nil, ctwaClid: String? = nil) {
        (self.sourceUrl, self.sourceId, self.sourceType, self.headline, self.body) = (sourceUrl, sourceId, sourceType, headline, body)
        (self.mediaType, self.imageUrl, self.videoUrl, self.thumbnailUrl, self.ctwaClid) = (mediaType, imageUrl, videoUrl, thumbnailUrl, ctwaClid)
    }
}

/// Everything an inbound message carries beyond its text: kept on the message (`Message.inbound`).
public struct InboundDetails: Codable, Sendable, Equatable {
    public var content: InboundContent
    public var context: ReplyContext?
    public var referral: Referral?
    /// The business number it was sent to, as Meta names it (`metadata`).
    public var metaPhoneNumberId: String?
    public var displayPhoneNumber: String?

    public init(content: InboundContent, context: ReplyContext? = nil, referral: Referral? = nil, metaPhoneNumberId: String? = nil,
                displayPhoneNumber: String? = nil) {
        (self.content, self.context, self.referral, self.metaPhoneNumberId, self.displayPhoneNumber) =
            (content, context, referral, metaPhoneNumberId, displayPhoneNumber)
    }

    /// As the stores keep it: JSON with sorted keys, the same bytes for the same details.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding these value types cannot fail: every member is a string, number, bool or array of them.
        guard let data = try? encoder.encode(self) else { fatalError("InboundDetails is always encodable") }
        return String(decoding: data, as: UTF8.self)
    }

    public init?(json: String) {
        guard let details = try? JSONDecoder().decode(InboundDetails.self, from: Data(json.utf8)) else { return nil }
        self = details
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
