import MessagingCore

/// One operation of the HTTP API: everything `/openapi.json` says about it, and what the 405 answers and
/// the role matrix read. The handlers are registered in `Routes.router`; `APIContractTests` checks that every
/// operation of the table is routed (the converse, a handler missing from the table, is not checked yet).
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
    /// The content type of the 200 answer.
    let produces: String

    init(_ method: String, _ path: String, _ operation: Permission?, _ summary: String, _ statuses: [Int], path pathParameters: [Parameter] = [],
         query: [Parameter] = [], body: (any APIRequestBody.Type)? = nil, headers: [Parameter] = [], produces: String = "application/json",
         rawBody: Bool = false) {
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
