import Foundation
import Hummingbird
import MessagingCore

/// `POST /api/media` (Req 5.5): a file as base64 in JSON, so that it passes API Gateway and Lambda as any
/// other body; stored under the outgoing prefix, then sent through the sending pipeline.
enum MediaRoutes {
    /// 100 MB (the largest WhatsApp document) as base64, with room for the other fields.
    static let bodyLimit = 140 * 1_048_576

    static var table: [Route] { [
        Route("POST", "/api/media", .sendMessages, "Upload a file under the outgoing prefix and send it on WhatsApp",
              [201, 400, 404, 409, 422, 502, 503], body: MediaUploadBody.self, response: Message.self, resource: "message") { s, req, _, _ in
            guard let objects = s.media else {
                return (JSONBody.error(.serviceUnavailable, "UNAVAILABLE", "this service has no store for outbound media"), nil)
            }
            let body: MediaUploadBody
            do throws(CoreError) { body = try await JSONBody.decode(MediaUploadBody.self, req, upTo: bodyLimit, within: JSONBody.bodyDeadline * 10) } catch {
                throw CoreError.invalid("media needs contactId, kind, contentType and data (the file as base64): \(error.message)")
            }
            guard let data = Data(base64Encoded: body.data) else { throw CoreError.invalid("'data' must be the file as base64") }
            let upload = MediaUpload(contactId: body.contactId, kind: body.kind, contentType: body.contentType, data: data, caption: body.caption,
                                     phoneNumberId: body.phoneNumberId)
            let m = try await MediaSender(s.deps, settings: await s.settings.value, objects: objects).send(upload)
            return Routes.sent(s, m)
        },
    ] }
}
