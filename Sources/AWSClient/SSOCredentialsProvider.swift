import Crypto
import Foundation

/// A profile's AWS IAM Identity Center (SSO) role: the token `aws sso login` cached under
/// `~/.aws/sso/cache/<sha1 of the session name, or of the start URL for a legacy profile>.json`,
/// exchanged at the portal (`GET /federation/credentials`) for the role's credentials.
/// An `sso-session` token that expires within five minutes is renewed as the SDKs renew it: its refresh token
/// and client registration, cached beside it, go to SSO OIDC's `CreateToken`, and the new token goes back into
/// the cache file. A missing token, or an expired one that cannot be renewed, asks for `aws sso login`.
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
        guard let cache = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any],
              var token = cache["accessToken"] as? String, !token.isEmpty else {
            throw CredentialsError.ssoLoginRequired(profile: profileName, reason: "The cached SSO token \(path) has no accessToken")
        }
        guard var expiresAt = Self.date(cache["expiresAt"]) else {
            throw CredentialsError.ssoLoginRequired(profile: profileName, reason: "The cached SSO token \(path) has no readable expiresAt")
        }
        var renewalFailure = ""
        if sessionName != nil, expiresAt.timeIntervalSince(context.now()) < Self.renewalWindow {
            do {
                if let renewed = try await renew(cache, path: path) { (token, expiresAt) = renewed }
            } catch {
                renewalFailure = " and could not be renewed (\(error))"
            }
        }
        guard context.now() < expiresAt else {
            throw CredentialsError.ssoLoginRequired(
                profile: profileName, reason: "The SSO token for \(sessionLabel) expired at \(AWSTimestamp.iso8601(expiresAt))\(renewalFailure)")
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

    /// The SDKs renew an SSO token this long before it expires.
    static let renewalWindow: TimeInterval = 300

    /// Renews the token with the refresh token and client registration cached beside it, and writes the new one
    /// back; nil when the cache holds no (unexpired) registration to renew with.
    private func renew(_ cache: [String: Any], path: String) async throws -> (token: String, expiresAt: Date)? {
        guard let clientID = cache["clientId"] as? String, let clientSecret = cache["clientSecret"] as? String,
              let refreshToken = cache["refreshToken"] as? String, !clientID.isEmpty, !clientSecret.isEmpty, !refreshToken.isEmpty,
              let registrationExpires = Self.date(cache["registrationExpiresAt"]), context.now() < registrationExpires else { return nil }
        let oidc = SSOOIDCClient(client: try context.client(region: ssoRegion, signedWith: nil, source: sourceName))
        let renewed = try await oidc.createToken(clientID: clientID, clientSecret: clientSecret, refreshToken: refreshToken)
        let expiresAt = context.now().addingTimeInterval(TimeInterval(renewed.expiresIn))
        var updated = cache
        updated["accessToken"] = renewed.accessToken
        updated["expiresAt"] = AWSTimestamp.iso8601(expiresAt)
        if let rotated = renewed.refreshToken { updated["refreshToken"] = rotated }
        // A cache that cannot be written only means renewing again next time.
        if let data = try? JSONSerialization.data(withJSONObject: updated, options: [.sortedKeys]) {
            try? context.writeFile(path, String(decoding: data, as: UTF8.self))
        }
        return (renewed.accessToken, expiresAt)
    }

    /// A cache timestamp; older CLIs wrote "2024-01-01T00:00:00UTC".
    private static func date(_ value: Any?) -> Date? {
        (value as? String).flatMap { AWSTimestamp.parse($0.replacingOccurrences(of: "UTC", with: "Z")) }
    }
}
