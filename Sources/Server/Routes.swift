import Foundation
import Hummingbird
import MessagingCore

/// The HTTP API: each route authorizes, translates HTTP to one call on the core, and back.
/// No business rule lives here; the same handlers serve Lambda's API Gateway events.
public enum Routes {
    /// Every route, with the operation it needs: `/openapi.json` and the role matrix test are made from it.
    public static let table: [(method: String, path: String, operation: Permission?, summary: String)] = [
        ("GET", "/healthz", nil, "Liveness and the environment's SEND_MODE"),
        ("GET", "/metrics", nil, "Prometheus metrics"),
        ("GET", "/openapi.json", nil, "This API as OpenAPI 3.1"),
        ("GET", "/api/me", .readSelf, "Who the token belongs to and the role it carries"),
        ("POST", "/api/contacts", .writeContacts, "Create a contact (opt-ins false unless given)"),
        ("GET", "/api/contacts", .readContacts, "Search contacts by name, phone or email (?q=)"),
        ("GET", "/api/contacts/{id}", .readContacts, "Read a contact"),
        ("PATCH", "/api/contacts/{id}", .writeContacts, "Update a contact; opt-ins change only when present"),
        ("DELETE", "/api/contacts/{id}", .writeContacts, "Soft-delete a contact"),
        ("POST", "/api/messages", .sendMessages, "Send a message through the safety pipeline"),
        ("POST", "/api/messages/{channel}", .sendMessages, "Send on one channel (whatsapp, sms, email): the route of that channel's function"),
        ("GET", "/api/messages", .readMessages, "A contact's messages, newest first (?contactId=&before=&limit=)"),
        ("POST", "/api/media", .sendMessages, "Upload a file under the outgoing prefix and send it on WhatsApp ({contactId, kind, contentType, data: base64, caption?})"),
        ("POST", "/api/bulk/jobs", .sendBulk, "Create a bulk job; more recipients than the threshold wait for a confirmation"),
        ("POST", "/api/bulk/jobs/{id}/confirm", .sendBulk, "Confirm a pending bulk job: its chunks are queued"),
        ("GET", "/api/bulk/jobs/{id}", .readBulk, "A bulk job with its progress"),
        ("PUT", "/api/bulk/jobs/{id}", .sendBulk, "Pause, resume or cancel a bulk job ({\"action\": …})"),
        ("DELETE", "/api/bulk/jobs/{id}", .sendBulk, "Delete a bulk job that is not running"),
        ("GET", "/api/bulk/jobs/{id}/report", .readBulk, "The job's report (the format stored under the reports prefix)"),
        ("POST", "/webhooks/sns", nil, "SNS deliveries of EUM Social events (signature verified)"),
        ("GET", "/api/dlq", .readDLQ, "Dead-letter entries"),
        ("POST", "/api/dlq/replay", .replayDLQ, "Replay up to 100 dead-letter entries"),
        ("GET", "/api/audit", .readAudit, "The audit log"),
        ("GET", "/api/config", .readConfig, "The running configuration"),
        ("PUT", "/api/config", .writeConfig, "Change run-time settings"),
    ]

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
                let o = try await JSONBody.object(req)
                let c = try await ContactService(s.deps).create(.init(
                    name: o.string("name"), phone: o.string("phone"), email: o.string("email"),
                    optInWhatsApp: o.bool("optInWhatsApp"), optInSms: o.bool("optInSms"), optInEmail: o.bool("optInEmail")))
                return (JSONBody.response(.created, c), c.id)
            }
        }
        router.get("/api/contacts") { req, _ in
            try await guarded(s, req, .readContacts, "contact") { _ in
                let q = req.uri.queryParameters["q"].map(String.init) ?? ""
                let limit = req.uri.queryParameters["limit"].flatMap { Int($0) } ?? 50
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
                let o = try await JSONBody.object(req)
                let c = try await ContactService(s.deps).update(id, .init(
                    name: try o.patch("name"), phone: try o.patch("phone"), email: try o.patch("email"),
                    optInWhatsApp: try o.bool("optInWhatsApp"), optInSms: try o.bool("optInSms"), optInEmail: try o.bool("optInEmail")))
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
            try await guarded(s, req, .sendMessages, "message") { _ in try await send(s, try await JSONBody.object(req)) }
        }
        router.post("/api/messages/:channel") { req, ctx in
            try await guarded(s, req, .sendMessages, "message") { _ in
                var body = try await JSONBody.object(req)
                let channel = try ctx.parameters.require("channel")
                if let given = try body.string("channel"), given != channel {
                    throw CoreError.invalid("the body's channel '\(given)' is not the route's '\(channel)'")
                }
                body["channel"] = channel
                return try await send(s, body)
            }
        }
        router.get("/api/messages") { req, _ in
            try await guarded(s, req, .readMessages, "message") { _ in
                guard let contactId = req.uri.queryParameters["contactId"].map(String.init) else {
                    throw CoreError.invalid("contactId is required: /api/messages?contactId=…")
                }
                let limit = min(max(req.uri.queryParameters["limit"].flatMap { Int($0) } ?? 50, 1), 200)
                let before = req.uri.queryParameters["before"].flatMap { Double($0) }.map(Date.init(timeIntervalSince1970:))
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
                let o = try await JSONBody.object(req)
                let ids = o["ids"] as? [String]
                let limit = (o["limit"] as? Int) ?? 100
                let settings = await s.settings.value
                let r = try await DLQService(s.deps, settings: settings, bulkQueue: s.bulk?.queue, source: s.deadLetters).replay(ids: ids, limit: limit)
                return (JSONBody.response(.ok, ["replayed": r.replayed, "failed": r.failed, "skippedDuplicates": r.skippedDuplicates, "exhausted": r.exhausted]), nil)
            }
        }
        router.get("/api/audit") { req, _ in
            try await guarded(s, req, .readAudit, "audit") { _ in
                let limit = min(max(req.uri.queryParameters["limit"].flatMap { Int($0) } ?? 100, 1), 1000)
                return (JSONBody.response(.ok, ["entries": try await call { try await s.deps.store.audit(limit: limit, now: s.deps.clock.now()) }]), nil)
            }
        }
        router.get("/api/config") { req, _ in
            try await guarded(s, req, .readConfig, "config") { _ in (JSONBody.response(.ok, ConfigView(await s.settings.value)), nil) }
        }
        router.put("/api/config") { req, _ in
            try await guarded(s, req, .writeConfig, "config") { caller in
                let o = try await JSONBody.object(req)
                let unknown = Set(o.keys).subtracting(["autoAcknowledge"])
                guard unknown.isEmpty else { throw CoreError.invalid("only autoAcknowledge can change at run time; not \(unknown.sorted().joined(separator: ", "))") }
                if let on = try o.bool("autoAcknowledge") {
                    try await call { try await s.settings.setAutoAcknowledge(on, by: caller.userId, at: s.deps.clock.now()) }
                }
                return (JSONBody.response(.ok, ConfigView(await s.settings.value)), "autoAcknowledge")
            }
        }
        return router
    }

    /// A `POST /api/messages` body through the sending pipeline: 201 with the message, 502 when the provider refused it.
    static func send(_ s: ServiceContext, _ body: [String: Any]) async throws -> (Response, String?) {
        let request = try SendRequestDecoding.decode(body)
        return sent(s, try await SendPipeline(s.deps, settings: await s.settings.value).send(request))
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
        try? await s.deps.store.appendAudit(AuditEntry(id: s.deps.ids.next(), userId: user, action: op.rawValue, resourceType: resource, resourceId: id,
                                                        outcome: outcome, details: details, timestamp: now, expiresAt: Int(now.timeIntervalSince1970 + retention)))
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
/// response, scopes every event of the request to it, logs one line per request, and records the
/// latency and status.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: Metrics
    let events: any EventSink
    let ids: any IDSource

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let given = request.headers[.init("X-Request-Id")!].flatMap { $0.count <= 128 && $0.allSatisfy { $0.isLetter || $0.isNumber || "-_.:".contains($0) } ? $0 : nil }
        let id = given ?? ids.next()
        let start = ContinuousClock.now
        var response = try await RequestScope.$id.withValue(id) { try await next(request, context) }
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
