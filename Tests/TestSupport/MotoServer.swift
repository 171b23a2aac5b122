import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a local moto server (`moto_server -H 127.0.0.1 -p PORT`) for integration tests.
///
/// `start()` installs moto with pip when `moto_server` is missing, picks a free port, starts the
/// server and waits until it answers; `stop()` terminates it. Failures are thrown, never skipped,
/// so a missing emulator fails the tests loudly.
public final class MotoServer: @unchecked Sendable {
    public enum Failure: Error, CustomStringConvertible {
        case notInstalled(String)
        case didNotStart(String)

        public var description: String {
            switch self {
            case .notInstalled(let detail):
                return "moto_server is not available and `python3 -m pip install 'moto[server]'` did not provide it: \(detail)"
            case .didNotStart(let detail):
                return "moto_server did not start: \(detail)"
            }
        }
    }

    private let lock = NSLock()
    private var process: Process?
    private var logURL: URL?
    private var endpoint: URL?
    private let startupTimeout: TimeInterval
    private let accountID: String?

    /// - Parameter accountID: the account moto pretends to be (`MOTO_ACCOUNT_ID`), so that ARNs in
    ///   generated templates (the existing role of account 809904170947) are not cross-account.
    public init(startupTimeout: TimeInterval = 60, accountID: String? = nil) {
        self.startupTimeout = startupTimeout
        self.accountID = accountID
    }

    deinit {
        stop()
    }

    /// Starts the server (once) and returns its base URL, e.g. `http://127.0.0.1:51234`.
    public func start() async throws -> URL {
        if let endpoint = lock.withLock({ self.endpoint }) { return endpoint }
        let executable = try Self.motoExecutable()
        let port = try Self.freePort()
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("moto-\(port).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)

        let process = Process()
        process.executableURL = executable
        process.arguments = ["-H", "127.0.0.1", "-p", String(port)]
        process.standardOutput = handle
        process.standardError = handle
        if let accountID {
            var environment = ProcessInfo.processInfo.environment
            environment["MOTO_ACCOUNT_ID"] = accountID
            process.environment = environment
        }
        try process.run()
        lock.withLock {
            self.process = process
            self.logURL = log
        }

        let url = URL(string: "http://127.0.0.1:\(port)")!
        let deadline = Date().addingTimeInterval(startupTimeout)
        while Date() < deadline {
            guard process.isRunning else {
                throw Failure.didNotStart("exited with status \(process.terminationStatus); log: \(readLog())")
            }
            if await Self.answers(url.appendingPathComponent("moto-api/")) {
                lock.withLock { self.endpoint = url }
                return url
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        stop()
        throw Failure.didNotStart("no answer on \(url) within \(Int(startupTimeout)) s; log: \(readLog())")
    }

    /// Terminates the server; safe to call more than once.
    public func stop() {
        let running: Process? = lock.withLock {
            let current = process
            process = nil
            endpoint = nil
            return current
        }
        guard let running, running.isRunning else { return }
        running.terminate()
        // Foundation's Process on Linux starts children with most signals blocked, so SIGTERM may
        // never arrive; moto keeps no state worth a clean shutdown, so fall back to SIGKILL.
        let deadline = Date().addingTimeInterval(1)
        while running.isRunning && Date() < deadline {
            usleep(50_000)
        }
        if running.isRunning {
            kill(running.processIdentifier, SIGKILL)
        }
        running.waitUntilExit()
    }

    private func readLog() -> String {
        guard let logURL = lock.withLock({ self.logURL }),
              let text = try? String(contentsOf: logURL, encoding: .utf8) else { return "(no log)" }
        return String(text.suffix(2000))
    }

    // MARK: - Helpers

    /// `moto_server` from PATH, installing moto with pip first when it is missing.
    private static func motoExecutable() throws -> URL {
        if let found = findInPath("moto_server") { return found }
        let install = Process()
        install.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        install.arguments = ["python3", "-m", "pip", "install", "moto[server]"]
        do {
            try install.run()
            install.waitUntilExit()
        } catch {
            throw Failure.notInstalled("could not run pip: \(error)")
        }
        if let found = findInPath("moto_server") { return found }
        throw Failure.notInstalled("pip exited with status \(install.terminationStatus) and moto_server is still not on PATH")
    }

    private static func findInPath(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) {
                return URL(fileURLWithPath: candidate)
            }
        }
        return nil
    }

    /// Asks the kernel for a free port by binding port 0 on the loopback address.
    public static func freePort() throws -> Int {
        #if os(Linux)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure.didNotStart("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(fd, socketAddress, length) == 0 && getsockname(fd, socketAddress, &length) == 0
            }
        }
        guard bound else { throw Failure.didNotStart("could not bind a loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func answers(_ url: URL) async -> Bool {
        var request = URLRequest(url: url, timeoutInterval: 1)
        request.httpMethod = "GET"
        do {
            let (_, response) = try await URLSession.shared.data(for: request)
            return response is HTTPURLResponse
        } catch {
            return false
        }
    }
}
