import Foundation
import GRDB

/// Copies the WAL back into the database from a connection of its own, a few times a second, so that
/// commits never wait for it. SQLite's automatic checkpoint runs inside the commit that crosses its
/// threshold, with an fsync, and held every inbound event queued behind it for up to 10 ms. A passive
/// checkpoint takes no lock that a writer or a reader waits for. The writer keeps a far threshold of
/// its own (`SQLiteStore.walSafetyPages`), so the WAL stays bounded even if this thread falls behind.
final class Checkpointer: Sendable {
    private let stop = StopSignal()

    init(path: String, every interval: TimeInterval = 0.25) throws {
        var config = Configuration()
        config.busyMode = .timeout(5)
        let connection = try DatabaseQueue(path: path, configuration: config)
        let thread = Thread { [stop] in
            while !stop.wait(interval) {
                _ = try? connection.writeWithoutTransaction { try $0.checkpoint(.passive) }
            }
        }
        thread.name = "wecare-checkpointer"
        thread.start()
    }

    deinit { stop.fire() }
}

/// A flag a thread sleeps on between rounds of work.
final class StopSignal: @unchecked Sendable {
    private let condition = NSCondition()
    private var stopped = false

    /// Sleeps up to `seconds`; true once stopped.
    func wait(_ seconds: TimeInterval) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if !stopped { _ = condition.wait(until: Date(timeIntervalSinceNow: seconds)) }
        return stopped
    }

    func fire() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
