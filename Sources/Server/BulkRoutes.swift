import Foundation
import Hummingbird
import MessagingCore

/// `/api/bulk/jobs…`: HTTP to `BulkService` and back (Req 8).
enum BulkRoutes {
    static var table: [Route] {
        let job = [Route.Parameter.string("id", "the bulk job's id", required: true)]
        return [
            Route("POST", "/api/bulk/jobs", .sendBulk, "Create a bulk job; more recipients than the threshold wait for a confirmation",
                  [201, 202, 400, 409, 422], body: CreateBulkJobBody.self, headers: [.init("Idempotency-Key", ["type": "string", "pattern": BulkService.idempotencyKeyPattern],
                                                                                           "the same caller and key get the same job (1 to 255 printable ASCII characters, no space)")],
                  response: BulkService.JobView.self, resource: "bulk-job") { s, req, _, caller in
                let body = try await JSONBody.decode(CreateBulkJobBody.self, req)
                let service = try await service(s)
                let (channel, recipients, content) = try decodeJob(body)
                // A retried POST with the same Idempotency-Key gets the same job, never a second one.
                let key = req.headers[.init("Idempotency-Key")!]
                let view = try await service.create(channel: channel, recipients: recipients, content: content, createdBy: caller.userId,
                                                    idempotencyKey: key)
                return (JSONBody.response(view.needsConfirmation ? .accepted : .created, view), view.job.id)
            },
            Route("GET", "/api/bulk/jobs", .readBulk, "Bulk jobs with their progress, newest first", [200, 400],
                  query: [.string("cursor", "where the previous page ended: its `next`"), .integer("limit", 1...200, "at most this many (default 50)")],
                  response: BulkService.JobPage.self, resource: "bulk-job") { s, req, _, _ in
                let limit = try Routes.integer(req, "limit", 1...200) ?? 50
                var cursor: BulkJobCursor?
                if let raw = req.uri.queryParameters["cursor"] {
                    guard let c = BulkJobCursor(String(raw)) else { throw CoreError.invalid("'cursor' must be the previous page's `next`") }
                    cursor = c
                }
                return (JSONBody.response(.ok, try await service(s).list(after: cursor, limit: limit)), nil)
            },
            Route("POST", "/api/bulk/jobs/{id}/confirm", .sendBulk, "Confirm a pending bulk job: its chunks are queued", [200, 404, 409], path: job,
                  response: BulkService.JobView.self, resource: "bulk-job") { s, _, p, _ in
                let id = try p.require("id")
                return (JSONBody.response(.ok, try await service(s).confirm(id)), id)
            },
            Route("GET", "/api/bulk/jobs/{id}", .readBulk, "A bulk job with its progress", [200, 404], path: job, response: BulkService.JobView.self,
                  resource: "bulk-job") { s, _, p, _ in
                let id = try p.require("id")
                return (JSONBody.response(.ok, try await service(s).view(id)), id)
            },
            Route("PUT", "/api/bulk/jobs/{id}", .sendBulk, "Pause, resume or cancel a bulk job", [200, 400, 404, 409], path: job, body: BulkControlBody.self,
                  response: BulkService.JobView.self, resource: "bulk-job") { s, req, p, _ in
                let id = try p.require("id")
                let body: BulkControlBody
                do throws(CoreError) { body = try await JSONBody.decode(BulkControlBody.self, req) } catch {
                    throw CoreError.invalid("action must be one of pause, resume, cancel: {\"action\": \"pause\"} (\(error.message))")
                }
                let action = BulkService.Action(rawValue: body.action.rawValue)!
                return (JSONBody.response(.ok, try await service(s).control(id, action)), id)
            },
            Route("DELETE", "/api/bulk/jobs/{id}", .sendBulk, "Delete a bulk job that is not running", [204, 404, 409], path: job, response: nil,
                  resource: "bulk-job") { s, _, p, _ in
                let id = try p.require("id")
                try await service(s).delete(id)
                return (Response(status: .noContent), id)
            },
            // The report's own format is documented with the reports (docs/service.md), not here.
            Route("GET", "/api/bulk/jobs/{id}/report", .readBulk, "The job's report (the format stored under the reports prefix)", [200, 404], path: job,
                  response: nil, resource: "bulk-job") { s, _, p, _ in
                let id = try p.require("id")
                let data = try await service(s).report(id)
                return (Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data))), id)
            },
        ]
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
