import Foundation

/// The media WhatsApp accepts in a message, with the content types and sizes of each kind (WhatsApp Cloud
/// API media limits): a file outside them is refused here rather than by Meta after the upload.
public enum WhatsAppMediaKind: String, CaseIterable, Sendable {
    case image, video, audio, document, sticker

    /// Content types, each with the file extension it is stored under.
    public var contentTypes: [(type: String, fileExtension: String)] {
        switch self {
        case .image: [("image/jpeg", "jpg"), ("image/png", "png")]
        case .video: [("video/mp4", "mp4"), ("video/3gpp", "3gp")]
        case .audio: [("audio/aac", "aac"), ("audio/amr", "amr"), ("audio/mpeg", "mp3"), ("audio/mp4", "m4a"), ("audio/ogg", "ogg")]
        case .document:
            [("application/pdf", "pdf"), ("text/plain", "txt"), ("application/msword", "doc"),
             ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"), ("application/vnd.ms-excel", "xls"),
             ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"), ("application/vnd.ms-powerpoint", "ppt"),
             ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx")]
        case .sticker: [("image/webp", "webp")]
        }
    }

    /// The largest file of this kind, in bytes. Stickers: 500 KB animated, 100 KB static.
    public func maximumSize(of data: Data) -> Int {
        switch self {
        case .image: 5 * 1_048_576
        case .video, .audio: 16 * 1_048_576
        case .document: 100 * 1_048_576
        case .sticker: Self.isAnimatedWebP(data) ? 500 * 1024 : 100 * 1024
        }
    }

    /// Whether a caption may go with it (WhatsApp takes none on audio and stickers).
    public var takesCaption: Bool { self == .image || self == .video || self == .document }

    /// An extended WebP (`RIFF….WEBPVP8X`) with the animation flag set.
    static func isAnimatedWebP(_ data: Data) -> Bool {
        let bytes = [UInt8](data.prefix(21))
        guard bytes.count == 21, Array(bytes[0..<4]) == Array("RIFF".utf8), Array(bytes[8..<16]) == Array("WEBPVP8X".utf8) else { return false }
        return bytes[20] & 0x02 != 0
    }
}

/// One outbound media message: the file as uploaded, and who it goes to.
public struct MediaUpload: Sendable {
    public var contactId: String
    public var kind: String
    public var contentType: String
    public var data: Data
    public var caption: String?
    public var phoneNumberId: String?

    public init(contactId: String, kind: String, contentType: String, data: Data, caption: String? = nil, phoneNumberId: String? = nil) {
        self.contactId = contactId
        self.kind = kind
        self.contentType = contentType
        self.data = data
        self.caption = caption
        self.phoneNumberId = phoneNumberId
    }
}

/// Req 5.5: stores a file under the outgoing prefix, then sends it through the one sending pipeline, which
/// uploads it to WhatsApp (PostWhatsAppMessageMedia) and sends the media id (SendWhatsAppMessage).
public struct MediaSender: Sendable {
    let deps: CoreDependencies
    let settings: CoreSettings
    let objects: any ObjectStore

    public init(_ deps: CoreDependencies, settings: CoreSettings, objects: any ObjectStore) {
        self.deps = deps
        self.settings = settings
        self.objects = objects
    }

    public func send(_ upload: MediaUpload) async throws(CoreError) -> Message {
        guard let kind = WhatsAppMediaKind(rawValue: upload.kind) else {
            throw .invalid("media kind must be one of \(WhatsAppMediaKind.allCases.map(\.rawValue).joined(separator: ", ")), not '\(upload.kind)'")
        }
        let type = upload.contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard let fileExtension = kind.contentTypes.first(where: { $0.type == type })?.fileExtension else {
            throw .invalid("a WhatsApp \(kind.rawValue) must be \(kind.contentTypes.map(\.type).joined(separator: ", ")), not '\(upload.contentType)'")
        }
        guard !upload.data.isEmpty else { throw .invalid("the file is empty") }
        let limit = kind.maximumSize(of: upload.data)
        guard upload.data.count <= limit else {
            throw .invalid("the \(kind.rawValue) is \(upload.data.count) bytes; WhatsApp takes at most \(limit) bytes (\(limit / 1024) KB)")
        }
        if upload.caption != nil, !kind.takesCaption { throw .invalid("a WhatsApp \(kind.rawValue) takes no caption") }

        let file = deps.ids.next() + "." + fileExtension
        let request = SendRequest(channel: .whatsapp, contactId: upload.contactId, media: .init(kind: kind.rawValue, file: file, caption: upload.caption),
                                  phoneNumberId: upload.phoneNumberId)
        let pipeline = SendPipeline(deps, settings: settings)
        // Every check first, so that a refused message leaves no file behind.
        _ = try await pipeline.check(request)
        do {
            try await objects.put(bucket: settings.mediaBucket, key: settings.outgoingPrefix + file, data: upload.data, contentType: type)
        } catch {
            throw .internal("storing the media under the outgoing prefix: \(error)")
        }
        deps.events.record(.info, "media_stored", ["contactId": upload.contactId, "kind": kind.rawValue, "bytes": String(upload.data.count),
                                                   "key": settings.outgoingPrefix + file])
        return try await pipeline.send(request)
    }
}
