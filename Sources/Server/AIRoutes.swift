import Foundation
import Hummingbird
import MessagingCore

/// `/api/ai/interactions…`: AI reply suggestions waiting for, or past, an operator's decision (Req 15).
/// Approving sends through the sending pipeline; every decision and feedback is audited.
enum AIRoutes {
    static var table: [Route] {
        let id = [Route.Parameter.string("id", "the AI interaction's id", required: true)]
        return [
            Route("GET", "/api/ai/interactions", .readAI, "AI suggestions, newest first", [200, 400, 503],
                  query: [.oneOf("status", AIStatus.self, "only interactions of this status", required: false),
                          .string("contactId", "only suggestions for this contact's messages"),
                          .number("before", "only interactions created before this time (seconds since 1970: the previous page's `next`)"),
                          .integer("limit", 1...200, "at most this many (default 50)")],
                  response: InteractionPage.self, resource: "ai-interaction") { s, req, _, _ in
                guard s.ai.store != nil else { return unavailable }
                var status: AIStatus?
                if let raw = req.uri.queryParameters["status"] {
                    guard let parsed = AIStatus(rawValue: String(raw)) else {
                        throw CoreError.invalid("'status' must be one of \(AIStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    status = parsed
                }
                let contactId = req.uri.queryParameters["contactId"].map(String.init)
                let limit = try Routes.integer(req, "limit", 1...200) ?? 50
                var before: Date?
                if let raw = req.uri.queryParameters["before"] {
                    guard let seconds = Double(raw), seconds.isFinite else { throw CoreError.invalid("'before' must be a number of seconds since 1970") }
                    before = Date(timeIntervalSince1970: seconds)
                }
                let page = try await service(s).list(status: status, contactId: contactId, before: before, limit: limit)
                let next = page.count == limit ? page.last.map { String($0.createdAt.timeIntervalSince1970) } : nil
                return (JSONBody.response(.ok, InteractionPage(interactions: page, next: next)), nil)
            },
            Route("GET", "/api/ai/interactions/{id}", .readAI, "One AI suggestion with its passages and sources", [200, 404, 503], path: id,
                  response: AIInteraction.self, resource: "ai-interaction") { s, _, p, _ in
                guard s.ai.store != nil else { return unavailable }
                let id = try p.require("id")
                return (JSONBody.response(.ok, try await service(s).get(id)), id)
            },
            Route("POST", "/api/ai/interactions/{id}/approve", .reviewAI,
                  "Approve a pending suggestion (optionally edited) and send it through the sending pipeline; DRY_RUN sends nothing",
                  [200, 400, 404, 409, 503], path: id, body: AIApproveBody.self, response: AIInteraction.self, resource: "ai-interaction") { s, req, p, caller in
                guard s.ai.store != nil else { return unavailable }
                let id = try p.require("id")
                let body = try await JSONBody.decode(AIApproveBody.self, req)
                let decided = try await service(s).approve(id, editedText: body.text, by: caller.userId)
                if decided.sentMessageId != nil {
                    s.metrics.increment("wecare_messages_sent_total", ["channel": "whatsapp", "status": decided.status == .dryRun ? "dry_run" : decided.status.rawValue,
                                                                       "kind": "ai_suggestion"])
                }
                return (JSONBody.response(.ok, decided), id)
            },
            Route("POST", "/api/ai/interactions/{id}/reject", .reviewAI, "Reject a pending suggestion: nothing is sent", [200, 404, 409, 503], path: id,
                  response: AIInteraction.self, resource: "ai-interaction") { s, _, p, caller in
                guard s.ai.store != nil else { return unavailable }
                let id = try p.require("id")
                return (JSONBody.response(.ok, try await service(s).reject(id, by: caller.userId)), id)
            },
            Route("POST", "/api/ai/interactions/{id}/feedback", .reviewAI, "Rate a suggestion (1–5) with an optional comment", [200, 400, 404, 503],
                  path: id, body: AIFeedbackBody.self, response: AIInteraction.self, resource: "ai-interaction") { s, req, p, caller in
                guard s.ai.store != nil else { return unavailable }
                let id = try p.require("id")
                let body = try await JSONBody.decode(AIFeedbackBody.self, req)
                return (JSONBody.response(.ok, try await service(s).feedback(id, rating: body.rating, comment: body.comment, by: caller.userId)), id)
            },
        ]
    }

    static func service(_ s: ServiceContext) async -> AISuggestionService {
        AISuggestionService(s.deps, settings: await s.settings.value, ai: s.ai)
    }

    /// 503 where this process keeps no AI interactions.
    static var unavailable: (Response, String?) {
        (JSONBody.error(.serviceUnavailable, "UNAVAILABLE", "this service keeps no AI interactions"), nil)
    }
}

extension AIStatus: SchemaEnum {}

struct InteractionPage: Codable {
    var interactions: [AIInteraction]
    var next: String?
}
