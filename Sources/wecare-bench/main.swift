import Channels
import Foundation
import MessagingCore
import Stores
import WecareConfig

// `wecare-bench rate [seconds] [workers]`: bulk jobs sent LIVE to a provider that only records the time
// of each call, through the real pipeline, SQLite store, bulk queue, workers and the shared limiter, with
// the limits of the generated config. For each limit it prints the achieved rate (calls in the first
// `seconds` after the first call, divided by `seconds`) and the largest number of calls in any
// one-second window. Demand always exceeds the limit, so the limiter is what sets the pace.

/// Records when each provider call happened, per rate-limit key.
final class TimingGateway: ChannelGateway, @unchecked Sendable {
    func wireBody(_ request: OutboundRequest) -> String { OutboundWire.body(request) }
    private let lock = NSLock()
    private var calls: [String: [Double]] = [:]
    private let start = ContinuousClock.now

    func send(_ request: OutboundRequest) async throws -> String {
        let seconds = (ContinuousClock.now - start).seconds
        let key: String
        switch request {
        case .whatsapp(let number, _, _): key = "whatsapp:" + number
        case .sms: key = "sms"
        case .email: key = "email"
        }
        return lock.withLock {
            calls[key, default: []].append(seconds)
            return "p-\(calls[key]!.count)"
        }
    }
    func uploadWhatsAppMedia(phoneNumberId: String, bucket: String, key: String) async throws -> String { "m" }
    func downloadWhatsAppMedia(mediaId: String, phoneNumberId: String, bucket: String, key: String) async throws -> (mimeType: String, size: Int?) { ("", nil) }

    var all: [String: [Double]] { lock.withLock { calls } }
}

struct Silent: EventSink { func record(_ level: EventLevel, _ event: String, _ fields: [String: String]) {} }

/// The most calls inside any half-open window [t, t + 1).
func largestWindow(_ times: [Double]) -> Int {
    let sorted = times.sorted()
    var best = 0, start = 0
    for end in sorted.indices {
        while sorted[end] - sorted[start] >= 1 { start += 1 }
        best = max(best, end - start + 1)
    }
    return best
}

struct Scenario {
    var name: String
    var channel: Channel
    /// One job per number; nil for SMS and email.
    var numbers: [String?]
    var limit: Int
    /// Workers for this scenario: one job per number, and a worker sends one recipient at a time, so the
    /// account limit needs at least as many workers as numbers to be reachable at all.
    var workers: Int?
    /// Which recorded keys the limit covers.
    var keys: (String) -> Bool
}

func run(_ scenario: Scenario, seconds: Int, workers defaultWorkers: Int) async throws {
    let workers = scenario.workers ?? defaultWorkers
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wecare-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = try SQLiteStore(path: directory.appendingPathComponent("bench.sqlite").path)
    let gateway = TimingGateway()
    let numbers = scenario.numbers.compactMap { $0 }
    let limits = RateLimits(perWhatsAppNumber: Dictionary(uniqueKeysWithValues: numbers.map { ($0, Messaging.whatsAppRatePerNumber.values.max() ?? 80) }),
                            whatsAppAccount: Messaging.whatsAppAccountRatePerSecond, sms: Messaging.smsRatePerSecond, email: Messaging.emailRatePerSecond)
    let deps = CoreDependencies(store: store, gateway: gateway, clock: SystemClock(), ids: UUIDSource(), events: Silent(), limiter: SlidingWindowLimiter(limits))
    // The tier is not what is measured here: it is raised out of the way.
    let settings = CoreSettings(environment: "bench", sendMode: .live, allowlist: numbers, metaApiVersion: Messaging.metaApiVersion, smsPoolId: "pool",
                                emailSender: "bench@example.com", mediaBucket: "bench", incomingPrefix: "in/", outgoingPrefix: "out/",
                                reportsPrefix: "reports/", bulk: BulkSettings(workers: workers, whatsAppTierLimit: .max / 2))
    let bulk = BulkDependencies(store: store, queue: store, objects: DirectoryObjectStore(root: directory))

    // Enough recipients that no job runs out before the end, whichever limit binds.
    let perNumberDemand = scenario.channel == .whatsapp ? (limits.perWhatsAppNumber.values.max() ?? 0) * (seconds + 3) : 0
    let perJob = max(scenario.limit * (seconds + 3) / scenario.numbers.count + 1, perNumberDemand)
    var jobs: [[String]] = []
    let now = Date()
    for (j, _) in scenario.numbers.enumerated() {
        var ids: [String] = []
        for i in 0..<perJob {
            let c = Contact(id: "c\(j)-\(i)", name: nil, phone: "+1\(String(format: "%03d", j))\(String(format: "%07d", i))", email: "c\(j)-\(i)@example.com",
                            optInWhatsApp: true, optInSms: true, optInEmail: true, createdAt: now, updatedAt: now)
            try await store.insertContact(c)
            ids.append(c.id)
        }
        jobs.append(ids)
    }
    let service = BulkService(deps, settings: settings, bulk: bulk)
    for (ids, number) in zip(jobs, scenario.numbers) {
        let content: BulkContent = switch scenario.channel {
        case .whatsapp: BulkContent(templateName: "bench", phoneNumberId: number)
        case .sms: BulkContent(text: "bench")
        case .email: BulkContent(text: "bench", subject: "bench")
        }
        let job = try await service.create(channel: scenario.channel, recipients: .contacts(ids), content: content, createdBy: "bench")
        if job.needsConfirmation { _ = try await service.confirm(job.job.id) }
    }
    let workerTask = Task { await BulkWorker(deps, settings: settings, bulk: bulk).run(count: workers, idle: .milliseconds(5)) }
    try await Task.sleep(for: .seconds(seconds + 2))
    workerTask.cancel()
    await workerTask.value

    let calls = gateway.all.filter { scenario.keys($0.key) }.flatMap(\.value).sorted()
    guard let first = calls.first else { print("\(scenario.name): no calls"); return }
    let inPeriod = calls.filter { $0 < first + Double(seconds) }.count
    let rate = Double(inPeriod) / Double(seconds)
    let window = largestWindow(calls)
    let verdict = rate >= 0.98 * Double(scenario.limit) && window <= scenario.limit ? "ok" : "MISSED"
    let name = scenario.name.padding(toLength: 34, withPad: " ", startingAt: 0)
    print(name + String(format: " %2d workers  limit %5d/s  achieved %7.1f/s (%5.1f%%)  largest 1 s window %5d  calls %6d  ", workers, scenario.limit, rate,
                               100 * rate / Double(scenario.limit), window, calls.count) + verdict)
}

