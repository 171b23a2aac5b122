/// Why no credentials could be loaded. Every case names the source, so the message says where to look.
public enum CredentialsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing usable was found; `searched` says, in order, what each source that was tried said.
    case notFound(searched: [String])
    /// A source is configured but cannot be used as written (a key id without its secret, a role
    /// without a source of credentials to assume it with).
    case incomplete(source: String, reason: String)
    /// A configured source was asked and failed: STS refused, the command failed, an endpoint
    /// answered an error or something unreadable.
    case failed(source: String, reason: String)
    /// A profile named by `--profile` or `AWS_PROFILE` is in neither file.
    case profileNotFound(name: String, files: [String])
    /// Profiles whose `source_profile` lead back to one already on the way: `["a", "b", "a"]`.
    case profileCycle([String])
    /// The cached AWS IAM Identity Center (SSO) token is missing, expired or refused; `aws sso login` renews it.
    case ssoLoginRequired(profile: String, reason: String)

    public var description: String {
        switch self {
        case .notFound(let searched):
            return "No AWS credentials found. Tried, in order: \(searched.joined(separator: "; ")). "
                + "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE, "
                + "or name a profile of ~/.aws/config or ~/.aws/credentials with --profile or AWS_PROFILE."
        case .incomplete(let source, let reason):
            return "Incomplete AWS credentials in \(source): \(reason)."
        case .failed(let source, let reason):
            return "Could not get AWS credentials from \(source): \(reason)."
        case .profileNotFound(let name, let files):
            return "The AWS profile \"\(name)\" is not in \(files.joined(separator: " or ")). "
                + "Check --profile / AWS_PROFILE, or AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE."
        case .profileCycle(let names):
            return "The AWS profiles' source_profile settings form a cycle: \(names.map { "\"\($0)\"" }.joined(separator: " → ")). "
                + "End the chain at a profile with keys, credential_process, SSO or credential_source."
        case .ssoLoginRequired(let profile, let reason):
            let command = profile == "default" ? "aws sso login" : "aws sso login --profile \(profile)"
            return "\(reason). Run `\(command)` and try again."
        }
    }
}
