import Foundation

/// Builds query-protocol requests (`Action=…&Version=…` form bodies) and unwraps their XML results.
public enum AWSQueryProtocol {
    public static func request(action: String, version: String, parameters: QueryParameters) -> AWSHTTPRequest {
        var form = QueryParameters()
        form.set("Action", action)
        form.set("Version", version)
        for item in parameters.items {
            form.set(item.name, item.value)
        }
        return AWSHTTPRequest(
            method: "POST",
            path: "/",
            headers: ["Content-Type": "application/x-www-form-urlencoded; charset=utf-8"],
            body: Data(form.formEncoded.utf8)
        )
    }

    /// The `<ActionResult>` element of `<ActionResponse>`; the root if the action returns no result element.
    public static func result(of action: String, from body: Data, service: AWSService) throws -> XMLTree {
        let root: XMLTree
        do {
            root = try XMLTree(parsing: body)
        } catch {
            throw AWSClientError.invalidResponse(service: service.name, operation: action, reason: "\(error)")
        }
        return root.child("\(action)Result") ?? root
    }
}
