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
                let body: MediaUploadBody
                do throws(CoreError) { body = try await JSONBody.decode(MediaUploadBody.self, req, upTo: bodyLimit) } catch {
                    throw CoreError.invalid("media needs contactId, kind, contentType and data (the file as base64): \(error.message)")
                }
                guard let data = Data(base64Encoded: body.data) else { throw CoreError.invalid("'data' must be the file as base64") }
                let upload = MediaUpload(contactId: body.contactId, kind: body.kind, contentType: body.contentType, data: data, caption: body.caption,
                                         phoneNumberId: body.phoneNumberId)
                let m = try await MediaSender(s.deps, settings: await s.settings.value, objects: objects).send(upload)
                return Routes.sent(s, m)
            }
        }
    }
}
