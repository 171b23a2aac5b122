import Foundation
import GRDB
import MessagingCore

// Run-time settings locally: a restart keeps what an admin changed.

extension SQLiteStore: SettingsStore {
    public func setting(_ key: String) async throws -> String? {
        try await db.read { try String.fetchOne($0, sql: "SELECT configValue FROM system_config WHERE configKey = ?", arguments: [key]) }
    }

    public func setSetting(_ key: String, _ value: String, by user: String, at: Date) async throws {
        try await db.write { db in
            try db.execute(sql: """
                INSERT INTO system_config (configKey, configValue, updatedBy, updatedAt) VALUES (?, ?, ?, ?)
                ON CONFLICT (configKey) DO UPDATE SET configValue = excluded.configValue, updatedBy = excluded.updatedBy, updatedAt = excluded.updatedAt
                """, arguments: [key, value, user, at.timeIntervalSince1970])
        }
    }
}
