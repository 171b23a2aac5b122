import AWSClient
import Foundation

/// Where a deployment reports what happens.
public protocol DeployProgress: Sendable {
    func note(_ message: String)
    func event(_ event: CloudFormationClient.StackEvent, done: Int, total: Int)
    func finished(status: String)
}

/// Plain timestamped lines, one per stack event: what CI logs keep.
public struct LineProgress: DeployProgress {
    let write: @Sendable (String) -> Void

    public init(write: @escaping @Sendable (String) -> Void) { self.write = write }

    public func note(_ message: String) { write(message) }

    public func event(_ e: CloudFormationClient.StackEvent, done: Int, total: Int) {
        var line = "\(Self.timestamp(e.timestamp))  \(e.logicalResourceID)  \(e.resourceType)  \(e.status)"
        if let reason = e.statusReason, !reason.isEmpty { line += "  \(reason)" }
        write(line)
    }

    public func finished(status: String) { write("stack is \(status)") }

    static func timestamp(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }
}

/// One live line on a terminal: progress count, the latest resource and status.
public struct TerminalProgress: DeployProgress {
    let write: @Sendable (String) -> Void

    public init(write: @escaping @Sendable (String) -> Void) { self.write = write }

    public func note(_ message: String) { write(message + "\n") }

    public func event(_ e: CloudFormationClient.StackEvent, done: Int, total: Int) {
        if e.status.hasSuffix("_FAILED") {
            write("\r\u{1B}[2K✗ \(e.logicalResourceID) \(e.status): \(e.statusReason ?? "")\n")
        }
        let width = 24
        let filled = total > 0 ? width * done / total : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        write("\r\u{1B}[2K\(bar) \(done)/\(total)  \(e.logicalResourceID) \(e.status)")
    }

    public func finished(status: String) { write("\r\u{1B}[2Kstack is \(status)\n") }
}