/// A distinct EUM Social event: one text message from one of 500 senders, to the number the context names.
func event(_ i: Int) -> String {
    let sender = String(format: "9198%08d", i % 500)
    let entry = #"{"id":"1347766229904230","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"919330994400","phone_number_id":"831049713436137"},"contacts":[{"profile":{"name":"Sender"},"wa_id":"\#(sender)"}],"messages":[{"from":"\#(sender)","id":"wamid.BENCH\#(i)","timestamp":"\#(1795000000 + i)","type":"text","text":{"body":"hello \#(i)"}}]}}]}"#
    let quoted = String(data: try! JSONSerialization.data(withJSONObject: [entry], options: []), encoding: .utf8)!.dropFirst().dropLast()
    let context = #"{"MetaPhoneNumberIds":[{"metaPhoneNumberId":"831049713436137","arn":"arn:aws:social-messaging:us-east-1:809904170947:phone-number-id/bench"}]}"#
    return #"{"context":\#(context),"whatsAppWebhookEntry":\#(quoted),"aws_account_id":"809904170947","message_timestamp":"2026-11-22T00:00:00.000000000Z"}"#
}

/// `wecare-bench http-ingest PORT`: the events through a running service's `/dev/inbound`, as fast as 8
/// connections go, then paced at 1,000 requests/s.
func httpIngest(port: UInt16) throws {
    let load = HTTPLoad(port: port, path: "/dev/inbound")
    let events = (0..<30_000).map { Array(event($0).utf8) }
    report("max throughput :", try load.run(Array(events[0..<20_000]), connections: 8), cpu: "load generator only")
    report("at 1,000 req/s :", try load.run(Array(events[20_000...]), connections: 8, rate: 1000))
}

