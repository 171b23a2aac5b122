/// Reads `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and optional `AWS_SESSION_TOKEN`.
public struct EnvironmentCredentialsProvider: CredentialsProvider {
    public let environment: [String: String]

    /// - Parameter environment: injected so tests never depend on the real process environment.
    public init(environment: [String: String]) {
        self.environment = environment
    }

    public func credentials() throws -> AWSCredentials {
        let keyID = nonEmpty(environment["AWS_ACCESS_KEY_ID"])
        let secret = nonEmpty(environment["AWS_SECRET_ACCESS_KEY"])
        switch (keyID, secret) {
        case let (keyID?, secret?):
            return AWSCredentials(
                accessKeyID: keyID,
                secretAccessKey: secret,
                sessionToken: nonEmpty(environment["AWS_SESSION_TOKEN"])
            )
        case (nil, nil):
            throw CredentialsError.notFound(searched: ["\(Self.sourceName): not set"])
        case (_?, nil):
            throw CredentialsError.incomplete(source: Self.sourceName, reason: "AWS_SECRET_ACCESS_KEY is not set")
        case (nil, _?):
            throw CredentialsError.incomplete(source: Self.sourceName, reason: "AWS_ACCESS_KEY_ID is not set")
        }
    }

    static let sourceName = "environment variables AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY"

    private func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}
