import Foundation
import GRDB

/// Copies the WAL back into the database from a connection of its own, a few times a second, so that
/// commits never wait for it. SQLite's automatic checkpoint runs inside the commit that crosses its
/// threshold, with its fsyncs, and holds every inbound event queued behind it. A passive checkpoint
/// takes no lock that a writer or a reader waits for.
///
/// Under continuous writes a passive checkpoint never catches up (frames arrive while it copies), and
/// the WAL starts over from its beginning only once every frame is copied. So after a round that leaves
/// the WAL at `restartFrames` or more, the checkpointer asks the writer (`WALRestart`) to copy the few
/// frames appended meanwhile itself, between two commits; the writer's next transaction then starts
/// the WAL over. Without that the WAL grew to the writer's own threshold, whose checkpoint synced up to
/// a whole round of WAL inside a commit: every inbound event in flight waited 27–68 ms together, about
/// once every 4,000 events under load.
final class Checkpointer: Sendable {
    private let stop = StopSignal()
    /// 64 MB of 4 KB pages. Each start-over costs the writer two fsyncs (15–40 ms on the development
    /// machine), so the WAL is let grow this far between them: about every 5,000 events under load.
    static let restartFrames = 16_384

    init(path: String, every interval: TimeInterval, restartFrames: Int, restart: WALRestart) throws {
        var config = Configuration()
        config.busyMode = .timeout(5)
        let connection = try DatabaseQueue(path: path, configuration: config)
        let thread = Thread { [stop] in
            while !stop.wait(interval) {
                let round = try? connection.writeWithoutTransaction { try $0.checkpoint(.passive) }
                if let round, round.walFrameCount >= restartFrames { restart.request() }
            }
        }
        thread.name = "wecare-checkpointer"
        thread.start()
    }

    deinit { stop.fire() }
}

/// The checkpointer's request to the writer: copy what is left of the WAL, so that it can start over.
final class WALRestart: @unchecked Sendable {
    private let lock = NSLock()
    private var requested = false

    func request() { lock.withLock { requested = true } }

    /// Called by the writer between commits: a passive checkpoint of its own when one was requested. It
    /// copies only the frames appended since the checkpointer's round and never waits: a reader on an
    /// old snapshot, or a round under way, leaves the WAL as it is until the next request.
    func completeIfRequested(_ db: DatabasePool) {
        guard lock.withLock({ defer { requested = false }; return requested }) else { return }
        _ = try? db.writeWithoutTransaction { try $0.checkpoint(.passive) }
    }
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
