/// Tries providers in order and returns the first credentials found.
///
/// A source that is present but broken (`CredentialsError.incomplete`) stops the search,
/// so a half-set environment is reported instead of silently using another profile.
public struct CredentialsProviderChain: CredentialsProvider {
    public let providers: [any CredentialsProvider]

    public init(_ providers: [any CredentialsProvider]) {
        self.providers = providers
    }

    /// Environment variables first, then the shared credentials file, like the AWS CLI.
    public static func standard(
        environment: [String: String],
        profile: String? = nil,
        readFile: @escaping ProfileCredentialsProvider.FileReader = ProfileCredentialsProvider.readFileFromDisk
    ) -> CredentialsProviderChain {
        // An explicit profile means the caller wants that profile, not whatever keys are exported.
        let profileProvider = ProfileCredentialsProvider(environment: environment, profile: profile, readFile: readFile)
        if profile != nil { return CredentialsProviderChain([profileProvider]) }
        return CredentialsProviderChain([EnvironmentCredentialsProvider(environment: environment), profileProvider])
    }

    public func credentials() throws -> AWSCredentials {
        var searched: [String] = []
        for provider in providers {
            do {
                return try provider.credentials()
            } catch CredentialsError.notFound(let places) {
                searched += places
            }
        }
        throw CredentialsError.notFound(searched: searched)
    }
}
