import Foundation

/// The INI text of `~/.aws/config` or `~/.aws/credentials`, read as the AWS SDKs read it.
///
/// The config file names profiles `[profile NAME]` (and `[default]`) and SSO sessions
/// `[sso-session NAME]`; other sections (`[services …]`, a bare `[NAME]`) are not profiles there.
/// The credentials file names profiles `[NAME]`. Keys are lower-cased; `#` and `;` start a comment
/// line; indented lines under a key without a value are sub-settings (`s3 =` …) and are skipped.
public struct SharedConfigFile: Sendable, Equatable {
    public enum Kind: Sendable {
        case config
        case credentials
    }

    /// Profile name → key → value.
    public var profiles: [String: [String: String]]
    /// `[sso-session NAME]` sections of the config file: name → key → value.
    public var ssoSessions: [String: [String: String]]

    public init(profiles: [String: [String: String]] = [:], ssoSessions: [String: [String: String]] = [:]) {
        self.profiles = profiles
        self.ssoSessions = ssoSessions
    }

    public init(parsing text: String, kind: Kind) {
        enum Section {
            case profile(String)
            case ssoSession(String)
            case ignored
        }
        var profiles: [String: [String: String]] = [:]
        var sessions: [String: [String: String]] = [:]
        var section = Section.ignored
        var inSubSettings = false
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                let name = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                switch Self.section(named: name, kind: kind) {
                case ("sso-session", let name)?: section = .ssoSession(name)
                case (_, let name)?: section = .profile(name)
                case nil: section = .ignored
                }
                switch section {
                case .profile(let name): profiles[name, default: [:]] = profiles[name] ?? [:]
                case .ssoSession(let name): sessions[name, default: [:]] = sessions[name] ?? [:]
                case .ignored: break
                }
                inSubSettings = false
                continue
            }
            if rawLine.first?.isWhitespace == true, inSubSettings { continue }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            inSubSettings = value.isEmpty
            switch section {
            case .profile(let name): profiles[name, default: [:]][key] = value
            case .ssoSession(let name): sessions[name, default: [:]][key] = value
            case .ignored: break
            }
        }
        self.profiles = profiles
        self.ssoSessions = sessions
    }

    /// ("profile" or "sso-session", name) for a section header, nil for sections that are neither.
    private static func section(named header: String, kind: Kind) -> (String, String)? {
        switch kind {
        case .credentials:
            return header.isEmpty ? nil : ("profile", header)
        case .config:
            if header == "default" { return ("profile", "default") }
            for prefix in ["profile", "sso-session"] {
                guard header.hasPrefix(prefix), header.dropFirst(prefix.count).first?.isWhitespace == true else { continue }
                let name = header.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
                return name.isEmpty ? nil : (prefix, name)
            }
            return nil
        }
    }
}
