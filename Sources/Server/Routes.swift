import Foundation
import HTTPTypes
import Hummingbird
import MessagingCore

/// The HTTP API: each route authorizes, translates HTTP to one call on the core, and back.
/// No business rule lives here; the same handlers serve Lambda's API Gateway events.
public enum Routes {
    /// Every route: its operation, body, query, statuses, answer and handler. `/openapi.json`, the role
    /// matrix test, the 405 answers and the router itself are made from it.
    public static var table: [Route] {
        let id = [Route.Parameter.string("id", "the contact's id", required: true)]
        return [
            Route(open: "GET", "/healthz", "Liveness and the environment's SEND_MODE", [200], response: HealthView.self) { s, _, _ in
                let settings = await s.settings.value
                return JSONBody.response(.ok, HealthView(status: "ok", environment: settings.environment, sendMode: settings.sendMode.rawValue))
            },
            Route(open: "GET", "/metrics", "Prometheus metrics", [200], response: nil, produces: "text/plain") { s, _, _ in
                let depth = (try? await s.deps.store.dlqCount(now: s.deps.clock.now())) ?? 0
                s.metrics.set("wecare_dlq_depth", Double(depth))
                return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: s.metrics.render())))
            },
            Route(open: "GET", "/openapi.json", "This API as OpenAPI 3.1", [200], response: nil) { _, _, _ in
                Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json())))
            },
            Route("GET", "/api/me", .readSelf, "Who the token belongs to and the role it carries", [200], response: MeView.self, resource: "user") { _, _, _, caller in
                (JSONBody.response(.ok, MeView(userId: caller.userId, role: caller.role)), nil)
            },
            Route("POST", "/api/contacts", .writeContacts, "Create a contact (opt-ins false unless given)", [201, 400, 409], body: CreateContactBody.self,
                  response: Contact.self, resource: "contact") { s, req, _, _ in
                let b = try await JSONBody.decode(CreateContactBody.self, req)
                let c = try await ContactService(s.deps).create(.init(
                    name: b.name, phone: b.phone?.text, email: b.email?.text,
                    optInWhatsApp: b.optInWhatsApp, optInSms: b.optInSms, optInEmail: b.optInEmail))
                return (JSONBody.response(.created, c), c.id)
            },
            Route("GET", "/api/contacts", .readContacts, "Search contacts by name, phone or email", [200, 400],
                  query: [.string("q", "text to find in name, phone or email"), .integer("limit", 1...200, "at most this many (default 50)")],
                  response: ContactList.self, resource: "contact") { s, req, _, _ in
                let q = req.uri.queryParameters["q"].map(String.init) ?? ""
                let limit = try integer(req, "limit", 1...200) ?? 50
                return (JSONBody.response(.ok, ContactList(contacts: try await ContactService(s.deps).search(q, limit: limit))), nil)
            },
            Route("GET", "/api/contacts/{id}", .readContacts, "Read a contact", [200, 404], path: id, response: Contact.self, resource: "contact") { s, _, p, _ in
                let id = try p.require("id")
                return (JSONBody.response(.ok, try await ContactService(s.deps).get(id)), id)
            },
            Route("PATCH", "/api/contacts/{id}", .writeContacts, "Update a contact; opt-ins change only when present", [200, 400, 404, 409],
                  path: id, body: UpdateContactBody.self, response: Contact.self, resource: "contact") { s, req, p, _ in
                let id = try p.require("id")
                let b = try await JSONBody.decode(UpdateContactBody.self, req)
                let c = try await ContactService(s.deps).update(id, .init(
                    name: UpdateContactBody.field(b.name), phone: UpdateContactBody.field(b.phone), email: UpdateContactBody.field(b.email),
                    optInWhatsApp: b.optInWhatsApp, optInSms: b.optInSms, optInEmail: b.optInEmail))
                return (JSONBody.response(.ok, c), id)
            },
            Route("DELETE", "/api/contacts/{id}", .writeContacts, "Soft-delete a contact", [204, 404], path: id, response: nil, resource: "contact") { s, _, p, _ in
                let id = try p.require("id")
                try await ContactService(s.deps).delete(id)
                return (Response(status: .noContent), id)
            },
            Route("POST", "/api/messages", .sendMessages, "Send a message through the safety pipeline", [201, 400, 404, 409, 422, 502],
                  body: SendMessageBody.self, response: Message.self, resource: "message") { s, req, _, _ in
                let body = try await JSONBody.decode(SendMessageBody.self, req)
                guard let channel = body.channel else { throw CoreError.invalid("'channel' is required: whatsapp, sms or email") }
                return try await send(s, body.request(channel: channel))
            },
            Route("POST", "/api/messages/{channel}", .sendMessages, "Send on one channel (whatsapp, sms, email): the route of that channel's function",
                  [201, 400, 404, 409, 422, 502], path: [.oneOf("channel", Channel.self, "the channel whose function sends it")], body: SendMessageBody.self,
                  response: Message.self, resource: "message") { s, req, p, _ in
                let raw = try p.require("channel")
                guard let channel = Channel(rawValue: raw) else { throw CoreError.notFound("no channel '\(raw)': whatsapp, sms or email") }
                let body = try await JSONBody.decode(SendMessageBody.self, req)
                if let given = body.channel, given != channel {
                    throw CoreError.invalid("the body's channel '\(given.rawValue)' is not the route's '\(channel.rawValue)'")
                }
                return try await send(s, body.request(channel: channel))
            },
            Route("GET", "/api/messages", .readMessages, "A contact's messages, newest first", [200, 400],
                  query: [.string("contactId", "whose messages", required: true),
                          .number("before", "only messages before this time (seconds since 1970: the previous page's `next`)"),
                          .integer("limit", 1...200, "at most this many (default 50)")],
                  response: MessagePage.self, resource: "message") { s, req, _, _ in
                try await messages(s, req)
            },
        ] + MediaRoutes.table + BulkRoutes.table + [
            Route(open: "POST", "/webhooks/sns", "SNS deliveries of EUM Social events (signature verified)", [200, 400, 403, 500, 503], response: nil,
                  rawBody: true) { s, req, _ in
                await SNSWebhook.handle(req, s)
            },
            Route(open: "POST", "/dev/inbound", "An EUM Social event posted by hand (local development only)", [200, 400], response: nil,
                  development: true) { s, req, _ in
                await SNSWebhook.process(try await JSONBody.text(req), eventID: "dev-\(s.deps.ids.next())", s)
            },
            Route("GET", "/api/dlq", .readDLQ, "Dead-letter entries", [200], response: DLQList.self, resource: "dlq") { s, _, _, _ in
                let settings = await s.settings.value
                return (JSONBody.response(.ok, DLQList(entries: try await DLQService(s.deps, settings: settings, source: s.deadLetters).list())), nil)
            },
            Route("POST", "/api/dlq/replay", .replayDLQ, "Replay up to 100 dead-letter entries", [200, 400], body: DLQReplayBody.self,
                  response: ReplayView.self, resource: "dlq") { s, req, _, _ in
                let b = try await JSONBody.decode(DLQReplayBody.self, req)
                let limit = b.limit ?? 100
                guard (1...100).contains(limit) else { throw CoreError.invalid("'limit' must be between 1 and 100") }
                let settings = await s.settings.value
                let r = try await DLQService(s.deps, settings: settings, bulkQueue: s.bulk?.queue, source: s.deadLetters,
                                             suggestions: s.ai.queue).replay(ids: b.ids, limit: limit)
                return (JSONBody.response(.ok, ReplayView(r)), nil)
            },
            Route("GET", "/api/audit", .readAudit, "The audit log", [200, 400], query: [.integer("limit", 1...1000, "at most this many (default 100)")],
                  response: AuditList.self, resource: "audit") { s, req, _, _ in
                let limit = try integer(req, "limit", 1...1000) ?? 100
                return (JSONBody.response(.ok, AuditList(entries: try await call { try await s.deps.store.audit(limit: limit, now: s.deps.clock.now()) })), nil)
            },
            Route("GET", "/api/config", .readConfig, "The running configuration", [200], response: ConfigView.self, resource: "config") { s, _, _, _ in
                (JSONBody.response(.ok, ConfigView(await s.settings.value)), nil)
            },
            Route("PUT", "/api/config", .writeConfig, "Change run-time settings", [200, 400], body: ConfigUpdateBody.self, response: ConfigView.self,
                  resource: "config") { s, req, _, caller in
                let b: ConfigUpdateBody
                do throws(CoreError) { b = try await JSONBody.decode(ConfigUpdateBody.self, req) } catch {
                    throw CoreError.invalid("only autoAcknowledge and aiAutomation can change at run time: \(error.message)")
                }
                if let on = b.autoAcknowledge {
                    try await call { try await s.settings.setAutoAcknowledge(on, by: caller.userId, at: s.deps.clock.now()) }
                }
                if let on = b.aiAutomation {
                    try await call { try await s.settings.setAIAutomation(on, by: caller.userId, at: s.deps.clock.now()) }
                }
                let changed = [b.autoAcknowledge.map { _ in "autoAcknowledge" }, b.aiAutomation.map { _ in "aiAutomation" }].compactMap { $0 }
                return (JSONBody.response(.ok, ConfigView(await s.settings.value)), changed.isEmpty ? nil : changed.joined(separator: ","))
            },
        ] + AIRoutes.table + UIRoutes.table
    }

    /// The documented routes: the table without the development ones.
    static var documented: [Route] { table.filter { !$0.development } }

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

    /// The router both front doors run: `serve` with `ConnectionRequestContext`, Lambda with `LambdaRequestContext`.
    public static func router(_ s: ServiceContext) -> Router<ConnectionRequestContext> { router(s, context: ConnectionRequestContext.self) }

    public static func router<Context: BodyReadingContext>(_ s: ServiceContext, context: Context.Type) -> Router<Context> {
        let router = Router(context: Context.self)
        router.add(middleware: MetricsMiddleware<Context>(metrics: s.metrics, events: s.deps.events, ids: s.deps.ids))
        for route in table where !route.development || s.allowDevInbound {
            let method = HTTPRequest.Method(route.method)!
            switch route.handler {
            case .open(let handler):
                router.on(RouterPath(route.routerPath), method: method) { req, ctx in
                    try await JSONBody.$bodyRead.withValue(.init(deadline: s.bodyDeadline, connection: ctx.connection)) { try await handler(s, req, ctx.parameters) }
                }
            case .guarded(let resource, let handler):
                let operation = route.operation!
                router.on(RouterPath(route.routerPath), method: method) { req, ctx in
                    try await JSONBody.$bodyRead.withValue(.init(deadline: s.bodyDeadline, connection: ctx.connection)) {
                        try await guarded(s, req, operation, resource) { caller in try await handler(s, req, ctx.parameters, caller) }
                    }
                }
            }
        }
        UIRoutes.addPages(to: router, s)
        return router
    }

    /// `GET /api/messages`: a page of a contact's messages with one-hour links to their media.
    static func messages(_ s: ServiceContext, _ req: Request) async throws -> (Response, String?) {
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
            let (write, folded) = s.unauthenticatedAudit.take(at: s.deps.clock.now())
            if write {
                // First, so that cutting a long path never cuts the count.
                let folded = folded > 0 ? "\(folded) more since the last such row (over the audit rate); " : ""
                await audit(s, user: "anonymous", op, resource, nil, outcome: "unauthenticated", details: "\(folded)\(req.method) \(req.uri.path): \(message)")
            } else {
                s.metrics.increment("wecare_audit_unauthenticated_folded_total", [:])
            }
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

extension HTTPField.Name {
    /// The header that names a request: taken from the caller when sane, returned on every answer.
    public static let requestId = HTTPField.Name("X-Request-Id")!
}

/// Gives every request an id (the caller's `X-Request-Id` when it sends a sane one), returns it in the
/// response (errors the router throws, 404 and 405 included, become JSON error bodies first), scopes every event of the request to it, logs one line per request, and records the
/// latency and status.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: Metrics
    let events: any EventSink
    let ids: any IDSource

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let given = request.headers[.requestId].flatMap { $0.count <= 128 && $0.allSatisfy { $0.isLetter || $0.isNumber || "-_.:".contains($0) } ? $0 : nil }
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
        response.headers[.requestId] = id
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