/// `wecare-bench ingest [events] [concurrency]`: inbound events straight into the core and the SQLite
/// store, without HTTP: what the store and the core cost per event.
func ingest(events: Int, concurrency: Int) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wecare-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = try SQLiteStore(path: directory.appendingPathComponent("bench.sqlite").path)
    let deps = CoreDependencies(store: store, gateway: TimingGateway(), clock: SystemClock(), ids: UUIDSource(), events: Silent())
    let settings = CoreSettings(environment: "bench", sendMode: .dryRun, allowlist: [], metaApiVersion: "v20.0", smsPoolId: "pool",
                                emailSender: "bench@example.com", mediaBucket: "bench", incomingPrefix: "in/", outgoingPrefix: "out/")
    let processor = InboundProcessor(deps, settings: settings)
    let payloads = (0..<events).map(event)
    let start = ContinuousClock.now, cpuAtStart = HTTPLoad.processCPU()
    let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
        for lane in 0..<concurrency {
            group.addTask {
                var mine: [Double] = []
                for i in stride(from: lane, to: events, by: concurrency) {
                    let t0 = ContinuousClock.now
                    _ = try await processor.process(payloads[i], eventID: "bench-\(i)")
                    mine.append((ContinuousClock.now - t0).seconds)
                }
                return mine
            }
        }
        return try await group.reduce(into: []) { $0 += $1 }
    }.sorted()
    let seconds = (ContinuousClock.now - start).seconds, cpu = HTTPLoad.processCPU() - cpuAtStart
    let p = { (q: Double) in latencies[min(latencies.count - 1, Int(q * Double(latencies.count)))] * 1000 }
    print(String(format: "core + SQLite, no HTTP: %8.0f events/s  p50 %6.2f ms  p99 %6.2f ms   (%d events, %d at a time)",
                 Double(events) / seconds, p(0.5), p(0.99), events, concurrency))
    print(String(format: "                        %8.0f µs CPU per event", cpu * 1e6 / Double(events)))
}

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "http-ingest", arguments.count > 1, let port = UInt16(arguments[1]) {
    try httpIngest(port: port)
    exit(0)
}
if arguments.first == "sns-ingest" {
    try await snsIngest(port: arguments.count > 1 ? Int(arguments[1]) ?? 18182 : 18182)
    exit(0)
}
if arguments.first == "limiter", arguments.count > 1, let endpoint = URL(string: arguments[1]) {
    let number = { (i: Int, fallback: Int) in arguments.count > i ? Int(arguments[i]) ?? fallback : fallback }
    try await limiterBench(endpoint: endpoint, seconds: number(2, 20), limit: number(3, 50), processes: number(4, 5), workers: number(5, 4))
    exit(0)
}
if arguments.first == "limiter-worker", arguments.count == 8, let endpoint = URL(string: arguments[1]), let limit = Int(arguments[3]),
   let seconds = Int(arguments[4]), let workers = Int(arguments[5]), let start = Double(arguments[6]) {
    try await limiterWorker(endpoint: endpoint, table: arguments[2], limit: limit, seconds: seconds, workers: workers, start: start, output: arguments[7])
    exit(0)
}
if arguments.first == "retrieval" {
    try await retrievalBench(rounds: arguments.count > 1 ? Int(arguments[1]) ?? 10 : 10)
    exit(0)
}
if arguments.first == "ingest" {
    try await ingest(events: arguments.count > 1 ? Int(arguments[1]) ?? 20_000 : 20_000, concurrency: arguments.count > 2 ? Int(arguments[2]) ?? 8 : 8)
    exit(0)
}
guard arguments.first == "rate" else {
    FileHandle.standardError.write(Data("usage: wecare-bench rate [seconds=20] [workers=\(Messaging.bulkWorkerConcurrency)] | ingest [events=20000] [concurrency=8] | http-ingest PORT | sns-ingest [port=18182] | limiter ENDPOINT [seconds=20] [limit=50] [processes=5] [workers=4] | retrieval [rounds=10]\n".utf8))
    exit(2)
}
let seconds = arguments.count > 1 ? Int(arguments[1]) ?? 20 : 20
let workers = arguments.count > 2 ? Int(arguments[2]) ?? Messaging.bulkWorkerConcurrency : Messaging.bulkWorkerConcurrency
let perNumber = Messaging.whatsAppRatePerNumber.values.max() ?? 80
let accountNumbers = Messaging.whatsAppAccountRatePerSecond / perNumber + 2
print("\(seconds) s per limit, limits from the generated config")
let scenarios = [
    Scenario(name: "SMS", channel: .sms, numbers: [nil], limit: Messaging.smsRatePerSecond) { $0 == "sms" },
    Scenario(name: "email", channel: .email, numbers: [nil], limit: Messaging.emailRatePerSecond) { $0 == "email" },
    Scenario(name: "WhatsApp, one number", channel: .whatsapp, numbers: [Messaging.allowlist[0]], limit: perNumber) { $0.hasPrefix("whatsapp:") },
    Scenario(name: "WhatsApp, both allowlisted numbers", channel: .whatsapp, numbers: Messaging.allowlist, limit: perNumber) { $0 == "whatsapp:" + Messaging.allowlist[1] },
    Scenario(name: "WhatsApp account (\(accountNumbers) numbers)", channel: .whatsapp, numbers: (0..<accountNumbers).map { "phone-number-id-bench-\($0)" },
             limit: Messaging.whatsAppAccountRatePerSecond, workers: accountNumbers) { $0.hasPrefix("whatsapp:") },
]
for scenario in scenarios { try await run(scenario, seconds: seconds, workers: workers) }
