import Foundation

/// A role assumed with a web identity token (GitHub Actions' OIDC token, an EKS service account's):
/// STS `AssumeRoleWithWebIdentity`, unsigned, since the token is the proof. The token file is read
/// on every call, as providers rotate it.
public struct WebIdentityCredentialsProvider: CredentialsProvider {
    public var roleARN: String?
    public var tokenFile: String?
    public var sessionName: String?
    /// A profile's `region`, when the role comes from a profile.
    public var profileRegion: String?
    /// How messages name this source.
    public var sourceName: String
    private let context: CredentialsContext

    /// From `AWS_ROLE_ARN`, `AWS_WEB_IDENTITY_TOKEN_FILE` and `AWS_ROLE_SESSION_NAME`.
    public init(context: CredentialsContext) {
        self.init(context: context, roleARN: context.variable("AWS_ROLE_ARN"), tokenFile: context.variable("AWS_WEB_IDENTITY_TOKEN_FILE"),
                  sessionName: context.variable("AWS_ROLE_SESSION_NAME"), sourceName: Self.environmentSourceName)
    }

    /// From a profile's `role_arn`, `web_identity_token_file` and `role_session_name`.
    public init(context: CredentialsContext, roleARN: String?, tokenFile: String?, sessionName: String?, profileRegion: String? = nil,
                sourceName: String) {
        self.context = context
        self.roleARN = roleARN
        self.tokenFile = tokenFile
        self.sessionName = sessionName
        self.profileRegion = profileRegion
        self.sourceName = sourceName
    }

    static let environmentSourceName = "web identity (AWS_ROLE_ARN / AWS_WEB_IDENTITY_TOKEN_FILE)"

    public func credentials() async throws -> AWSCredentials {
        guard let tokenFile else {
            throw CredentialsError.notFound(searched: ["\(sourceName): AWS_WEB_IDENTITY_TOKEN_FILE is not set"])
        }
        guard let roleARN else {
            throw CredentialsError.incomplete(source: sourceName, reason: "a web identity token file is set but no role ARN to assume with it")
        }
        let token = try context.readRequiredFile(tokenFile, source: sourceName, what: "web identity token file")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else {
            throw CredentialsError.incomplete(source: sourceName, reason: "the web identity token file \(tokenFile) is empty")
        }
        let sts = STSClient(client: try context.client(region: context.stsRegion(profileRegion: profileRegion), signedWith: nil, source: sourceName))
        do {
            return try await sts.assumeRoleWithWebIdentity(
                roleARN: roleARN, sessionName: sessionName ?? context.defaultSessionName(), webIdentityToken: token)
        } catch let error as CredentialsError {
            throw error
        } catch {
            throw CredentialsError.failed(source: sourceName, reason: "STS AssumeRoleWithWebIdentity for \(roleARN) failed: \(error)")
        }
    }
}
