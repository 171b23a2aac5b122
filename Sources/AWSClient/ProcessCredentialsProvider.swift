import Foundation

/// A profile's `credential_process`: runs the command (with `/bin/sh -c`, as the SDKs do on Unix)
/// and reads `{"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}` from
/// its standard output. Its standard error is kept for the message when it fails.
public struct ProcessCredentialsProvider: CredentialsProvider {
    public var command: String
    /// How messages name this source, e.g. `credential_process of profile "ci"`.
    public var sourceName: String

    public init(command: String, sourceName: String) {
        self.command = command
        self.sourceName = sourceName
    }

    public func credentials() async throws -> AWSCredentials {
        let (status, output, errors) = try await run()
        guard status == 0 else {
            let said = errors.trimmingCharacters(in: .whitespacesAndNewlines)
            throw CredentialsError.failed(
                source: sourceName,
                reason: "`\(command)` exited with status \(status)\(said.isEmpty ? "" : ": \(String(said.suffix(1000)))")")
        }
        let document = try CredentialsDocument.decode(output, source: sourceName)
        guard document.version == 1 else {
            throw CredentialsError.failed(
                source: sourceName, reason: "`\(command)` printed Version \(document.version.map(String.init) ?? "(none)"); only Version 1 is understood")
        }
        return try document.credentials(source: sourceName)
    }

    /// Runs the command off the concurrency pool's threads, which must not block.
    private func run() async throws -> (status: Int32, output: Data, errors: String) {
        let command = command, sourceName = sourceName
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/bin/sh")
                process.arguments = ["-c", command]
                let output = Pipe(), errors = Pipe()
                process.standardOutput = output
                process.standardError = errors
                process.standardInput = FileHandle.nullDevice
                do {
                    try process.run()
                } catch {
                    continuation.resume(throwing: CredentialsError.failed(source: sourceName, reason: "cannot run `\(command)`: \(error)"))
                    return
                }
                // Both pipes drained at once, so a chatty command cannot fill one and stall.
                let errorText = LockedBox(Data())
                let group = DispatchGroup()
                DispatchQueue.global().async(group: group) {
                    errorText.set(errors.fileHandleForReading.readDataToEndOfFile())
                }
                let printed = output.fileHandleForReading.readDataToEndOfFile()
                group.wait()
                process.waitUntilExit()
                continuation.resume(returning: (process.terminationStatus, printed, String(decoding: errorText.get(), as: UTF8.self)))
            }
        }
    }
}

/// One value shared between two threads.
private final class LockedBox<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }
    func set(_ newValue: Value) { lock.withLock { value = newValue } }
    func get() -> Value { lock.withLock { value } }
}
