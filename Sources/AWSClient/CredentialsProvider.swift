/// Something that can produce credentials: the environment, a profile, STS, a container or instance endpoint.
public protocol CredentialsProvider: Sendable {
    /// Returns credentials, or throws a `CredentialsError`: `.notFound` when the source is not
    /// configured here (saying what it looked at), any other case when it is configured but unusable.
    func credentials() async throws -> AWSCredentials
}
