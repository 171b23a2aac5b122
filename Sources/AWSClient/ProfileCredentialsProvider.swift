import Foundation

/// Reads one profile from the shared credentials file.
///
/// The file is `AWS_SHARED_CREDENTIALS_FILE` or `~/.aws/credentials`; the profile is the
/// explicit name, else `AWS_PROFILE`, else `default`.
public struct ProfileCredentialsProvider: CredentialsProvider {
    /// Returns the file's text, or nil when the file does not exist.
    public typealias FileReader = @Sendable (_ path: String) throws -> String?

    public let environment: [String: String]
    public let profile: String?
    private let readFile: FileReader

    public init(
        environment: [String: String],
        profile: String? = nil,
        readFile: @escaping FileReader = ProfileCredentialsProvider.readFileFromDisk
    ) {
        self.environment = environment
        self.profile = profile
        self.readFile = readFile
    }

    /// The profile name that will be used.
    public var profileName: String {
        if let profile, !profile.isEmpty { return profile }
        if let fromEnvironment = environment["AWS_PROFILE"], !fromEnvironment.isEmpty { return fromEnvironment }
        return "default"
    }

    /// The credentials file path that will be read.
    public var filePath: String {
        if let path = environment["AWS_SHARED_CREDENTIALS_FILE"], !path.isEmpty {
            return expandingTilde(path)
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.aws/credentials"
    }

    public func credentials() throws -> AWSCredentials {
        let path = filePath
        let source = "profile \"\(profileName)\" in \(path)"
        guard let text = try readFile(path) else {
            throw CredentialsError.notFound(searched: ["\(source) (file not found)"])
        }
        guard let values = SharedCredentialsFile(parsing: text).profiles[profileName] else {
            throw CredentialsError.notFound(searched: ["\(source) (no such profile)"])
        }
        guard let keyID = values["aws_access_key_id"], !keyID.isEmpty else {
            throw CredentialsError.incomplete(source: source, reason: "aws_access_key_id is missing")
        }
        guard let secret = values["aws_secret_access_key"], !secret.isEmpty else {
            throw CredentialsError.incomplete(source: source, reason: "aws_secret_access_key is missing")
        }
        let token = values["aws_session_token"].flatMap { $0.isEmpty ? nil : $0 }
        return AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: token)
    }

    /// Reads a UTF-8 file; a missing file is nil rather than an error.
    public static let readFileFromDisk: FileReader = { path in
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    private func expandingTilde(_ path: String) -> String {
        guard path.hasPrefix("~/") else { return path }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + path.dropFirst()
    }
}
