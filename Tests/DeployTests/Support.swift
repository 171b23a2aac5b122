import AWSClient
import Deploy
import Foundation
import Pipeline
import SpecLoading

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let testToday = "2026-11-22"

/// A copy of the project's specs, environments and generated/ in a temporary folder, to edit freely.
struct TempProject {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("wecare-deploy-\(UUID().uuidString)")
        for folder in ["specs", "environments", "generated"] {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: packageRoot.appendingPathComponent(folder), to: root.appendingPathComponent(folder))
        }
    }

    func edit(_ path: String, _ change: (String) -> String) throws {
        let url = root.appendingPathComponent(path)
        try change(try String(contentsOf: url, encoding: .utf8)).write(to: url, atomically: true, encoding: .utf8)
    }

    func rebuild() throws {
        try BuildRun.run(files: try SpecTree.read(root: root), today: testToday).write(to: root.appendingPathComponent("generated"))
    }

    func inputs(branch: String, parameters: [String: String] = ["CodeBucket": "wecare-code", "UserPoolClientId": "local"]) throws -> DeployFlow.Inputs {
        DeployFlow.Inputs(branch: branch, files: try SpecTree.read(root: root), generated: root.appendingPathComponent("generated"),
                          parameters: parameters, today: testToday)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}

/// Counts every request; fails them all, so a refusal test cannot pass by reaching AWS.
final class CountingTransport: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var _count = 0
    var count: Int { lock.withLock { _count } }

    func send(_ request: AWSHTTPRequest) async throws -> AWSHTTPResponse {
        lock.withLock { _count += 1 }
        throw URLError(.cannotConnectToHost)
    }
}

/// Collects progress lines for assertions.
final class RecordingProgress: DeployProgress, @unchecked Sendable {
    private let lock = NSLock()
    private var _lines: [String] = []
    var lines: [String] { lock.withLock { _lines } }
    private func add(_ s: String) { lock.withLock { _lines.append(s) } }

    func note(_ message: String) { add(message) }
    func event(_ e: CloudFormationClient.StackEvent, done: Int, total: Int) { add("\(e.logicalResourceID) \(e.status) \(e.statusReason ?? "")") }
    func finished(status: String) { add("stack is \(status)") }
}

func deployer(_ client: AWSClient, _ progress: RecordingProgress = RecordingProgress()) -> Deployer {
    Deployer(cloudFormation: CloudFormationClient(client: client), progress: progress, pause: { _ in try await Task.sleep(for: .milliseconds(100)) },
             timeout: .seconds(120))
}
