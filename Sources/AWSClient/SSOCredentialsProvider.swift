import Crypto
import Foundation

/// A profile's AWS IAM Identity Center (SSO) role: the token `aws sso login` cached under
/// `~/.aws/sso/cache/<sha1 of the session name, or of the start URL for a legacy profile>.json`,
/// exchanged at the portal (`GET /federation/credentials`) for the role's credentials.
/// This client does not renew the token itself: a missing, expired or refused one asks for `aws sso login`.
public struct SSOCredentialsProvider: CredentialsProvider {
    public var profileName: String
    /// `sso_session`'s name, or nil for a legacy profile with `sso_start_url` of its own.
    public var sessionName: String?
    public var startURL: String
    public var ssoRegion: String
    public var accountID: String
    public var roleName: String
    private let context: CredentialsContext

    public init(context: CredentialsContext, profileName: String, sessionName: String?, startURL: String, ssoRegion: String,
                accountID: String, roleName: String) {
        self.context = context
        self.profileName = profileName
        self.sessionName = sessionName
        self.startURL = startURL
        self.ssoRegion = ssoRegion
        self.accountID = accountID
        self.roleName = roleName
    }

    /// From a profile's settings (`sso_session` + its `[sso-session]` section, or the legacy
    /// `sso_start_url` + `sso_region`, with `sso_account_id` and `sso_role_name`).
    init(context: CredentialsContext, profileName: String, profile: [String: String], files: SharedProfiles) throws {
        let source = "SSO settings of profile \"\(profileName)\""
        var settings = profile
        var sessionName: String?
        if let name = profile["sso_session"], !name.isEmpty {
            guard let session = files.ssoSession(name) else {
                throw CredentialsError.incomplete(source: source, reason: "there is no [sso-session \(name)] section in \(files.configPath)")
            }
            settings["sso_start_url"] = session["sso_start_url"] ?? profile["sso_start_url"]
            settings["sso_region"] = session["sso_region"] ?? profile["sso_region"]
            sessionName = name
        }
        let required = ["sso_start_url", "sso_region", "sso_account_id", "sso_role_name"]
        let missing = required.filter { settings[$0]?.isEmpty ?? true }
        guard missing.isEmpty else {
            throw CredentialsError.incomplete(source: source, reason: "\(missing.joined(separator: ", ")) \(missing.count == 1 ? "is" : "are") missing")
        }
        self.init(context: context, profileName: profileName, sessionName: sessionName, startURL: settings["sso_start_url"]!,
                  ssoRegion: settings["sso_region"]!, accountID: settings["sso_account_id"]!, roleName: settings["sso_role_name"]!)
    }

    /// Where `aws sso login` keeps the token.
    public var cacheFilePath: String {
        let key = sessionName ?? startURL
        let digest = Insecure.SHA1.hash(data: Data(key.utf8)).map { String(format: "%02x", $0) }.joined()
        return context.home + "/.aws/sso/cache/\(digest).json"
    }

    private var sourceName: String { "SSO role \(roleName) in account \(accountID) (profile \"\(profileName)\")" }

    public func credentials() async throws -> AWSCredentials {
        let path = cacheFilePath
        let text: String?
        do {
            text = try context.readFile(path)
        } catch {
            throw CredentialsError.ssoLoginRequired(profile: profileName, reason: "The cached SSO token \(path) cannot be read: \(error)")
        }
        guard let text else {
            throw CredentialsError.ssoLoginRequired(profile: profileName, reason: "There is no cached SSO token for \(sessionLabel) (\(path))")
        }
        guard let cached = try? JSONDecoder().decode(CachedToken.self, from: Data(text.utf8)), let token = cached.accessToken, !token.isEmpty else {
            throw CredentialsError.ssoLoginRequired(profile: profileName, reason: "The cached SSO token \(path) has no accessToken")
        }
        // Older CLIs wrote "2024-01-01T00:00:00UTC".
        guard let expiresAt = cached.expiresAt.flatMap({ AWSTimestamp.parse($0.replacingOccurrences(of: "UTC", with: "Z")) }) else {
            throw CredentialsError.ssoLoginRequired(profile: profileName, reason: "The cached SSO token \(path) has no readable expiresAt")
        }
        guard context.now() < expiresAt else {
            throw CredentialsError.ssoLoginRequired(
                profile: profileName, reason: "The SSO token for \(sessionLabel) expired at \(expiresAt.ISO8601Format())")
        }
        let sso = SSOClient(client: try context.client(region: ssoRegion, signedWith: nil, source: sourceName))
        do {
            return try await sso.getRoleCredentials(accessToken: token, accountID: accountID, roleName: roleName)
        } catch let error as AWSError where error.statusCode == 401 {
            throw CredentialsError.ssoLoginRequired(profile: profileName, reason: "The SSO portal refused the token for \(sessionLabel): \(error.message)")
        } catch {
            throw CredentialsError.failed(source: sourceName, reason: "the SSO portal's GetRoleCredentials failed: \(error)")
        }
    }

    private var sessionLabel: String {
        sessionName.map { "sso-session \"\($0)\"" } ?? startURL
    }

    private struct CachedToken: Decodable {
        var accessToken: String?
        var expiresAt: String?
    }
}
