import Foundation
import Hummingbird
import MessagingCore

/// `/api/bulk/jobs…`: HTTP to `BulkService` and back (Req 8).
enum BulkRoutes {
    static func add<Context: RequestContext>(to router: Router<Context>, _ s: ServiceContext) {
        router.post("/api/bulk/jobs") { req, _ in
            try await Routes.guarded(s, req, .sendBulk, "bulk-job") { caller in
                let body = try await JSONBody.decode(CreateBulkJobBody.self, req)
                let service = try await service(s)
                let (channel, recipients, content) = try decodeJob(body)
                // A retried POST with the same Idempotency-Key gets the same job, never a second one.
                let key = req.headers[.init("Idempotency-Key")!]
                let view = try await service.create(channel: channel, recipients: recipients, content: content, createdBy: caller.userId,
                                                    idempotencyKey: key)
                return (JSONBody.response(view.needsConfirmation ? .accepted : .created, view), view.job.id)
            }
        }
        router.get("/api/bulk/jobs") { req, _ in
            try await Routes.guarded(s, req, .readBulk, "bulk-job") { _ in
                let limit = try Routes.integer(req, "limit", 1...200) ?? 50
                var cursor: BulkJobCursor?
                if let raw = req.uri.queryParameters["cursor"] {
                    guard let c = BulkJobCursor(String(raw)) else { throw CoreError.invalid("'cursor' must be the previous page's `next`") }
                    cursor = c
                }
                return (JSONBody.response(.ok, try await service(s).list(after: cursor, limit: limit)), nil)
            }
        }
        router.post("/api/bulk/jobs/:id/confirm") { req, ctx in
            try await Routes.guarded(s, req, .sendBulk, "bulk-job") { _ in
                let id = try ctx.parameters.require("id")
                return (JSONBody.response(.ok, try await service(s).confirm(id)), id)
            }
        }
        router.get("/api/bulk/jobs/:id") { req, ctx in
            try await Routes.guarded(s, req, .readBulk, "bulk-job") { _ in
                let id = try ctx.parameters.require("id")
                return (JSONBody.response(.ok, try await service(s).view(id)), id)
            }
        }
        router.put("/api/bulk/jobs/:id") { req, ctx in
            try await Routes.guarded(s, req, .sendBulk, "bulk-job") { _ in
                let id = try ctx.parameters.require("id")
                let body: BulkControlBody
                do throws(CoreError) { body = try await JSONBody.decode(BulkControlBody.self, req) } catch {
                    throw CoreError.invalid("action must be one of pause, resume, cancel: {\"action\": \"pause\"} (\(error.message))")
                }
                let action = BulkService.Action(rawValue: body.action.rawValue)!
                return (JSONBody.response(.ok, try await service(s).control(id, action)), id)
            }
        }
        router.delete("/api/bulk/jobs/:id") { req, ctx in
            try await Routes.guarded(s, req, .sendBulk, "bulk-job") { _ in
                let id = try ctx.parameters.require("id")
                try await service(s).delete(id)
                return (Response(status: .noContent), id)
            }
        }
        router.get("/api/bulk/jobs/:id/report") { req, ctx in
            try await Routes.guarded(s, req, .readBulk, "bulk-job") { _ in
                let id = try ctx.parameters.require("id")
                let data = try await service(s).report(id)
                return (Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data))), id)
            }
        }
    }

    static func service(_ s: ServiceContext) async throws(CoreError) -> BulkService {
        guard let bulk = s.bulk else { throw .internal("bulk jobs are not configured in this process") }
        return BulkService(s.deps, settings: await s.settings.value, bulk: bulk)
    }

    /// `{channel, contactIds | filter: {q, optedInOnly}, text | template | media | subject/html, phoneNumberId?}`.
    static func decodeJob(_ body: CreateBulkJobBody) throws(CoreError) -> (Channel, BulkService.Recipients, BulkContent) {
        let recipients: BulkService.Recipients
        switch (body.contactIds, body.filter) {
        case (let ids?, nil): recipients = .contacts(ids)
        case (nil, let f?): recipients = .filter(query: f.q ?? "", optedInOnly: f.optedInOnly ?? true)
        default:
            throw .invalid("give exactly one of contactIds (a list) or filter ({\"q\": \"…\", \"optedInOnly\": true})")
        }
        return (body.channel, recipients, BulkContent(body.content.request(channel: body.channel)))
    }
}
