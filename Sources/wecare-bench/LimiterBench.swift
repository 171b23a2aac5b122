import AWSClient
import Foundation
import MessagingCore
import Stores

// `wecare-bench limiter ENDPOINT [seconds] [limit] [processes] [workers]` (scripts/bench-limiter starts
// moto and calls it): creates a RateLimitTrackers table, starts `processes` copies of itself as
// `limiter-worker`, each with its own DynamoDBRateLimiter and `workers` workers taking SMS slots of one
// shared `limit` until the end, then prints the achieved rate and the fullest one-second window.

/// Counts the requests that reach DynamoDB.
final class CountingTransport: HTTPTransport, @unchecked Sendable {
    private let base = AsyncHTTPClientTransport()
    private let lock = NSLock()
    private var sent = 0
    var count: Int { lock.withLock { sent } }

    func send(_ request: AWSHTTPRequest) async throws -> AWSHTTPResponse {
        lock.withLock { sent += 1 }
        return try await base.send(request)
    }
}

func benchClient(_ endpoint: URL, transport: any HTTPTransport = AsyncHTTPClientTransport()) -> AWSClient {
    AWSClient(configuration: AWSClientConfiguration(region: "us-east-1", endpointOverride: endpoint,
                                                    credentialsProvider: AWSCredentials(accessKeyID: "testing", secretAccessKey: "testing"),
                                                    transport: transport, retryPolicy: .none))
}

struct CreateTableInput: Encodable {
    var TableName: String
    var BillingMode = "PAY_PER_REQUEST"
    var AttributeDefinitions = [["AttributeName": "channel", "AttributeType": "S"], ["AttributeName": "windowStart", "AttributeType": "N"]]
    var KeySchema = [["AttributeName": "channel", "KeyType": "HASH"], ["AttributeName": "windowStart", "KeyType": "RANGE"]]
}

func limiterBench(endpoint: URL, seconds: Int, limit: Int, processes: Int, workers: Int) async throws {
    let table = "RateLimitTrackers-bench-\(UUID().uuidString.prefix(8))"
    let _: EmptyShape = try await benchClient(endpoint).json(.dynamoDB, operation: "CreateTable", input: CreateTableInput(TableName: table))
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wecare-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    // Every process starts at the same moment, two seconds from now.
    let start = (Date().timeIntervalSince1970 + 2).rounded(.up)
    let children = try (0..<processes).map { i in
        let child = Process()
        child.executableURL = Bundle.main.executableURL
        child.arguments = ["limiter-worker", endpoint.absoluteString, table, String(limit), String(seconds), String(workers), String(start),
                           directory.appendingPathComponent("\(i)").path]
        try child.run()
        return child
    }
    for child in children { child.waitUntilExit() }
    guard children.allSatisfy({ $0.terminationStatus == 0 }) else { throw CocoaError(.executableLoad) }
    var times: [Double] = []
    var requests = 0
    for i in 0..<processes {
        let lines = try String(contentsOf: directory.appendingPathComponent("\(i)"), encoding: .utf8).split(separator: "\n")
        requests += Int(lines.first ?? "") ?? 0
        times += lines.dropFirst().compactMap { Double($0) }
    }
    // The rate is measured without the first and the last second (the start and the end of a sliding window).
    let middle = times.filter { $0 >= start + 1 && $0 < start + Double(seconds) - 1 }.count
    let achieved = Double(middle) / Double(seconds - 2) / Double(limit) * 100
    let largest = largestWindow(times)
    print("\(processes) processes × \(workers) workers, one limit of \(limit)/s, \(seconds) s, DynamoDB on moto")
    print(String(format: "sends: %d   achieved: %.1f %% of the limit   largest one-second window: %d (limit %d)   DynamoDB requests per send: %.1f",
                 times.count, achieved, largest, limit, Double(requests) / Double(max(1, times.count))))
    if largest > limit { exit(1) }
}

func limiterWorker(endpoint: URL, table: String, limit: Int, seconds: Int, workers: Int, start: Double, output: String) async throws {
    let transport = CountingTransport()
    let limiter = DynamoDBRateLimiter(client: DynamoDBClient(client: benchClient(endpoint, transport: transport)), table: table, limits: RateLimits(sms: limit))
    let end = start + Double(seconds)
    if start > Date().timeIntervalSince1970 { try await Task.sleep(for: .seconds(start - Date().timeIntervalSince1970)) }
    let times = try await withThrowingTaskGroup(of: [Double].self) { group in
        for _ in 0..<workers {
            group.addTask {
                var mine: [Double] = []
                while true {
                    let left = end - Date().timeIntervalSince1970
                    guard left > 0, try await limiter.acquire(channel: .sms, phoneNumberId: nil, within: left) else { return mine }
                    mine.append(Date().timeIntervalSince1970)
                }
            }
        }
        return try await group.reduce(into: []) { $0 += $1 }
    }
    try ([String(transport.count)] + times.map { String($0) }).joined(separator: "\n").write(toFile: output, atomically: true, encoding: .utf8)
}
