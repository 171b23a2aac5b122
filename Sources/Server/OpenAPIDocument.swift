import Foundation

/// An OpenAPI 3.1 document of the HTTP API, made from `Routes.table` so that it cannot drift from the
/// routes; request body schemas are read from the request types themselves (`SchemaDecoder`).
enum OpenAPIDocument {
    static let reasons = [200: "Success", 201: "Created", 202: "Accepted: waits for a confirmation", 204: "Done, no body",
                          400: "The request is malformed (body, query or path)", 401: "No valid bearer token", 403: "The role does not allow it",
                          404: "Not found", 409: "Conflicts with the current state", 422: "Refused by the sending pipeline",
                          500: "Internal error", 502: "The provider refused the message", 503: "Not available in this environment"]

    static func json() -> String {
        var paths: [String: [String: Any]] = [:]
        var schemas: [String: Any] = ["Error": errorSchema]
        for route in Routes.documented {
            var responses: [String: Any] = [:]
            var statuses = Set(route.statuses).union([500])
            if route.operation != nil { statuses.formUnion([401, 403]) }
            for status in statuses.sorted() {
                switch status {
                case 204: responses["204"] = ["description": reasons[204]!]
                case 200..<300:
                    var schema: [String: Any] = route.produces == "application/json" ? ["type": "object"] : ["type": "string"]
                    if let type = route.response {
                        let name = String(describing: type)
                        schemas[name] = SchemaDecoder.responseSchema(of: type)
                        schema = ["$ref": "#/components/schemas/\(name)"]
                    }
                    responses[String(status)] = ["description": reasons[status] ?? "Success", "content": [route.produces: ["schema": schema]]]
                default:
                    responses[String(status)] = ["description": reasons[status] ?? "An error",
                                                 "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]]
                }
            }
            var op: [String: Any] = ["summary": route.summary, "operationId": operationId(route.method, route.path), "responses": responses]
            if let operation = route.operation {
                op["security"] = [["bearer": []]]
                op["x-minimum-role"] = operation.minimumRole.rawValue
            }
            let parameters = route.pathParameters.map { parameter($0, in: "path") } + route.query.map { parameter($0, in: "query") }
                + route.headers.map { parameter($0, in: "header") }
            if !parameters.isEmpty { op["parameters"] = parameters }
            if let body = route.body {
                let name = String(describing: body)
                schemas[name] = SchemaDecoder.schema(of: body)
                op["requestBody"] = ["required": true, "content": ["application/json": ["schema": ["$ref": "#/components/schemas/\(name)"]]]]
            } else if route.rawBody {
                op["requestBody"] = ["required": true, "content": ["text/plain": ["schema": ["type": "string"]]]]
            }
            paths[route.path, default: [:]][route.method.lowercased()] = op
        }
        let doc: [String: Any] = [
            "openapi": "3.1.0",
            "info": ["title": "wecare-service", "version": "1.0.0",
                     "description": "The WECARE.DIGITAL messaging core. Every answer carries X-Request-Id; every error is {\"error\": {\"code\", \"message\"}}; unknown routes answer 404, wrong methods 405 with Allow; bodies are decoded strictly (no unknown key, no value of another JSON type)."],
            "paths": paths,
            "components": [
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer", "bearerFormat": "JWT"]],
                "schemas": schemas,
            ],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static var errorSchema: [String: Any] { [
        "type": "object", "required": ["error"], "additionalProperties": false,
        "properties": ["error": ["type": "object", "required": ["code", "message"], "additionalProperties": false,
                                 "properties": ["code": ["type": "string"], "message": ["type": "string"]]]],
    ] }

    static func parameter(_ p: Route.Parameter, in location: String) -> [String: Any] {
        ["name": p.name, "in": location, "required": p.required, "description": p.description, "schema": p.schema]
    }

    static func operationId(_ method: String, _ path: String) -> String {
        method.lowercased() + path.split(whereSeparator: { !$0.isLetter }).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}
