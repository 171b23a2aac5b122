import Foundation
import Hummingbird
import MessagingCore

/// The HTTP API: each route authorizes, translates HTTP to one call on the core, and back.
/// No business rule lives here; the same handlers serve Lambda's API Gateway events.
public enum Routes {
    /// Every route, with the operation it needs, its body, query and the statuses it answers:
    /// `/openapi.json`, the role matrix test and the 405 answers are made from it.
    public static var table: [Route] {
        let id = [Route.Parameter.string("id", "the contact's id", required: true)]
        let job = [Route.Parameter.string("id", "the bulk job's id", required: true)]
        return [
            Route("GET", "/healthz", nil, "Liveness and the environment's SEND_MODE", [200]),
            Route("GET", "/metrics", nil, "Prometheus metrics", [200], produces: "text/plain"),
            Route("GET", "/openapi.json", nil, "This API as OpenAPI 3.1", [200]),
            Route("GET", "/api/me", .readSelf, "Who the token belongs to and the role it carries", [200]),
            Route("POST", "/api/contacts", .writeContacts, "Create a contact (opt-ins false unless given)", [201, 400, 409], body: CreateContactBody.self),
            Route("GET", "/api/contacts", .readContacts, "Search contacts by name, phone or email", [200, 400],
                  query: [.string("q", "text to find in name, phone or email"), .integer("limit", 1...200, "at most this many (default 50)")]),
            Route("GET", "/api/contacts/{id}", .readContacts, "Read a contact", [200, 404], path: id),
            Route("PATCH", "/api/contacts/{id}", .writeContacts, "Update a contact; opt-ins change only when present", [200, 400, 404, 409],
                  path: id, body: UpdateContactBody.self),
            Route("DELETE", "/api/contacts/{id}", .writeContacts, "Soft-delete a contact", [204, 404], path: id),
            Route("POST", "/api/messages", .sendMessages, "Send a message through the safety pipeline", [201, 400, 404, 409, 422, 502],
                  body: SendMessageBody.self),
            Route("POST", "/api/messages/{channel}", .sendMessages, "Send on one channel (whatsapp, sms, email): the route of that channel's function",
                  [201, 400, 404, 409, 422, 502], path: [.oneOf("channel", Channel.self, "the channel whose function sends it")], body: SendMessageBody.self),
            Route("GET", "/api/messages", .readMessages, "A contact's messages, newest first", [200, 400],
                  query: [.string("contactId", "whose messages", required: true),
                          .number("before", "only messages before this time (seconds since 1970: the previous page's `next`)"),
                          .integer("limit", 1...200, "at most this many (default 50)")]),
            Route("POST", "/api/media", .sendMessages, "Upload a file under the outgoing prefix and send it on WhatsApp",
                  [201, 400, 404, 409, 422, 502, 503], body: MediaUploadBody.self),
            Route("POST", "/api/bulk/jobs", .sendBulk, "Create a bulk job; more recipients than the threshold wait for a confirmation",
                  [201, 202, 400, 409, 422], body: CreateBulkJobBody.self, headers: [.string("Idempotency-Key", "the same caller and key get the same job")]),
            Route("GET", "/api/bulk/jobs", .readBulk, "Bulk jobs with their progress, newest first", [200, 400],
                  query: [.string("cursor", "where the previous page ended: its `next`"), .integer("limit", 1...200, "at most this many (default 50)")]),
            Route("POST", "/api/bulk/jobs/{id}/confirm", .sendBulk, "Confirm a pending bulk job: its chunks are queued", [200, 404, 409], path: job),
            Route("GET", "/api/bulk/jobs/{id}", .readBulk, "A bulk job with its progress", [200, 404], path: job),
            Route("PUT", "/api/bulk/jobs/{id}", .sendBulk, "Pause, resume or cancel a bulk job", [200, 400, 404, 409], path: job, body: BulkControlBody.self),
            Route("DELETE", "/api/bulk/jobs/{id}", .sendBulk, "Delete a bulk job that is not running", [204, 404, 409], path: job),
            Route("GET", "/api/bulk/jobs/{id}/report", .readBulk, "The job's report (the format stored under the reports prefix)", [200, 404], path: job),
            Route("POST", "/webhooks/sns", nil, "SNS deliveries of EUM Social events (signature verified)", [200, 400, 403, 500, 503], rawBody: true),
            Route("GET", "/api/dlq", .readDLQ, "Dead-letter entries", [200]),
            Route("POST", "/api/dlq/replay", .replayDLQ, "Replay up to 100 dead-letter entries", [200, 400], body: DLQReplayBody.self),
            Route("GET", "/api/audit", .readAudit, "The audit log", [200, 400], query: [.integer("limit", 1...1000, "at most this many (default 100)")]),
            Route("GET", "/api/ui/config", nil, "What the web UI starts from: its links, how to sign in, live events or polling", [200]),
            Route("GET", "/api/events", .readMessages, "Server-sent events: inbound messages, statuses and bulk progress as they happen (serve only)",
                  [200, 503], produces: "text/event-stream"),
            Route("GET", "/api/config", .readConfig, "The running configuration", [200]),
            Route("PUT", "/api/config", .writeConfig, "Change run-time settings", [200, 400], body: ConfigUpdateBody.self),
        ]
    }

