import AWSClient
import Foundation

/// DynamoDB as the tests need it: moto behind one lock, so that each request is applied whole before the
/// next (as DynamoDB applies each conditional write and transaction atomically; moto does not serialize
/// them), and faults injected on top, each for the next `count` requests of an operation that match:
/// - `appliedThen500`: the request reaches moto and is applied, but the answer is a 500 (the client retries
///   it: the retry must pass or fail its condition harmlessly);
/// - `transactionConflict`: a TransactWriteItems cancelled by a concurrent transaction, nothing applied;
/// - `throttled`: ProvisionedThroughputExceeded, nothing applied;
/// - `staleIndex`: a Query on an index answered with that query's previous answer (an index that has
///   not caught up), or with no items the first time.
final class FaultyDynamoDB: HTTPTransport, @unchecked Sendable {
    enum Fault: Sendable, Equatable { case appliedThen500, transactionConflict, throttled, staleIndex }

    struct Rule {
        var fault: Fault
        var operation: String
        var matching: @Sendable (String) -> Bool
        var count: Int
    }

    private let base: any HTTPTransport
    private let gate = Gate()
    private let lock = NSLock()
    private var rules: [Rule] = []
    private var previous: [Data: AWSHTTPResponse] = [:]
    private var injected: [Fault: Int] = [:]
    private var operations: [String: Int] = [:]

    init(base: any HTTPTransport = AsyncHTTPClientTransport()) { self.base = base }

    /// Injects `fault` on the next `count` requests of `operation` whose body contains `containing` (any, when nil).
    /// A stale answer is for index queries only (a query of the table itself reads consistently or not,
    /// but never from an index that lags).
    func inject(_ fault: Fault, on operation: String, containing: String? = nil, count: Int = 1) {
        let index = fault == .staleIndex
        lock.withLock {
            rules.append(Rule(fault: fault, operation: operation, matching: { body in
                (containing.map(body.contains) ?? true) && (!index || body.contains("\"IndexName\""))
            }, count: count))
        }
    }

    func clear() { lock.withLock { rules.removeAll() } }

    /// How many times each fault was injected.
    var injectedCounts: [Fault: Int] { lock.withLock { injected } }
    func count(of operation: String) -> Int { lock.withLock { operations[operation, default: 0] } }

    func send(_ request: AWSHTTPRequest) async throws -> AWSHTTPResponse {
        let operation = request.headers["X-Amz-Target"].map { String($0.split(separator: ".").last ?? "") } ?? ""
        let body = String(decoding: request.body, as: UTF8.self)
        let fault: Fault? = lock.withLock {
            operations[operation, default: 0] += 1
            guard let i = rules.firstIndex(where: { $0.operation == operation && $0.count > 0 && $0.matching(body) }) else { return nil }
            rules[i].count -= 1
            injected[rules[i].fault, default: 0] += 1
            return rules[i].fault
        }
        switch fault {
        case .transactionConflict:
            let items = (try? JSONSerialization.jsonObject(with: request.body) as? [String: Any])?["TransactItems"] as? [Any] ?? []
            let reasons = (["TransactionConflict"] + Array(repeating: "None", count: max(0, items.count - 1))).joined(separator: ", ")
            return Self.error(400, "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
                              "Transaction cancelled, please refer cancellation reasons for specific reasons [\(reasons)]")
        case .throttled:
            return Self.error(400, "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException", "The level of configured provisioned throughput for the table was exceeded")
        case .staleIndex:
            let stale = lock.withLock { previous[request.body] }
            return stale ?? AWSHTTPResponse(statusCode: 200, body: Data(#"{"Count":0,"Items":[],"ScannedCount":0}"#.utf8))
        case .appliedThen500, nil:
            let response = try await gate.run { try await self.base.send(request) }
            if operation == "Query", body.contains("\"IndexName\"") { lock.withLock { previous[request.body] = response } }
            if fault == .appliedThen500 { return Self.error(500, "com.amazonaws.dynamodb.v20120810#InternalServerError", "Internal server error") }
            return response
        }
    }

    static func error(_ status: Int, _ type: String, _ message: String) -> AWSHTTPResponse {
        AWSHTTPResponse(statusCode: status, headers: ["Content-Type": "application/x-amz-json-1.0"],
                        body: Data("{\"__type\":\"\(type)\",\"message\":\"\(message)\"}".utf8))
    }
}

/// One request at a time, in arrival order.
actor Gate {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        if busy {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            busy = true
        }
        defer {
            if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
        }
        return try await body()
    }
}
