import Foundation

/// The AWS IAM Identity Center (SSO) portal (REST-JSON, unsigned: the bearer token from
/// `aws sso login` is the proof).
public struct SSOClient: Sendable {
    public let client: AWSClient
    private let service = AWSService.sso

    public init(client: AWSClient) {
        self.client = client
    }

    /// `GET /federation/credentials`: the role's temporary credentials for one account.
    public func getRoleCredentials(accessToken: String, accountID: String, roleName: String) async throws -> AWSCredentials {
        let request = AWSHTTPRequest(
            method: "GET", path: "/federation/credentials",
            query: [.init(name: "role_name", value: roleName), .init(name: "account_id", value: accountID)],
            headers: ["x-amz-sso_bearer_token": accessToken])
        let response = try await client.send(request, service: service, operation: "GetRoleCredentials", signed: false)
        let output = try AWSJSON.decode(Output.self, from: response.body, service: service, operation: "GetRoleCredentials")
        guard let role = output.roleCredentials, let keyID = role.accessKeyId, !keyID.isEmpty,
              let secret = role.secretAccessKey, !secret.isEmpty else {
            throw AWSClientError.invalidResponse(service: service.name, operation: "GetRoleCredentials", reason: "missing roleCredentials")
        }
        // Milliseconds since the epoch.
        let expiration = role.expiration.map { Date(timeIntervalSince1970: $0 / 1000) }
        return AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: role.sessionToken, expiration: expiration)
    }

    private struct Output: Decodable {
        struct RoleCredentials: Decodable {
            var accessKeyId: String?
            var secretAccessKey: String?
            var sessionToken: String?
            var expiration: Double?
        }
        var roleCredentials: RoleCredentials?
    }
}
