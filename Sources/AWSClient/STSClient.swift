import Foundation

/// STS (query protocol, API 2011-06-15): the temporary credentials behind roles.
public struct STSClient: Sendable {
    public let client: AWSClient
    private let service = AWSService.sts

    public init(client: AWSClient) {
        self.client = client
    }

    /// Signed with the client's credentials, which must be allowed to assume the role.
    public func assumeRole(
        roleARN: String,
        sessionName: String,
        externalID: String? = nil,
        durationSeconds: Int? = nil
    ) async throws -> AWSCredentials {
        var form = QueryParameters()
        form.set("RoleArn", roleARN)
        form.set("RoleSessionName", sessionName)
        form.set("ExternalId", externalID)
        form.set("DurationSeconds", durationSeconds.map(String.init))
        let result = try await client.query(service, action: "AssumeRole", parameters: form)
        return try credentials(in: result, operation: "AssumeRole")
    }

    /// Unsigned: the identity provider's token is the proof (GitHub Actions' OIDC token, an EKS
    /// service account's token).
    public func assumeRoleWithWebIdentity(
        roleARN: String,
        sessionName: String,
        webIdentityToken: String,
        durationSeconds: Int? = nil
    ) async throws -> AWSCredentials {
        var form = QueryParameters()
        form.set("RoleArn", roleARN)
        form.set("RoleSessionName", sessionName)
        form.set("WebIdentityToken", webIdentityToken)
        form.set("DurationSeconds", durationSeconds.map(String.init))
        let result = try await client.query(service, action: "AssumeRoleWithWebIdentity", parameters: form, signed: false)
        return try credentials(in: result, operation: "AssumeRoleWithWebIdentity")
    }

    private func credentials(in result: XMLTree, operation: String) throws -> AWSCredentials {
        guard let element = result.child("Credentials"),
              let keyID = element.string("AccessKeyId"), !keyID.isEmpty,
              let secret = element.string("SecretAccessKey"), !secret.isEmpty,
              let token = element.string("SessionToken"), !token.isEmpty else {
            throw AWSClientError.invalidResponse(service: service.name, operation: operation, reason: "missing Credentials")
        }
        guard let text = element.string("Expiration"), let expiration = AWSTimestamp.parse(text) else {
            throw AWSClientError.invalidResponse(service: service.name, operation: operation, reason: "missing or unreadable Credentials/Expiration")
        }
        return AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: token, expiration: expiration)
    }
}
