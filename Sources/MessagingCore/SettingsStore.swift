import Foundation

/// Run-time settings an admin changes (`PUT /api/config`), kept where every process of the environment
/// reads them: the SystemConfig table in AWS (each Lambda function is its own process), SQLite locally
/// (so a restart keeps them).
public protocol SettingsStore: Sendable {
    func setting(_ key: String) async throws -> String?
    func setSetting(_ key: String, _ value: String, by user: String, at: Date) async throws
}
