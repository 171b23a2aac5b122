import Hummingbird
import MessagingCore

/// One operation of the HTTP API: everything `/openapi.json` says about it, what the 405 answers and the
/// role matrix read, and its handler. `Routes.router` registers exactly the table, so a route cannot be
/// served without being documented, nor documented without being served.
public struct Route {
    public let method: String
    public let path: String
    /// What the caller must be allowed to do; `nil` for routes without a bearer token.
    public let operation: Permission?
    public let summary: String
    /// Every status the route can answer besides 401/403 (added for routes with an operation) and 500.
    let statuses: [Int]
    let pathParameters: [Parameter]
    let query: [Parameter]
    let headers: [Parameter]
    /// The JSON body, described by its type (`SchemaDecoder`); `nil` for no body.
    let body: (any APIRequestBody.Type)?
    /// A body that is not JSON (SNS deliveries arrive as text/plain).
    let rawBody: Bool
    /// The content type of the 2xx answer.
    let produces: String
    /// The JSON body of the 2xx answer, described by its type (`SchemaDecoder`); `nil` for none or not JSON.
    let response: (any Decodable.Type)?
    /// Served only where development routes are on (`serve` in the local environment); not in the document.
    let development: Bool
    let handler: Handler

    /// What a route does once the router has matched it.
    enum Handler {
        /// No bearer token: health, metrics, this document, SNS deliveries (their signature is the check).
        case open(@Sendable (ServiceContext, Request, Parameters) async throws -> Response)
        /// Authenticated and authorized for the route's operation, every change audited under `resource`;
        /// the closure answers with the response and the id of the resource it touched.
        case guarded(resource: String, @Sendable (ServiceContext, Request, Parameters, Caller) async throws -> (Response, String?))
    }

    /// A route that needs `operation`: its handler runs for an authorized caller (see `Routes.guarded`).
    init(_ method: String, _ path: String, _ operation: Permission, _ summary: String, _ statuses: [Int], path pathParameters: [Parameter] = [],
         query: [Parameter] = [], body: (any APIRequestBody.Type)? = nil, headers: [Parameter] = [], response: (any Decodable.Type)?,
         produces: String = "application/json", resource: String,
         _ handler: @escaping @Sendable (ServiceContext, Request, Parameters, Caller) async throws -> (Response, String?)) {
        self.init(method, path, operation as Permission?, summary, statuses, path: pathParameters, query: query, body: body, headers: headers,
                  response: response, produces: produces, rawBody: false, development: false, handler: .guarded(resource: resource, handler))
    }

    /// A route without a bearer token.
    init(open method: String, _ path: String, _ summary: String, _ statuses: [Int], response: (any Decodable.Type)?,
         produces: String = "application/json", rawBody: Bool = false, development: Bool = false,
         _ handler: @escaping @Sendable (ServiceContext, Request, Parameters) async throws -> Response) {
        self.init(method, path, nil, summary, statuses, path: [], query: [], body: nil, headers: [], response: response, produces: produces,
                  rawBody: rawBody, development: development, handler: .open(handler))
    }

    private init(_ method: String, _ path: String, _ operation: Permission?, _ summary: String, _ statuses: [Int], path pathParameters: [Parameter],
                 query: [Parameter], body: (any APIRequestBody.Type)?, headers: [Parameter], response: (any Decodable.Type)?, produces: String,
                 rawBody: Bool, development: Bool, handler: Handler) {
        self.method = method
        self.path = path
        self.operation = operation
        self.summary = summary
        self.statuses = statuses
        self.pathParameters = pathParameters
        self.query = query
        self.headers = headers
        self.body = body
        self.rawBody = rawBody
        self.produces = produces
        self.response = response
        self.development = development
        self.handler = handler
    }

    /// The path as Hummingbird matches it: `{id}` becomes `:id`.
    var routerPath: String {
        path.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.hasPrefix("{") && $0.hasSuffix("}") ? ":" + $0.dropFirst().dropLast() : $0 }.joined(separator: "/")
    }

    /// A path, query or header parameter and its JSON Schema.
    struct Parameter {
        let name: String
        let schema: [String: Any]
        let description: String
        let required: Bool

        init(_ name: String, _ schema: [String: Any], _ description: String, required: Bool = false) {
            self.name = name
            self.schema = schema
            self.description = description
            self.required = required
        }

        static func string(_ name: String, _ description: String, required: Bool = false) -> Parameter {
            Parameter(name, ["type": "string"], description, required: required)
        }

        static func integer(_ name: String, _ range: ClosedRange<Int>, _ description: String) -> Parameter {
            Parameter(name, ["type": "integer", "minimum": range.lowerBound, "maximum": range.upperBound], description)
        }

        static func number(_ name: String, _ description: String) -> Parameter {
            Parameter(name, ["type": "number"], description)
        }

        static func oneOf<E: SchemaEnum>(_ name: String, _ type: E.Type, _ description: String, required: Bool = true) -> Parameter {
            Parameter(name, SchemaDecoder.Recorder().enumSchema(type), description, required: required)
        }
    }
}
