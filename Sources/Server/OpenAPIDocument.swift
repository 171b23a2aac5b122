import Foundation

/// An OpenAPI 3.1 document of the HTTP API, made from `Routes.table` so that it cannot drift from the routes.
enum OpenAPIDocument {
    static func json() -> String {
        var paths: [String: [String: Any]] = [:]
        for route in Routes.table {
            var op: [String: Any] = [
                "summary": route.summary,
                "operationId": operationId(route.method, route.path),
                "responses": [
                    "200": ["description": "Success", "content": ["application/json": ["schema": ["type": "object"]]]],
                    "400": ["$ref": "#/components/responses/Error"], "401": ["$ref": "#/components/responses/Error"],
                    "403": ["$ref": "#/components/responses/Error"], "404": ["$ref": "#/components/responses/Error"],
                ],
            ]
            if let operation = route.operation {
                op["security"] = [["bearer": []]]
                op["x-minimum-role"] = operation.minimumRole.rawValue
            }
            let parameters = route.path.split(separator: "/").filter { $0.hasPrefix("{") && $0.hasSuffix("}") }.map { $0.dropFirst().dropLast() }
            if !parameters.isEmpty {
                op["parameters"] = parameters.map { ["name": String($0), "in": "path", "required": true, "schema": ["type": "string"]] as [String: Any] }
            }
            if ["POST", "PUT", "PATCH"].contains(route.method) {
                op["requestBody"] = ["content": ["application/json": ["schema": ["type": "object"]]]]
            }
            paths[route.path, default: [:]][route.method.lowercased()] = op
        }
        let doc: [String: Any] = [
            "openapi": "3.1.0",
            "info": ["title": "wecare-service", "version": "1.0.0", "description": "The WECARE.DIGITAL messaging core."],
            "paths": paths,
            "components": [
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer", "bearerFormat": "JWT"]],
                "responses": ["Error": ["description": "An error", "content": ["application/json": ["schema": [
                    "type": "object", "required": ["error"],
                    "properties": ["error": ["type": "object", "required": ["code", "message"],
                                             "properties": ["code": ["type": "string"], "message": ["type": "string"]]]],
                ]]]]],
            ],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func operationId(_ method: String, _ path: String) -> String {
        method.lowercased() + path.split(whereSeparator: { !$0.isLetter }).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}
