import Foundation

/// One profile of the shared config and credentials files, resolved as the AWS SDKs resolve it.
///
/// The profile is the explicit name, else `AWS_PROFILE`, else `default`. In that profile, first
/// match wins:
/// - `role_arn` with `web_identity_token_file`: STS AssumeRoleWithWebIdentity;
/// - `role_arn` with `source_profile` (resolved the same way, so roles chain; a cycle is refused) or
///   `credential_source` (`Environment`, `EcsContainer`, `Ec2InstanceMetadata`): a signed STS AssumeRole;
/// - `sso_session` or `sso_start_url`: the SSO portal, with the token `aws sso login` cached;
/// - `aws_access_key_id` + `aws_secret_access_key` (+ `aws_session_token`);
/// - `credential_process`: the command's JSON.
public struct ProfileCredentialsProvider: CredentialsProvider {
    public let context: CredentialsContext
    public let profile: String?

    public init(context: CredentialsContext, profile: String? = nil) {
        self.context = context
        self.profile = profile.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The profile name that will be used.
    public var profileName: String {
        profile ?? context.variable("AWS_PROFILE") ?? "default"
    }

    /// True when the profile was named (`--profile`, `AWS_PROFILE`): then it must exist.
    public var isNamed: Bool {
        profile != nil || context.variable("AWS_PROFILE") != nil
    }

    public func credentials() async throws -> AWSCredentials {
        let files = try SharedProfiles(context: context)
        let name = profileName
        guard files.profile(name) != nil else {
            if isNamed { throw CredentialsError.profileNotFound(name: name, files: files.paths) }
            throw CredentialsError.notFound(searched: ["profile \"\(name)\": in neither \(files.paths.joined(separator: " nor "))"])
        }
        return try await resolve(name, files: files, visited: [])
    }

    private func resolve(_ name: String, files: SharedProfiles, visited: [String]) async throws -> AWSCredentials {
        let source = "profile \"\(name)\""
        guard let settings = files.profile(name)?.filter({ !$0.value.isEmpty }) else {
            throw CredentialsError.profileNotFound(name: name, files: files.paths)
        }
        if let roleARN = settings["role_arn"] {
            return try await assumeRole(roleARN, profile: name, settings: settings, files: files, visited: visited)
        }
        if settings["sso_session"] != nil || settings["sso_start_url"] != nil {
            return try await SSOCredentialsProvider(context: context, profileName: name, profile: settings, files: files).credentials()
        }
        if let keys = try staticKeys(settings, source: source) {
            return keys
        }
        if let command = settings["credential_process"] {
            return try await ProcessCredentialsProvider(command: command, sourceName: "credential_process of \(source)").credentials()
        }
        throw CredentialsError.notFound(searched: [
            "\(source): no aws_access_key_id, role_arn, sso_session, sso_start_url or credential_process",
        ])
    }

    private func assumeRole(_ roleARN: String, profile name: String, settings: [String: String], files: SharedProfiles,
                            visited: [String]) async throws -> AWSCredentials {
        let source = "profile \"\(name)\""
        if let tokenFile = settings["web_identity_token_file"] {
            return try await WebIdentityCredentialsProvider(
                context: context, roleARN: roleARN, tokenFile: tokenFile, sessionName: settings["role_session_name"],
                profileRegion: settings["region"], sourceName: "web identity of \(source)").credentials()
        }
        if settings["mfa_serial"] != nil {
            throw CredentialsError.incomplete(
                source: source, reason: "mfa_serial needs an MFA code, which this tool cannot ask for; "
                    + "export the role's credentials (aws configure export-credentials --profile \(name) --format env) instead")
        }
        let base: AWSCredentials
        switch (settings["source_profile"], settings["credential_source"]) {
        case (_?, _?):
            throw CredentialsError.incomplete(source: source, reason: "source_profile and credential_source are both set; keep one")
        case (let sourceProfile?, nil):
            let path = visited + [name]
            if sourceProfile == name, let keys = try staticKeys(settings, source: source) {
                base = keys  // A profile may assume a role with its own keys.
            } else if path.contains(sourceProfile) {
                throw CredentialsError.profileCycle(path + [sourceProfile])
            } else if files.profile(sourceProfile) == nil {
                throw CredentialsError.incomplete(
                    source: source, reason: "its source_profile \"\(sourceProfile)\" is in neither \(files.paths.joined(separator: " nor "))")
            } else {
                do {
                    base = try await resolve(sourceProfile, files: files, visited: path)
                } catch CredentialsError.notFound {
                    throw CredentialsError.incomplete(source: source, reason: "its source_profile \"\(sourceProfile)\" has no credentials")
                }
            }
        case (nil, let credentialSource?):
            base = try await credentials(from: credentialSource, source: source)
        case (nil, nil):
            throw CredentialsError.incomplete(
                source: source, reason: "role_arn needs source_profile, credential_source or web_identity_token_file beside it")
        }
        var duration: Int?
        if let text = settings["duration_seconds"] {
            guard let seconds = Int(text) else {
                throw CredentialsError.incomplete(source: source, reason: "duration_seconds \"\(text)\" is not a number of seconds")
            }
            duration = seconds
        }
        let sts = STSClient(client: try context.client(region: context.stsRegion(profileRegion: settings["region"]), signedWith: base, source: source))
        do {
            return try await sts.assumeRole(
                roleARN: roleARN, sessionName: settings["role_session_name"] ?? context.defaultSessionName(),
                externalID: settings["external_id"], durationSeconds: duration)
        } catch let error as CredentialsError {
            throw error
        } catch {
            throw CredentialsError.failed(source: source, reason: "STS AssumeRole for \(roleARN) failed: \(error)")
        }
    }

    /// `credential_source`: where a role's base credentials come from when no profile holds them.
    private func credentials(from credentialSource: String, source: String) async throws -> AWSCredentials {
        let provider: any CredentialsProvider
        switch credentialSource {
        case "Environment": provider = EnvironmentCredentialsProvider(environment: context.environment)
        case "EcsContainer": provider = ContainerCredentialsProvider(context: context)
        case "Ec2InstanceMetadata": provider = InstanceMetadataCredentialsProvider(context: context)
        default:
            throw CredentialsError.incomplete(
                source: source, reason: "credential_source \"\(credentialSource)\" is not Environment, EcsContainer or Ec2InstanceMetadata")
        }
        do {
            return try await provider.credentials()
        } catch CredentialsError.notFound(let searched) {
            throw CredentialsError.incomplete(
                source: source, reason: "its credential_source \(credentialSource) has no credentials (\(searched.joined(separator: "; ")))")
        }
    }

    /// The profile's own keys; nil when it has none, `incomplete` when it has half of them.
    private func staticKeys(_ settings: [String: String], source: String) throws -> AWSCredentials? {
        switch (settings["aws_access_key_id"], settings["aws_secret_access_key"]) {
        case (nil, nil):
            return nil
        case let (keyID?, secret?):
            return AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: settings["aws_session_token"])
        case (_?, nil):
            throw CredentialsError.incomplete(source: source, reason: "aws_secret_access_key is missing")
        case (nil, _?):
            throw CredentialsError.incomplete(source: source, reason: "aws_access_key_id is missing")
        }
    }
}
