import Foundation
import Hummingbird
import MessagingCore

/// One file of the web UI (web/, embedded by scripts/embed-web): its bytes, gzipped once, and its ETag.
struct EmbeddedWebFile: Sendable {
    let contentType: String
    let identity: ByteBuffer
    let gzipped: ByteBuffer
    /// The first 16 hex digits of the file's SHA-256; the gzip form's ETag carries `-gz` (another representation).
    let tag: String

    init(contentType: String, tag: String, base64: String, gzipBase64: String) {
        self.contentType = contentType
        self.tag = tag
        identity = ByteBuffer(bytes: Data(base64Encoded: base64) ?? Data())
        gzipped = ByteBuffer(bytes: Data(base64Encoded: gzipBase64) ?? Data())
    }
}

/// What the web UI needs to know before anyone signs in: the modules' external links, how to sign in,
/// whether live updates stream (`serve`) or are polled (Lambda: API Gateway does not stream).
public struct WebUISettings: Sendable {
    /// Pay, Link, Forms, Docs and Invoice: modules the source documents name and specify nothing of; the UI
    /// links to where they live, per environment (`ui.links` in environments/*.yaml). nil: not configured.
    public var links: [String: String]
    public var signIn: SignIn

    public enum SignIn: Sendable, Equatable {
        /// `local`: a role picker signs in with development tokens (`POST /dev/token`).
        case development
        /// Cognito's hosted UI, authorization code with PKCE; `clientId` nil when the function was not given one.
        case cognito(domain: String, region: String, userPoolId: String, clientId: String?)
    }

    /// The modules the sidebar links out to, in its order.
    public static let linkModules = ["pay", "link", "forms", "docs", "invoice"]

    public init(links: [String: String] = [:], signIn: SignIn = .development) {
        self.links = links
        self.signIn = signIn
    }
}

/// The web UI (requirement 12): the page shell at `/` and at every page's path, so deep links survive a
/// reload; its files under `/assets/`; the settings it starts from; the event stream; in `local`, tokens
/// for the role picker. The shell and the files are not API operations (HTML and scripts, not JSON), so
/// they stay out of `Routes.table` and `/openapi.json`; `/api/ui/config` and `/api/events` are in it.
public enum UIRoutes {
    /// The first path segment of every page of the UI. Any other unknown path stays a JSON 404.
    static let pages = ["dm", "contacts", "bulk", "agent", "admin", "signin", "callback"] + WebUISettings.linkModules

    /// The HTTP API routes of the specs that carry the UI in AWS (not API operations, so not in `Routes.table`).
    public static let specRoutes = ["GET /", "GET /{proxy+}"]

    /// The UI's API operations, entries of `Routes.table` like every other.
    static var table: [Route] { [
        Route(open: "GET", "/api/ui/config", "What the web UI starts from: its links, how to sign in, live events or polling", [200],
              response: UIConfigView.self) { s, _, _ in
            let settings = await s.settings.value
            return JSONBody.response(.ok, UIConfigView(s.ui, environment: settings.environment, sendMode: settings.sendMode.rawValue,
                                                       live: s.live == nil ? "poll" : "events"))
        },
        Route("GET", "/api/events", .readMessages, "Server-sent events: inbound messages, statuses and bulk progress as they happen (serve only)",
              [200, 503], response: nil, produces: "text/event-stream", resource: "events") { s, _, _, _ in
            guard let live = s.live else {
                return (JSONBody.error(.serviceUnavailable, "UNAVAILABLE", "live events stream only from `serve`; poll the API here"), nil)
            }
            return (LiveEventStream.response(live), nil)
        },
        // `local` only (as `wecare-service token`): the role picker's sign-in.
        Route(open: "POST", "/dev/token", "A development token for a role (local only)", [200, 400], response: nil, development: true) { s, req, _ in
            guard let secret = s.devTokenSecret else { return JSONBody.error(.notFound, "NOT_FOUND", "no route POST /dev/token") }
            let body = try await JSONBody.decode(DevTokenBody.self, req)
            guard let role = Role.allCases.first(where: { $0.rawValue.lowercased() == body.role.lowercased() }) else {
                return JSONBody.error(.badRequest, "INVALID_REQUEST", "role must be viewer, operator or admin")
            }
            let token = try await TokenVerifier.localToken(secret: secret, role: role, user: "local-\(role.rawValue.lowercased())", lifetime: 3600)
            return JSONBody.response(.ok, ["token": token, "role": role.rawValue])
        },
    ] }

