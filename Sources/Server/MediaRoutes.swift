import Foundation
import Hummingbird
import MessagingCore

/// `POST /api/media` (Req 5.5): a file as base64 in JSON, so that it passes API Gateway and Lambda as any
/// other body; stored under the outgoing prefix, then sent through the sending pipeline.
enum MediaRoutes {
    /// 100 MB (the largest WhatsApp document) as base64, with room for the other fields.
    static let bodyLimit = 140 * 1_048_576

    static func add<Context: RequestContext>(to router: Router<Context>, _ s: ServiceContext) {
        router.post("/api/media") { req, _ in
            try await Routes.guarded(s, req, .sendMessages, "message") { _ in
                guard let objects = s.media else {
                    return (JSONBody.error(.serviceUnavailable, "UNAVAILABLE", "this service has no store for outbound media"), nil)
                }
                let o = try await JSONBody.object(req, upTo: bodyLimit)
                guard let contactId = try o.string("contactId"), let kind = try o.string("kind"), let contentType = try o.string("contentType"),
                      let encoded = try o.string("data") else {
                    throw CoreError.invalid("media needs contactId, kind, contentType and data (the file as base64)")
                }
                guard let data = Data(base64Encoded: encoded) else { throw CoreError.invalid("'data' must be the file as base64") }
                let upload = MediaUpload(contactId: contactId, kind: kind, contentType: contentType, data: data, caption: try o.string("caption"),
                                         phoneNumberId: try o.string("phoneNumberId"))
                let m = try await MediaSender(s.deps, settings: await s.settings.value, objects: objects).send(upload)
                return Routes.sent(s, m)
            }
        }
    }
}
