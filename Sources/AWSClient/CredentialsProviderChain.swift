import Foundation

/// Tries providers in order and returns the first credentials found, cached until shortly before
/// they expire (`CredentialsCache`).
///
/// A source that is not configured (`CredentialsError.notFound`) passes to the next, and what each
/// said is listed in the error when none works. A source that is configured but broken or refused
/// (any other `CredentialsError`) stops the search: a half-set environment or an expired SSO login
/// is reported, instead of silently using another identity.
public struct CredentialsProviderChain: CredentialsProvider {
    public let providers: [any CredentialsProvider]
    private let cache: CredentialsCache

    public init(_ providers: [any CredentialsProvider], cache: CredentialsCache = CredentialsCache()) {
        self.providers = providers
        self.cache = cache
    }

    /// The AWS SDKs' order:
    /// 1. the environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`);
    /// 2. web identity (`AWS_ROLE_ARN`, `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_SESSION_NAME`);
    /// 3. the profile of the shared config and credentials files (`AWS_PROFILE`, else `default`);
    /// 4. the container endpoint (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` / `_FULL_URI`);
    /// 5. the EC2 instance metadata service (IMDSv2).
    ///
    /// An explicit `profile` (the CLI's `--profile`) means that profile and nothing else.
    public static func standard(_ context: CredentialsContext, profile: String? = nil) -> CredentialsProviderChain {
        let cache = CredentialsCache(now: context.now)
        if let profile, !profile.isEmpty {
            return CredentialsProviderChain([ProfileCredentialsProvider(context: context, profile: profile)], cache: cache)
        }
        return CredentialsProviderChain([
            EnvironmentCredentialsProvider(environment: context.environment),
            WebIdentityCredentialsProvider(context: context),
            ProfileCredentialsProvider(context: context),
            ContainerCredentialsProvider(context: context),
            InstanceMetadataCredentialsProvider(context: context),
        ], cache: cache)
    }

    /// The standard chain over `environment` (pass `ProcessInfo.processInfo.environment`), the
    /// files on disk and the network. `region` is the client's, for STS's regional endpoint.
    public static func standard(
        environment: [String: String],
        profile: String? = nil,
        region: String? = nil
    ) -> CredentialsProviderChain {
        standard(CredentialsContext(environment: environment, region: region), profile: profile)
    }

    public func credentials() async throws -> AWSCredentials {
        try await cache.credentials { [providers] in
            var searched: [String] = []
            for provider in providers {
                do {
                    return try await provider.credentials()
                } catch CredentialsError.notFound(let said) {
                    searched += said
                }
            }
            throw CredentialsError.notFound(searched: searched)
        }
    }
}
