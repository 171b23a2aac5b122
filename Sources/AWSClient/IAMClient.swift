import Foundation

/// IAM (query protocol, global endpoint signed for us-east-1): roles for emulator set-up, and the policies a role holds.
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

    // MARK: - A role's policies

    /// The names of the role's inline policies (following `Marker` pages).
    public func listRolePolicies(roleName: String) async throws -> [String] {
        try await pages("ListRolePolicies", roleName: roleName) { $0.all("PolicyNames/member").map(\.text) }
    }

    /// An inline policy's document, decoded (IAM sends it URL-encoded).
    public func getRolePolicy(roleName: String, policyName: String) async throws -> String {
        var form = QueryParameters()
        form.set("RoleName", roleName)
        form.set("PolicyName", policyName)
        let result = try await client.query(service, action: "GetRolePolicy", parameters: form)
        return try Self.document(result.string("PolicyDocument"), operation: "GetRolePolicy", service: service)
    }

    /// Adds or replaces an inline policy (emulator set-up; deployments never change the role).
    public func putRolePolicy(roleName: String, policyName: String, document: String) async throws {
        var form = QueryParameters()
        form.set("RoleName", roleName)
        form.set("PolicyName", policyName)
        form.set("PolicyDocument", document)
        _ = try await client.query(service, action: "PutRolePolicy", parameters: form)
    }

    public struct AttachedPolicy: Sendable, Equatable {
        public var name: String
        public var arn: String

        public init(name: String, arn: String) {
            self.name = name
            self.arn = arn
        }
    }

    /// The managed policies attached to the role (following `Marker` pages).
    public func listAttachedRolePolicies(roleName: String) async throws -> [AttachedPolicy] {
        try await pages("ListAttachedRolePolicies", roleName: roleName) { result in
            result.all("AttachedPolicies/member").map { AttachedPolicy(name: $0.string("PolicyName") ?? "", arn: $0.string("PolicyArn") ?? "") }
        }
    }

    public struct ManagedPolicy: Sendable, Equatable {
        public var name: String
        public var arn: String
        /// The version in force: the one whose document applies.
        public var defaultVersionID: String

        public init(name: String, arn: String, defaultVersionID: String) {
            self.name = name
            self.arn = arn
            self.defaultVersionID = defaultVersionID
        }
    }

    public func getPolicy(arn: String) async throws -> ManagedPolicy {
        var form = QueryParameters()
        form.set("PolicyArn", arn)
        let result = try await client.query(service, action: "GetPolicy", parameters: form)
        guard let policy = result.child("Policy"), let version = policy.string("DefaultVersionId") else {
            throw AWSClientError.invalidResponse(service: service.name, operation: "GetPolicy", reason: "missing Policy/DefaultVersionId")
        }
        return ManagedPolicy(name: policy.string("PolicyName") ?? "", arn: policy.string("Arn") ?? arn, defaultVersionID: version)
    }

    /// One version's document, decoded (IAM sends it URL-encoded).
    public func getPolicyVersion(arn: String, versionID: String) async throws -> String {
        var form = QueryParameters()
        form.set("PolicyArn", arn)
        form.set("VersionId", versionID)
        let result = try await client.query(service, action: "GetPolicyVersion", parameters: form)
        return try Self.document(result.string("PolicyVersion/Document"), operation: "GetPolicyVersion", service: service)
    }

    /// Creates a customer managed policy (emulator set-up); returns its ARN.
    public func createPolicy(name: String, document: String) async throws -> String {
        var form = QueryParameters()
        form.set("PolicyName", name)
        form.set("PolicyDocument", document)
        let result = try await client.query(service, action: "CreatePolicy", parameters: form)
        guard let arn = result.string("Policy/Arn") else {
            throw AWSClientError.invalidResponse(service: service.name, operation: "CreatePolicy", reason: "missing Policy/Arn")
        }
        return arn
    }

    /// Attaches a managed policy to the role (emulator set-up).
    public func attachRolePolicy(roleName: String, policyARN: String) async throws {
        var form = QueryParameters()
        form.set("RoleName", roleName)
        form.set("PolicyArn", policyARN)
        _ = try await client.query(service, action: "AttachRolePolicy", parameters: form)
    }

    private func pages<T>(_ action: String, roleName: String, _ read: (XMLTree) -> [T]) async throws -> [T] {
        var out: [T] = []
        var marker: String?
        repeat {
            var form = QueryParameters()
            form.set("RoleName", roleName)
            form.set("Marker", marker)
            let result = try await client.query(service, action: action, parameters: form)
            out += read(result)
            marker = result.string("IsTruncated") == "true" ? result.string("Marker").flatMap { $0.isEmpty ? nil : $0 } : nil
        } while marker != nil
        return out
    }

    /// IAM returns policy documents URL-encoded (RFC 3986); a document that is already JSON is taken as it is.
    static func document(_ text: String?, operation: String, service: AWSService) throws -> String {
        guard let text else { throw AWSClientError.invalidResponse(service: service.name, operation: operation, reason: "missing policy document") }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("{") { return trimmed }
        return PercentEncoding.decode(trimmed)
    }

    private func role(from result: XMLTree, operation: String) throws -> Role {
        guard let role = result.child("Role"), let name = role.string("RoleName"), let arn = role.string("Arn") else {
            throw AWSClientError.invalidResponse(service: service.name, operation: operation, reason: "missing Role")
        }
        return Role(name: name, roleID: role.string("RoleId") ?? "", arn: arn, path: role.string("Path") ?? "/")
    }
}
