import AWSClient
import Deploy
import Foundation
import Pipeline
import TestSupport
import SpecLoading

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let testToday = "2026-11-22"

/// A copy of the project's specs, environments and generated/ in a temporary folder, to edit freely.
struct TempProject {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("wecare-deploy-\(UUID().uuidString)")
        for folder in ["specs", "environments", "generated", "knowledge"] {
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

    func inputs(branch: String, parameters: [String: String] = ["CodeBucket": "wecare-code", "UserPoolClientId": "local"],
                stack: String? = nil, adopt: Bool = false, createAdopted: Bool = false) throws -> DeployFlow.Inputs {
        DeployFlow.Inputs(branch: branch, files: try SpecTree.read(root: root), generated: root.appendingPathComponent("generated"),
                          parameters: parameters, stack: stack, today: testToday, adopt: adopt, createAdopted: createAdopted)
    }

    /// Production without `adopt:`: for tests about something else, whose fakes cannot answer the live reads an adoption makes.
    func withoutAdoption() throws -> TempProject {
        try edit("environments/production.yaml") { text in
            text.split(separator: "\n", omittingEmptySubsequences: false).filter { line in
                !(line.hasPrefix("  adopt:") || line.hasPrefix("    tables:") || line.hasPrefix("    queues:") || line.hasPrefix("    logGroups:"))
            }.joined(separator: "\n")
        }
        try rebuild()
        return self
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

/// The CloudFormation actions that change nothing; every other action is a write.
let readOnlyActions: Set<String> = ["DescribeStacks", "DescribeStackEvents", "DescribeStackResources", "ListStackResources",
                                    "DescribeChangeSet", "GetTemplate", "ListChangeSets", "ValidateTemplate"]

/// One request as the fake saw it: the action and its form fields.
struct RecordedRequest: Sendable {
    var action: String
    var fields: [String: String]
}

/// Reads the action and fields of a query-protocol request body.
func decodeQueryRequest(_ request: AWSHTTPRequest) -> RecordedRequest {
    var components = URLComponents()
    components.percentEncodedQuery = String(decoding: request.body, as: UTF8.self)
    var fields: [String: String] = [:]
    for item in components.queryItems ?? [] { fields[item.name] = item.value ?? "" }
    return RecordedRequest(action: fields["Action"] ?? "", fields: fields)
}

/// A CloudFormation in memory: one stack and its change sets, answered to the read-only calls the deployer
/// makes. Every request is recorded; a write fails (so a flow that reaches one stops there) unless it is
/// ExecuteChangeSet on a change set the fake holds.
final class FakeCloudFormation: HTTPTransport, @unchecked Sendable {
    struct Stack {
        var name: String
        var id: String
        var status = "UPDATE_COMPLETE"
        var tags: [String: String] = [:]
        var created = "2026-11-01T10:00:00Z"
        var updated: String? = "2026-11-20T10:00:00Z"
        var lastEvent = "event-1"
        var resources: [(logical: String, type: String, physical: String)] = []
    }

    struct ChangeSet {
        var stackID: String
        var status = "CREATE_COMPLETE"
        var executionStatus = "AVAILABLE"
    }

    private let lock = NSLock()
    private var _stack: Stack?
    private var _changeSets: [String: ChangeSet] = [:]
    private var _requests: [RecordedRequest] = []

    init(stack: Stack? = nil, changeSets: [String: ChangeSet] = [:]) {
        _stack = stack
        _changeSets = changeSets
    }

    var requests: [RecordedRequest] { lock.withLock { _requests } }
    var writes: [RecordedRequest] { requests.filter { !readOnlyActions.contains($0.action) } }
    var stack: Stack? { lock.withLock { _stack } }

    func send(_ request: AWSHTTPRequest) async throws -> AWSHTTPResponse {
        let recorded = decodeQueryRequest(request)
        return lock.withLock {
            _requests.append(recorded)
            return answer(recorded)
        }
    }

    private func answer(_ r: RecordedRequest) -> AWSHTTPResponse {
        func ok(_ inner: String) -> AWSHTTPResponse {
            AWSHTTPResponse(statusCode: 200, body: Data("<\(r.action)Response><\(r.action)Result>\(inner)</\(r.action)Result></\(r.action)Response>".utf8))
        }
        func error(_ status: Int, _ code: String, _ message: String) -> AWSHTTPResponse {
            AWSHTTPResponse(statusCode: status, body: Data("<ErrorResponse><Error><Type>Sender</Type><Code>\(code)</Code><Message>\(message)</Message></Error></ErrorResponse>".utf8))
        }
        let named = r.fields["StackName"]
        let stack = _stack.flatMap { s in named == nil || named == s.name || named == s.id ? s : nil }
        switch r.action {
        case "DescribeStacks":
            guard let s = stack else { return error(400, "ValidationError", "Stack with id \(named ?? "") does not exist") }
            let tags = s.tags.sorted { $0.key < $1.key }.map { "<member><Key>\($0.key)</Key><Value>\($0.value)</Value></member>" }.joined()
            return ok("<Stacks><member><StackId>\(s.id)</StackId><StackName>\(s.name)</StackName><StackStatus>\(s.status)</StackStatus>"
                      + "<CreationTime>\(s.created)</CreationTime>" + (s.updated.map { "<LastUpdatedTime>\($0)</LastUpdatedTime>" } ?? "")
                      + "<Tags>\(tags)</Tags></member></Stacks>")
        case "DescribeStackEvents":
            guard let s = stack else { return error(400, "ValidationError", "Stack with id \(named ?? "") does not exist") }
            return ok("<StackEvents><member><EventId>\(s.lastEvent)</EventId><Timestamp>\(s.updated ?? s.created)</Timestamp>"
                      + "<LogicalResourceId>\(s.name)</LogicalResourceId><ResourceType>AWS::CloudFormation::Stack</ResourceType>"
                      + "<ResourceStatus>\(s.status)</ResourceStatus></member></StackEvents>")
        case "ListStackResources":
            guard let s = stack else { return error(400, "ValidationError", "Stack with id \(named ?? "") does not exist") }
            return ok("<StackResourceSummaries>" + s.resources.map {
                "<member><LogicalResourceId>\($0.logical)</LogicalResourceId><PhysicalResourceId>\($0.physical)</PhysicalResourceId>"
                    + "<ResourceType>\($0.type)</ResourceType><ResourceStatus>CREATE_COMPLETE</ResourceStatus></member>"
            }.joined() + "</StackResourceSummaries>")
        case "DescribeChangeSet":
            let id = r.fields["ChangeSetName"] ?? ""
            guard let c = _changeSets[id] else { return error(404, "ChangeSetNotFound", "ChangeSet [\(id)] does not exist") }
            return ok("<ChangeSetId>\(id)</ChangeSetId><StackId>\(c.stackID)</StackId><Status>\(c.status)</Status>"
                      + "<ExecutionStatus>\(c.executionStatus)</ExecutionStatus><Changes></Changes>")
        case "ExecuteChangeSet":
            let id = r.fields["ChangeSetName"] ?? ""
            guard _changeSets[id]?.executionStatus == "AVAILABLE" else { return error(404, "ChangeSetNotFound", "ChangeSet [\(id)] does not exist") }
            _changeSets[id]?.executionStatus = "EXECUTE_COMPLETE"
            _stack?.status = "UPDATE_COMPLETE"
            _stack?.lastEvent = "event-after-\(id)"
            return ok("")
        default:
            return error(400, "NotPerformed", "the fake records \(r.action) and performs no write")
        }
    }
}

/// Forwards to a real transport (moto on 127.0.0.1) and records each CloudFormation action, to show which writes a flow made.
final class RecordingForwardingTransport: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var _requests: [RecordedRequest] = []
    private let next: any HTTPTransport

    init(_ next: any HTTPTransport = AsyncHTTPClientTransport()) { self.next = next }

    var requests: [RecordedRequest] { lock.withLock { _requests } }
    var writes: [RecordedRequest] { requests.filter { !readOnlyActions.contains($0.action) } }
    func reset() { lock.withLock { _requests = [] } }

    func send(_ request: AWSHTTPRequest) async throws -> AWSHTTPResponse {
        if request.headers["Content-Type"]?.hasPrefix("application/x-www-form-urlencoded") == true {
            let recorded = decodeQueryRequest(request)
            if !recorded.action.isEmpty { lock.withLock { _requests.append(recorded) } }
        }
        return try await next.send(request)
    }
}

func fakeClient(_ transport: any HTTPTransport) -> AWSClient {
    AWSClient(configuration: AWSClientConfiguration(region: "us-east-1", credentialsProvider: AWSCredentials(accessKeyID: "a", secretAccessKey: "b"),
                                                    transport: transport, retryPolicy: .none))
}

/// A client of the test's moto, with what the specs reference as existing: the execution role and the code bundle.
func seededMotoClient(_ server: MotoServer, transport: any HTTPTransport = AsyncHTTPClientTransport()) async throws -> AWSClient {
    let aws = AWSClient(configuration: AWSClientConfiguration(
        region: "us-east-1", endpointOverride: try await server.start(),
        credentialsProvider: AWSCredentials(accessKeyID: "testing", secretAccessKey: "testing"), transport: transport, retryPolicy: .none))
    if try await IAMClient(client: aws).getRole(name: "base-wecare-digital") == nil {
        _ = try await IAMClient(client: aws).createRole(name: "base-wecare-digital", assumeRolePolicyDocument:
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#)
        try await S3Client(client: aws).createBucket(name: "wecare-code")
        try await S3Client(client: aws).putObject(bucket: "wecare-code", key: "wecare-service/bootstrap.zip", body: Data("PK".utf8))
    }
    return aws
}

/// Runs the built `wecare` binary as CI would: test credentials and nothing else of AWS or wecare from this
/// environment (with `today`, `WECARE_TODAY`), from the package root.
func runWecare(_ arguments: [String], today: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
    let p = Process()
    p.executableURL = CLITests.binary
    p.arguments = arguments
    p.currentDirectoryURL = packageRoot
    var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_") && !$0.key.hasPrefix("WECARE_") }
    environment["AWS_ACCESS_KEY_ID"] = "testing"
    environment["AWS_SECRET_ACCESS_KEY"] = "testing"
    environment["AWS_REGION"] = "us-east-1"
    environment["WECARE_TODAY"] = today
    p.environment = environment
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
}