    /// The page shell and its files: HTML and scripts, not API operations, so not in the table or the document.
    static func addPages<Context: RequestContext>(to router: Router<Context>, _ s: ServiceContext) {
        let shell: @Sendable (Request, Context) async throws -> Response = { req, _ in file("index.html", req, html: s.ui) }
        router.get("/", use: shell)
        for page in pages {
            router.get("/\(page)", use: shell)
            router.get("/\(page)/**", use: shell)
        }
        router.get("/assets/**") { req, _ in
            let name = String(req.uri.path.dropFirst("/assets/".count))
            guard EmbeddedWebFiles.files[name] != nil, name != "index.html" else { throw HTTPError(.notFound) }
            return file(name, req, html: nil)
        }
    }

    /// A file with its ETag (304 when the caller has it), gzipped when the caller accepts gzip.
    static func file(_ name: String, _ req: Request, html: WebUISettings?) -> Response {
        guard let f = EmbeddedWebFiles.files[name] else { return JSONBody.error(.notFound, "NOT_FOUND", "no file \(name)") }
        let gzip = acceptsGzip(req.headers[.acceptEncoding])
        let etag = "\"\(f.tag)\(gzip ? "-gz" : "")\""
        var headers: HTTPFields = [.contentType: f.contentType, .eTag: etag, .cacheControl: "no-cache", .vary: "Accept-Encoding",
                                   .init("X-Content-Type-Options")!: "nosniff"]
        if let settings = html {
            headers[.init("Content-Security-Policy")!] = contentSecurityPolicy(settings)
            headers[.init("Referrer-Policy")!] = "no-referrer"
        }
        if let given = req.headers[.ifNoneMatch],
           given.split(separator: ",").contains(where: { let t = $0.trimmingCharacters(in: .whitespaces); return t == etag || t == "*" }) {
            return Response(status: .notModified, headers: headers)
        }
        if gzip { headers[.contentEncoding] = "gzip" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: gzip ? f.gzipped : f.identity))
    }

    /// `Accept-Encoding` names gzip (or `*`) without `q=0`.
    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        for part in header.lowercased().split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let coding = pieces.first, coding == "gzip" || coding == "*" else { continue }
            let q = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if q > 0 { return true }
        }
        return false
    }

    /// Scripts and styles only from this origin; tokens only to this origin and the Cognito domain; media
    /// links are pre-signed S3 URLs.
    static func contentSecurityPolicy(_ ui: WebUISettings) -> String {
        var connect = "'self'"
        if case .cognito(let domain, _, _, _) = ui.signIn { connect += " https://\(domain)" }
        return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; media-src 'self' https:; "
            + "connect-src \(connect); frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    }
}

/// `POST /dev/token` in `local`.
struct DevTokenBody: APIRequestBody {
    var role: String
}

/// `GET /api/ui/config`.
struct UIConfigView: Codable {
    struct Link: Codable {
        var module: String
        var url: String?
    }
    struct SignIn: Codable {
        var mode: String
        var domain: String?
        var region: String?
        var userPoolId: String?
        var clientId: String?
    }
    var title = "WECARE.DIGITAL"
    var environment: String
    var sendMode: String
    var links: [Link]
    var signIn: SignIn
    /// `events` (`GET /api/events` streams) or `poll`.
    var live: String

    init(_ ui: WebUISettings, environment: String, sendMode: String, live: String) {
        self.environment = environment
        self.sendMode = sendMode
        self.live = live
        links = WebUISettings.linkModules.map { Link(module: $0, url: ui.links[$0]) }
        switch ui.signIn {
        case .development: signIn = SignIn(mode: "development")
        case .cognito(let domain, let region, let pool, let client):
            signIn = SignIn(mode: "cognito", domain: domain, region: region, userPoolId: pool, clientId: client)
        }
    }
}
