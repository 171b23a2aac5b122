/// IAM (query protocol, global endpoint signed for us-east-1): roles for emulator set-up.
public struct IAMClient: Sendable {
    public let client: AWSClient
    private let service = AWSService.iam

    public init(client: AWSClient) {
        self.client = client
    }

    public struct Role: Sendable, Equatable {
        public var name: String
        public var roleID: String
        public var arn: String
        public var path: String

        public init(name: String, roleID: String, arn: String, path: String = "/") {
            self.name = name
            self.roleID = roleID
            self.arn = arn
            self.path = path
        }
    }

    public func createRole(
        name: String,
        assumeRolePolicyDocument: String,
        path: String? = nil,
        description: String? = nil
    ) async throws -> Role {
        var form = QueryParameters()
        form.set("RoleName", name)
        form.set("AssumeRolePolicyDocument", assumeRolePolicyDocument)
        form.set("Path", path)
        form.set("Description", description)
        let result = try await client.query(service, action: "CreateRole", parameters: form)
        return try role(from: result, operation: "CreateRole")
    }

    /// The role, or nil when IAM answers `NoSuchEntity`.
    public func getRole(name: String) async throws -> Role? {
        var form = QueryParameters()
        form.set("RoleName", name)
        do {
            let result = try await client.query(service, action: "GetRole", parameters: form)
            return try role(from: result, operation: "GetRole")
        } catch let error as AWSError where error.code == "NoSuchEntity" {
            return nil
        }
    }

    private func role(from result: XMLTree, operation: String) throws -> Role {
        guard let role = result.child("Role"), let name = role.string("RoleName"), let arn = role.string("Arn") else {
            throw AWSClientError.invalidResponse(service: service.name, operation: operation, reason: "missing Role")
        }
        return Role(name: name, roleID: role.string("RoleId") ?? "", arn: arn, path: role.string("Path") ?? "/")
    }
}
