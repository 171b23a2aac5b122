import Foundation
import MessagingCore
import Server
import Stores
import XCTest

/// A run-time setting an admin changes is kept in the settings store: another process sharing the
/// store sees it, and a restart keeps it.
final class RuntimeSettingsTests: XCTestCase {
    let base = CoreSettings(environment: "local", sendMode: .dryRun, allowlist: [], metaApiVersion: "v20.0", smsPoolId: "pool",
                            emailSender: "one@wecare.digital", mediaBucket: "b", incomingPrefix: "in/", outgoingPrefix: "out/")

    func testAChangeReachesEveryProcessSharingTheStoreAndSurvivesARestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wecare-settings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("wecare.sqlite").path
        let store = try SQLiteStore(path: path)
        let one = RuntimeSettings(base, store: store, refresh: .zero)
        let other = RuntimeSettings(base, store: try SQLiteStore(path: path), refresh: .zero)
        let before = await other.value.autoAcknowledge
        XCTAssertFalse(before)

        try await one.setAutoAcknowledge(true, by: "admin-1", at: Date())
        let seen = await other.value.autoAcknowledge
        XCTAssertTrue(seen, "the other process reads the change")
        let stored = try await store.setting("autoAcknowledge")
        XCTAssertEqual(stored, "true")

        let restarted = RuntimeSettings(base, store: try SQLiteStore(path: path))
        let kept = await restarted.value.autoAcknowledge
        XCTAssertTrue(kept, "a restart keeps it")
    }

    func testWithinTheRefreshIntervalTheSettingsAreNotReadAgain() async throws {
        let store = CountingSettings()
        let settings = RuntimeSettings(base, store: store, refresh: .seconds(3600))
        for _ in 0..<100 { _ = await settings.value }
        let reads = await store.reads
        XCTAssertEqual(reads, 2, "the inbound path reads the settings per event; the store once per interval for each run-time setting (autoAcknowledge, aiAutomation)")
    }
}

private actor CountingSettings: SettingsStore {
    var reads = 0
    func setting(_ key: String) async throws -> String? {
        reads += 1
        return nil
    }
    func setSetting(_ key: String, _ value: String, by user: String, at: Date) async throws {}
}
