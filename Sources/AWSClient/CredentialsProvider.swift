/// Something that can produce credentials: the environment, a profile file, a fixed pair.
public protocol CredentialsProvider: Sendable {
    /// Returns credentials, or throws `CredentialsError.notFound` saying where it looked.
    func credentials() throws -> AWSCredentials
}
