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

/// IAM Identity Center's OpenID Connect service (REST-JSON, unsigned: the client's secret and the refresh
/// token are the proof). Only `CreateToken` with a refresh token: how the SDKs renew what `aws sso login` cached.
public struct SSOOIDCClient: Sendable {
    public let client: AWSClient
    private let service = AWSService.ssoOIDC

    public init(client: AWSClient) {
        self.client = client
    }

    public struct Token: Sendable, Equatable {
        public var accessToken: String
        public var expiresIn: Int
        /// A new refresh token, when the service rotates it.
        public var refreshToken: String?
    }

    /// `POST /token` with `grantType: refresh_token`.
    public func createToken(clientID: String, clientSecret: String, refreshToken: String) async throws -> Token {
        struct Input: Encodable {
            var clientId: String
            var clientSecret: String
            var grantType = "refresh_token"
            var refreshToken: String
        }
        struct Output: Decodable {
            var accessToken: String?
            var expiresIn: Int?
            var refreshToken: String?
        }
        let body = try AWSJSON.encode(Input(clientId: clientID, clientSecret: clientSecret, refreshToken: refreshToken))
        let request = AWSHTTPRequest(method: "POST", path: "/token", headers: ["content-type": "application/json"], body: body)
        let response = try await client.send(request, service: service, operation: "CreateToken", signed: false)
        let output = try AWSJSON.decode(Output.self, from: response.body, service: service, operation: "CreateToken")
        guard let accessToken = output.accessToken, !accessToken.isEmpty, let expiresIn = output.expiresIn, expiresIn > 0 else {
            throw AWSClientError.invalidResponse(service: service.name, operation: "CreateToken", reason: "missing accessToken or expiresIn")
        }
        return Token(accessToken: accessToken, expiresIn: expiresIn, refreshToken: output.refreshToken.flatMap { $0.isEmpty ? nil : $0 })
    }
}
