/// The profiles of the config and credentials files together, as the SDKs merge them: a profile is
/// in either file or both, and where both set a key the credentials file wins.
public struct SharedProfiles: Sendable, Equatable {
    public var config: SharedConfigFile
    public var credentials: SharedConfigFile
    /// The files' paths, for messages.
    public var configPath: String
    public var credentialsPath: String

    public init(config: SharedConfigFile, credentials: SharedConfigFile, configPath: String, credentialsPath: String) {
        self.config = config
        self.credentials = credentials
        self.configPath = configPath
        self.credentialsPath = credentialsPath
    }

    /// Reads `AWS_CONFIG_FILE` (else `~/.aws/config`) and `AWS_SHARED_CREDENTIALS_FILE` (else
    /// `~/.aws/credentials`); a missing file has no profiles.
    public init(context: CredentialsContext) throws {
        let configPath = context.variable("AWS_CONFIG_FILE").map(context.expandingTilde) ?? context.home + "/.aws/config"
        let credentialsPath = context.variable("AWS_SHARED_CREDENTIALS_FILE").map(context.expandingTilde) ?? context.home + "/.aws/credentials"
        func read(_ path: String, _ kind: SharedConfigFile.Kind) throws -> SharedConfigFile {
            do {
                return try context.readFile(path).map { SharedConfigFile(parsing: $0, kind: kind) } ?? SharedConfigFile()
            } catch {
                throw CredentialsError.failed(source: path, reason: "cannot read it: \(error)")
            }
        }
        self.init(config: try read(configPath, .config), credentials: try read(credentialsPath, .credentials),
                  configPath: configPath, credentialsPath: credentialsPath)
    }

    public var paths: [String] { [configPath, credentialsPath] }

    /// The profile's settings from both files, or nil when neither has it.
    public func profile(_ name: String) -> [String: String]? {
        let fromConfig = config.profiles[name], fromCredentials = credentials.profiles[name]
        if fromConfig == nil && fromCredentials == nil { return nil }
        return (fromConfig ?? [:]).merging(fromCredentials ?? [:]) { _, credentialsValue in credentialsValue }
    }

    public func ssoSession(_ name: String) -> [String: String]? {
        config.ssoSessions[name]
    }
}
