import Foundation

/// The JSON the container endpoint, the instance metadata service and `credential_process` print:
/// `{"AccessKeyId", "SecretAccessKey", "Token" or "SessionToken", "Expiration"}`, plus `Version`
/// for a process and `Code` for the instance metadata service.
struct CredentialsDocument: Decodable {
    var version: Int?
    var code: String?
    var accessKeyID: String?
    var secretAccessKey: String?
    var token: String?
    var sessionToken: String?
    var expiration: String?

    enum CodingKeys: String, CodingKey {
        case version = "Version", code = "Code", accessKeyID = "AccessKeyId", secretAccessKey = "SecretAccessKey"
        case token = "Token", sessionToken = "SessionToken", expiration = "Expiration"
    }

    /// Parses `data`; every problem is `CredentialsError.failed` naming `source`. The text is never
    /// quoted back, since it may hold a secret.
    static func decode(_ data: Data, source: String) throws -> CredentialsDocument {
        do {
            return try JSONDecoder().decode(CredentialsDocument.self, from: data)
        } catch {
            throw CredentialsError.failed(source: source, reason: "the answer is not a JSON object of credentials (\(data.count) bytes)")
        }
    }

    func credentials(source: String) throws -> AWSCredentials {
        guard let keyID = accessKeyID, !keyID.isEmpty else {
            throw CredentialsError.failed(source: source, reason: "the answer has no AccessKeyId")
        }
        guard let secret = secretAccessKey, !secret.isEmpty else {
            throw CredentialsError.failed(source: source, reason: "the answer has no SecretAccessKey")
        }
        var expiry: Date?
        if let text = expiration {
            guard let date = AWSTimestamp.parse(text) else {
                throw CredentialsError.failed(source: source, reason: "the answer's Expiration \"\(text)\" is not an ISO 8601 time")
            }
            expiry = date
        }
        let token = (sessionToken ?? self.token).flatMap { $0.isEmpty ? nil : $0 }
        return AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: token, expiration: expiry)
    }
}