    /// The routes of a path, whatever their method: `{x}` matches one segment.
    static func routes(matching path: String) -> [Route] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        return table.filter { route in
            let pattern = route.path.split(separator: "/", omittingEmptySubsequences: false)
            return pattern.count == segments.count
                && zip(pattern, segments).allSatisfy { p, s in (p.hasPrefix("{") && p.hasSuffix("}") && !s.isEmpty) || p == s }
        }
    }

    /// The answer to an error the router threw: 404 for no route, 405 with `Allow` for a route without that
    /// method, the error's own status for others; always the JSON error body.
    static func errorResponse(_ error: any Error, method: String, path: String) -> Response {
        guard let http = error as? HTTPError else {
            if let e = error as? CoreError { return JSONBody.error(e) }
            return JSONBody.error(.internalServerError, "INTERNAL", "the request failed")
        }
        if http.status == .notFound {
            let methods = Set(routes(matching: path).map(\.method))
            if !methods.isEmpty, !methods.contains(method) {
                var response = JSONBody.error(.methodNotAllowed, "METHOD_NOT_ALLOWED", "\(path) answers \(methods.sorted().joined(separator: ", ")), not \(method)")
                response.headers[.allow] = methods.sorted().joined(separator: ", ")
                return response
            }
            return JSONBody.error(.notFound, "NOT_FOUND", "no route \(method) \(path)")
        }
        let code = http.status.code == 413 ? "PAYLOAD_TOO_LARGE" : http.status.code < 500 ? "INVALID_REQUEST" : "INTERNAL"
        return JSONBody.error(http.status, code, http.body ?? http.status.reasonPhrase)
    }

    /// The router both front doors run: `serve` with Hummingbird's own context, Lambda with `LambdaRequestContext`.
    public static func router(_ s: ServiceContext) -> Router<BasicRequestContext> { router(s, context: BasicRequestContext.self) }

    public static func router<Context: RequestContext>(_ s: ServiceContext, context: Context.Type) -> Router<Context> {
        let router = Router(context: Context.self)
        router.add(middleware: MetricsMiddleware<Context>(metrics: s.metrics, events: s.deps.events, ids: s.deps.ids))

        router.get("/healthz") { _, _ in
            let settings = await s.settings.value
            return JSONBody.response(.ok, ["status": "ok", "environment": settings.environment, "sendMode": settings.sendMode.rawValue])
        }
        router.get("/metrics") { _, _ in
            let depth = (try? await s.deps.store.dlqCount(now: s.deps.clock.now())) ?? 0
            s.metrics.set("wecare_dlq_depth", Double(depth))
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: s.metrics.render())))
        }
        router.get("/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json())))
        }

        router.get("/api/me") { req, _ in
            try await guarded(s, req, .readSelf, "user") { caller in
                (JSONBody.response(.ok, ["userId": caller.userId, "role": caller.role.rawValue]), nil)
            }
        }
        router.post("/api/contacts") { req, _ in
            try await guarded(s, req, .writeContacts, "contact") { _ in
                let b = try await JSONBody.decode(CreateContactBody.self, req)
                let c = try await ContactService(s.deps).create(.init(
                    name: b.name, phone: b.phone, email: b.email,
                    optInWhatsApp: b.optInWhatsApp, optInSms: b.optInSms, optInEmail: b.optInEmail))
                return (JSONBody.response(.created, c), c.id)
            }
        }
        router.get("/api/contacts") { req, _ in
            try await guarded(s, req, .readContacts, "contact") { _ in
                let q = req.uri.queryParameters["q"].map(String.init) ?? ""
                let limit = try integer(req, "limit", 1...200) ?? 50
                return (JSONBody.response(.ok, ["contacts": try await ContactService(s.deps).search(q, limit: limit)]), nil)
            }
        }
        router.get("/api/contacts/:id") { req, ctx in
            try await guarded(s, req, .readContacts, "contact") { _ in
                let id = try ctx.parameters.require("id")
                return (JSONBody.response(.ok, try await ContactService(s.deps).get(id)), id)
            }
        }
        router.patch("/api/contacts/:id") { req, ctx in
            try await guarded(s, req, .writeContacts, "contact") { _ in
                let id = try ctx.parameters.require("id")
                let b = try await JSONBody.decode(UpdateContactBody.self, req)
                let c = try await ContactService(s.deps).update(id, .init(
                    name: UpdateContactBody.field(b.name), phone: UpdateContactBody.field(b.phone), email: UpdateContactBody.field(b.email),
                    optInWhatsApp: b.optInWhatsApp, optInSms: b.optInSms, optInEmail: b.optInEmail))
                return (JSONBody.response(.ok, c), id)
            }
        }
        router.delete("/api/contacts/:id") { req, ctx in
            try await guarded(s, req, .writeContacts, "contact") { _ in
                let id = try ctx.parameters.require("id")
                try await ContactService(s.deps).delete(id)
                return (Response(status: .noContent), id)
            }
        }

        router.post("/api/messages") { req, _ in
            try await guarded(s, req, .sendMessages, "message") { _ in
                let body = try await JSONBody.decode(SendMessageBody.self, req)
                guard let channel = body.channel else { throw CoreError.invalid("'channel' is required: whatsapp, sms or email") }
                return try await send(s, body.request(channel: channel))
            }
        }
        router.post("/api/messages/:channel") { req, ctx in
            try await guarded(s, req, .sendMessages, "message") { _ in
                let raw = try ctx.parameters.require("channel")
                guard let channel = Channel(rawValue: raw) else { throw CoreError.notFound("no channel '\(raw)': whatsapp, sms or email") }
                let body = try await JSONBody.decode(SendMessageBody.self, req)
                if let given = body.channel, given != channel {
                    throw CoreError.invalid("the body's channel '\(given.rawValue)' is not the route's '\(channel.rawValue)'")
                }
                return try await send(s, body.request(channel: channel))
            }
        }
        router.get("/api/messages") { req, _ in
            try await guarded(s, req, .readMessages, "message") { _ in
                guard let contactId = req.uri.queryParameters["contactId"].map(String.init) else {
                    throw CoreError.invalid("contactId is required: /api/messages?contactId=…")
                }
                let limit = try integer(req, "limit", 1...200) ?? 50
                var before: Date?
                if let raw = req.uri.queryParameters["before"] {
                    guard let seconds = Double(raw), seconds.isFinite else { throw CoreError.invalid("'before' must be a number of seconds since 1970") }
                    before = Date(timeIntervalSince1970: seconds)
                }
                let page = try await call { try await s.deps.store.messages(contactId: contactId, before: before, limit: limit, now: s.deps.clock.now()) }
                let next = page.count == limit ? page.last.map { String($0.timestamp.timeIntervalSince1970) } : nil
                let bucket = await s.settings.value.mediaBucket
                var links: [String?] = []
                for m in page {
                    guard let key = m.s3Key, let signer = s.mediaLinks else { links.append(nil); continue }
                    links.append(try? await signer.link(bucket: bucket, key: key).absoluteString)
                }
                return (JSONBody.response(.ok, MessagePage(messages: zip(page, links).map { MessageView(message: $0, mediaUrl: $1) }, next: next)), contactId)
            }
        }

        MediaRoutes.add(to: router, s)
        BulkRoutes.add(to: router, s)
        UIRoutes.add(to: router, s)

        router.post("/webhooks/sns") { req, _ in
            await SNSWebhook.handle(req, s)
        }
        if s.allowDevInbound {
            router.post("/dev/inbound") { req, _ in
                await SNSWebhook.process(try await JSONBody.text(req), eventID: "dev-\(s.deps.ids.next())", s)
            }
        }

        router.get("/api/dlq") { req, _ in
            try await guarded(s, req, .readDLQ, "dlq") { _ in
                let settings = await s.settings.value
                return (JSONBody.response(.ok, ["entries": try await DLQService(s.deps, settings: settings, source: s.deadLetters).list()]), nil)
            }
        }
        router.post("/api/dlq/replay") { req, _ in
            try await guarded(s, req, .replayDLQ, "dlq") { _ in
                let b = try await JSONBody.decode(DLQReplayBody.self, req)
                let ids = b.ids
                let limit = b.limit ?? 100
                guard (1...100).contains(limit) else { throw CoreError.invalid("'limit' must be between 1 and 100") }
                let settings = await s.settings.value
                let r = try await DLQService(s.deps, settings: settings, bulkQueue: s.bulk?.queue, source: s.deadLetters).replay(ids: ids, limit: limit)
                return (JSONBody.response(.ok, ["replayed": r.replayed, "failed": r.failed, "skippedDuplicates": r.skippedDuplicates, "exhausted": r.exhausted]), nil)
            }
        }
        router.get("/api/audit") { req, _ in
            try await guarded(s, req, .readAudit, "audit") { _ in
                let limit = try integer(req, "limit", 1...1000) ?? 100
                return (JSONBody.response(.ok, ["entries": try await call { try await s.deps.store.audit(limit: limit, now: s.deps.clock.now()) }]), nil)
            }
        }
        router.get("/api/config") { req, _ in
            try await guarded(s, req, .readConfig, "config") { _ in (JSONBody.response(.ok, ConfigView(await s.settings.value)), nil) }
        }
        router.put("/api/config") { req, _ in
            try await guarded(s, req, .writeConfig, "config") { caller in
                let b: ConfigUpdateBody
                do throws(CoreError) { b = try await JSONBody.decode(ConfigUpdateBody.self, req) } catch {
                    throw CoreError.invalid("only autoAcknowledge can change at run time: \(error.message)")
                }
                if let on = b.autoAcknowledge {
                    try await call { try await s.settings.setAutoAcknowledge(on, by: caller.userId, at: s.deps.clock.now()) }
                }
                return (JSONBody.response(.ok, ConfigView(await s.settings.value)), "autoAcknowledge")
            }
        }
        return router
    }

    /// An integer query parameter within its range, `nil` when absent.
    static func integer(_ req: Request, _ name: String, _ range: ClosedRange<Int>) throws(CoreError) -> Int? {
        guard let raw = req.uri.queryParameters[Substring(name)] else { return nil }
        guard let n = Int(raw), range.contains(n) else {
            throw .invalid("'\(name)' must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return n
    }

    /// A `POST /api/messages` body through the sending pipeline: 201 with the message, 502 when the provider refused it.
    static func send(_ s: ServiceContext, _ request: SendRequest) async throws -> (Response, String?) {
        sent(s, try await SendPipeline(s.deps, settings: await s.settings.value).send(request))
    }

    /// The answer to a send: 201 with the message, 502 when the provider refused it.
    static func sent(_ s: ServiceContext, _ m: Message) -> (Response, String?) {
        s.metrics.increment("wecare_messages_sent_total", ["channel": m.channel.rawValue, "status": m.status.rawValue,
                                                           "kind": m.kind == "template" ? "template" : "free_form"])
        if m.status == .failed {
            return (JSONBody.response(.badGateway, ["error": ["code": "PROVIDER_ERROR", "message": m.errorDetails ?? "the provider refused the message"] as [String: String]]), m.id)
        }
        return (JSONBody.response(.created, m), m.id)
    }

    /// Authenticates, authorizes, runs, maps errors; writes 401/403 and every change to the audit log.
    static func guarded(_ s: ServiceContext, _ req: Request, _ op: Permission, _ resource: String,
                        _ body: (Caller) async throws -> (Response, String?)) async throws -> Response {
        let caller: Caller
        do {
            caller = try await s.authenticator.caller(authorization: req.headers[.authorization])
        } catch {
            let message = error == .missing ? "a bearer token is required" : { if case .invalid(let m) = error { return m }; return "" }()
            await audit(s, user: "anonymous", op, resource, nil, outcome: "unauthenticated", details: "\(req.method) \(req.uri.path): \(message)")
            return JSONBody.error(.unauthorized, "UNAUTHENTICATED", message)
        }
        guard op.allowed(for: caller.role) else {
            await audit(s, user: caller.userId, op, resource, nil, outcome: "forbidden", details: "\(req.method) \(req.uri.path) needs \(op.minimumRole.rawValue)")
            return JSONBody.error(.forbidden, "FORBIDDEN", "\(op.rawValue) needs the \(op.minimumRole.rawValue) role; you are \(caller.role.rawValue)")
        }
        do {
            let (response, id) = try await body(caller)
            if req.method != .get { await audit(s, user: caller.userId, op, resource, id, outcome: "allowed", details: "\(req.method) \(req.uri.path) → \(response.status.code)") }
            return response
        } catch let e as CoreError {
            if req.method != .get { await audit(s, user: caller.userId, op, resource, nil, outcome: "refused", details: "\(e.code): \(e.message)") }
            return JSONBody.error(e)
        } catch let e as HTTPError {
            return JSONBody.error(e.status, "INVALID_REQUEST", e.body ?? "\(e.status)")
        }
    }

    static func audit(_ s: ServiceContext, user: String, _ op: Permission, _ resource: String, _ id: String?, outcome: String, details: String) async {
        let now = s.deps.clock.now()
        let retention = await s.settings.value.auditRetention
        try? await s.deps.store.appendAudit(AuditEntry(id: s.deps.ids.next(), userId: AuditText.clean(user, limit: AuditText.maxId), action: op.rawValue,
                                                        resourceType: resource, resourceId: id.map { AuditText.clean($0, limit: AuditText.maxId) },
                                                        outcome: outcome, details: AuditText.clean(details), timestamp: now, expiresAt: Int(now.timeIntervalSince1970 + retention)))
    }
}

struct MessagePage: Encodable {
    var messages: [MessageView]
    var next: String?
}

/// A message as the API shows it: the stored fields, and a one-hour link to its media when it has any.
struct MessageView: Encodable {
    var message: Message
    var mediaUrl: String?

    func encode(to encoder: any Encoder) throws {
        try message.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encodeIfPresent(mediaUrl, forKey: .mediaUrl)
    }

    enum Key: String, CodingKey { case mediaUrl }
}

struct ConfigView: Encodable {
    var environment: String
    var sendMode: String
    var allowlist: [String]
    var metaApiVersion: String
    var autoAcknowledge: Bool
    var whatsAppTextLimit: Int
    var smsMaxLength: Int

    init(_ s: CoreSettings) {
        environment = s.environment
        sendMode = s.sendMode.rawValue
        allowlist = s.allowlist
        metaApiVersion = s.metaApiVersion
        autoAcknowledge = s.autoAcknowledge
        whatsAppTextLimit = s.whatsAppTextLimit
        smsMaxLength = s.smsMaxLength
    }
}

/// Gives every request an id (the caller's `X-Request-Id` when it sends a sane one), returns it in the
/// response (errors the router throws, 404 and 405 included, become JSON error bodies first), scopes every event of the request to it, logs one line per request, and records the
/// latency and status.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: Metrics
    let events: any EventSink
    let ids: any IDSource

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let given = request.headers[.init("X-Request-Id")!].flatMap { $0.count <= 128 && $0.allSatisfy { $0.isLetter || $0.isNumber || "-_.:".contains($0) } ? $0 : nil }
        let id = given ?? ids.next()
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await RequestScope.$id.withValue(id) { try await next(request, context) }
        } catch {
            // Unknown routes, wrong methods and anything a handler let escape: JSON like every other error.
            response = Routes.errorResponse(error, method: request.method.rawValue, path: request.uri.path)
        }
        let elapsed = ContinuousClock.now - start
        let seconds = elapsed.seconds
        response.headers[.init("X-Request-Id")!] = id
        metrics.observeLatency(seconds)
        metrics.increment("wecare_http_requests_total", ["method": request.method.rawValue, "status": String(response.status.code)])
        if events.keeps(.debug) {
            RequestScope.$id.withValue(id) {
                events.record(.debug, "request", ["method": request.method.rawValue, "path": request.uri.path, "status": String(response.status.code),
                                                  "ms": String(format: "%.2f", seconds * 1000)])
            }
        }
        return response
    }
}

/// Runs a store call inside a handler.
func call<T>(_ body: () async throws -> T) async throws -> T {
    do { return try await body() } catch let e as CoreError { throw e } catch { throw CoreError.internal("store: \(error)") }
}
