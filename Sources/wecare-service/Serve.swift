import AWSClient
import ArgumentParser
import Channels
import Foundation
#if canImport(Glibc)
/// glibc's `mallopt` (declared in malloc.h, which the Glibc module does not export).
@_silgen_name("mallopt") func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import MessagingCore
import Server
import Stores
import WecareConfig

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start the HTTP service. With no ENVIRONMENT set it runs in `local`: SQLite under .wecare/, DRY_RUN, development tokens.")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Option(help: "Where the SQLite database and the local signing key live (created on first start).") var dataDir = ".wecare"

    func run() async throws {
        #if canImport(Glibc)
        // glibc gives each thread that allocates its own arena and keeps freed memory in each; the event
        // loops, the concurrency pool and SQLite's queues would hold many. Two arenas keep RSS flat.
        _ = glibcMallopt(-8 /* M_ARENA_MAX */, 2)
        #endif
        let env = ProcessInfo.processInfo.environment
        let runtime = try await RuntimeEnvironment.make(env: env, dataDir: dataDir)
        let app = Application(router: Routes.router(runtime.context), configuration: .init(address: .hostname(host, port: port)))
        let bulk = runtime.context.bulk!
        let settings = await runtime.context.settings.value
        // Jobs a previous process left running are resumed before the workers start.
        let recovered = try await BulkService(runtime.context.deps, settings: settings, bulk: bulk).recover()
        let metrics = runtime.context.metrics
        let stop = BulkWorker.Stop()
        let workers = Task {
            await BulkWorker(runtime.context.deps, settings: settings, bulk: bulk) { m in
                metrics.increment("wecare_messages_sent_total", ["channel": m.channel.rawValue, "status": m.status.rawValue,
                                                                 "kind": m.kind == "template" ? "template" : "free_form"])
            }.run(count: settings.bulk.workers, idle: .milliseconds(100), stop: stop)
        }
        let reconcile = Task {
            // The safety net for an error between two steps of a job (a failed enqueue or report write).
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(60))
                _ = try? await BulkService(runtime.context.deps, settings: settings, bulk: bulk).reconcile()
            }
        }
        let purge = Task {
            // TTL in SQLite: DynamoDB deletes expired items itself, the embedded store is purged here.
            while !Task.isCancelled {
                _ = try? await runtime.context.deps.store.purgeExpired(now: Date())
                try? await Task.sleep(for: .seconds(600))
            }
        }
        runtime.log.record(.info, "service_start", ["environment": runtime.environment, "sendMode": await runtime.context.settings.value.sendMode.rawValue,
                                                    "address": "http://\(host):\(port)", "dataDir": dataDir,
                                                    "bulkWorkers": String(settings.bulk.workers), "resumedJobs": String(recovered.resumedJobs)])
        // Graceful shutdown: SIGTERM and SIGINT stop accepting and finish in-flight requests; bulk workers
        // finish the recipient they are on and hand their chunk back.
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        stop.request()
        await workers.value
        reconcile.cancel()
        purge.cancel()
    }
}

/// Builds what `serve` runs with, from the process environment: the local default, or an AWS environment
/// validated by the generated loader (failing fast with every missing or invalid variable).
struct RuntimeEnvironment {
    var environment: String
    var context: ServiceContext
    var log: JSONLineLog

    static func make(env: [String: String], dataDir: String) async throws -> RuntimeEnvironment {
        let log = JSONLineLog(level: env["LOG_LEVEL"] ?? "INFO")
        let name = env["ENVIRONMENT"] ?? EnvironmentName.local.rawValue
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: (dataDir as NSString).appendingPathComponent("wecare.sqlite"))
        let clock = SystemClock(), ids = UUIDSource()
        // One limiter for the whole process: every worker and request shares the providers' limits.
        let limits = RateLimits(perWhatsAppNumber: Messaging.whatsAppRatePerNumber, whatsAppAccount: Messaging.whatsAppAccountRatePerSecond,
                                sms: Messaging.smsRatePerSecond, email: Messaging.emailRatePerSecond)
        let limiter = SlidingWindowLimiter(limits)

        if name == EnvironmentName.local.rawValue {
            let config = Environments.local
            let settings = coreSettings(environment: "local", sendMode: .dryRun, bucket: config.bucket,
                                        incoming: config.prefixes.mediaIncoming, outgoing: config.prefixes.mediaOutgoing, reports: config.prefixes.reports)
            let secret = try LocalSigningKey.load(dataDir: dataDir)
            let deps = CoreDependencies(store: store, gateway: LocalChannelGateway(), clock: clock, ids: ids, events: log, limiter: limiter)
            let objects = DirectoryObjectStore(root: URL(fileURLWithPath: dataDir).appendingPathComponent("objects"))
            let context = ServiceContext(deps: deps, settings: RuntimeSettings(settings, store: store), verifier: await TokenVerifier.local(secret: secret),
                                         sns: nil, allowDevInbound: true, bulk: BulkDependencies(store: store, queue: store, objects: objects))
            return RuntimeEnvironment(environment: "local", context: context, log: log)
        }

        // An AWS environment: the generated loader validates every variable, and LIVE only in production.
        let loaded: RuntimeConfig
        do {
            loaded = try ConfigLoader.load(env)
        } catch {
            throw ValidationError("wecare-service \(error.description)")
        }
        var problems: [String] = []
        if env["COGNITO_APP_CLIENT_ID"] == nil { problems.append("COGNITO_APP_CLIENT_ID is missing (the app client the tokens are for)") }
        if env["WHATSAPP_EVENTS_TOPIC_ARN"] == nil { problems.append("WHATSAPP_EVENTS_TOPIC_ARN is missing (the only topic /webhooks/sns accepts)") }
        let region = env["AWS_REGION"] ?? Environments.production.region
        if !problems.isEmpty { throw ValidationError("wecare-service cannot start:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")) }
        guard loaded.sendMode != .live || loaded.environment == .production else {
            throw ValidationError("wecare-service refuses SEND_MODE=LIVE outside production")
        }
        let (bucket, incoming, outgoing, reports) = prefixes(loaded.environment)
        let settings = coreSettings(environment: loaded.environment.rawValue, sendMode: loaded.sendMode == .live ? .live : .dryRun,
                                    bucket: bucket, incoming: incoming, outgoing: outgoing, reports: reports)
        let credentials = CredentialsProviderChain.standard(environment: env)
        let client = AWSClient(configuration: AWSClientConfiguration(region: region, credentialsProvider: credentials))
        // The sending pipeline retries throttling and 5xx itself, under the rate limit: its client does not.
        let sendingClient = AWSClient(configuration: AWSClientConfiguration(region: region, credentialsProvider: credentials, retryPolicy: .none))
        let events = AlertingEvents(log: log, notifier: env["ALERT_TOPIC_ARN"].map { SNSNotifier(sns: SNSClient(client: client), topicArn: $0, environment: loaded.environment.rawValue) })
        let poolId = env["COGNITO_USER_POOL_ID"] ?? ""
        let jwks = try await fetchJWKS(region: region, poolId: poolId)
        let verifier = try await TokenVerifier.cognito(jwksJSON: jwks, region: region, userPoolId: poolId, clientId: env["COGNITO_APP_CLIENT_ID"])
        // The platform's DynamoDB tables when the function is given them (each Lambda function is its own
        // process: only a shared store keeps one truth); the local SQLite file otherwise.
        let dynamodb = DynamoDBClient(client: client)
        let tables = DynamoDBStore.Tables(environment: env)
        let dynamo = tables.any ? DynamoDBStore(client: dynamodb, tables: tables) : nil
        let messagingStore: any MessagingStore = dynamo ?? store
        let bulkStore: any BulkStore = dynamo.flatMap { DynamoDBBulkStore(client: dynamodb, environment: env, messages: $0) } ?? store
        // Functions that send share the limits through RATE_LIMIT_TABLE: each Lambda instance is its own process.
        let sharedLimiter: any RateLimiter = env["RATE_LIMIT_TABLE"].map { DynamoDBRateLimiter(client: dynamodb, table: $0, limits: limits) } ?? limiter
        let deps = CoreDependencies(store: messagingStore, gateway: AWSChannelGateway(client: sendingClient), clock: clock, ids: ids, events: events,
                                    limiter: sharedLimiter)
        let sns = VerifiedSNS(topicArns: [env["WHATSAPP_EVENTS_TOPIC_ARN"] ?? ""])
        // BULK_QUEUE_URL (given to the bulk functions) puts chunks on SQS; without it they queue in SQLite.
        let bulkQueue: any BulkQueue = env["BULK_QUEUE_URL"].map { SQSBulkQueue(sqs: SQSClient(client: client), queueURL: $0) } ?? store
        // What AWS dead-lettered itself (the inbound handler's failed invocations, the bulk queue's redrive)
        // joins the DLQ table when the DLQ is listed or replayed.
        let deadLetters: (any DeadLetterSource)? = env["INBOUND_DLQ_URL"] == nil && env["BULK_DLQ_URL"] == nil ? nil
            : SQSDeadLetters(sqs: SQSClient(client: client), inboundQueueURL: env["INBOUND_DLQ_URL"], bulkQueueURL: env["BULK_DLQ_URL"])
        let settingsStore: any SettingsStore = env["SYSTEM_CONFIG_TABLE"].map { DynamoDBSettingsStore(client: dynamodb, table: $0) } ?? store
        let context = ServiceContext(deps: deps, settings: RuntimeSettings(settings, store: settingsStore), verifier: verifier, sns: sns, allowDevInbound: false,
                                     mediaLinks: S3MediaLinks(s3: S3Client(client: client)),
                                     bulk: BulkDependencies(store: bulkStore, queue: bulkQueue, objects: S3ObjectStore(s3: S3Client(client: client))),
                                     deadLetters: deadLetters)
        return RuntimeEnvironment(environment: loaded.environment.rawValue, context: context, log: log)
    }

    static func prefixes(_ name: EnvironmentName) -> (String, String, String, String) {
        func of<Mode>(_ e: EnvironmentConfig<Mode>) -> (String, String, String, String) {
            (e.bucket, e.prefixes.mediaIncoming, e.prefixes.mediaOutgoing, e.prefixes.reports)
        }
        switch name {
        case .production: return of(Environments.production)
        case .staging: return of(Environments.staging)
        case .preview: return of(Environments.preview)
        case .local: return of(Environments.local)
        }
    }

    static func coreSettings(environment: String, sendMode: CoreSettings.SendMode, bucket: String, incoming: String, outgoing: String,
                             reports: String) -> CoreSettings {
        CoreSettings(environment: environment, sendMode: sendMode, allowlist: Messaging.allowlist, metaApiVersion: Messaging.metaApiVersion,
                     smsPoolId: Messaging.smsPoolId, emailSender: Messaging.emailSender, mediaBucket: bucket, incomingPrefix: incoming,
                     outgoingPrefix: outgoing, smsMaxLength: Messaging.smsMaxLength, messageRetention: Schema.Messages.retention.seconds,
                     dlqRetention: Schema.DLQMessages.retention.seconds, auditRetention: Schema.AuditLogs.retention.seconds,
                     reportsPrefix: reports,
                     bulk: BulkSettings(chunkSize: Messaging.bulkChunkSize, confirmationThreshold: Messaging.bulkConfirmationThreshold,
                                        workers: Messaging.bulkWorkerConcurrency, whatsAppTierLimit: Messaging.whatsAppTierLimit,
                                        tierAlertPercent: Messaging.whatsAppTierAlertPercent))
    }

    static func fetchJWKS(region: String, poolId: String) async throws -> String {
        let url = URL(string: "https://cognito-idp.\(region).amazonaws.com/\(poolId)/.well-known/jwks.json")!
        let (data, _) = try await URLSession.shared.data(from: url)
        return String(decoding: data, as: UTF8.self)
    }
}

/// JSON log lines on standard output, one per event.
struct JSONLineLog: EventSink {
    let minimum: Int
    init(level: String) {
        minimum = ["DEBUG": 0, "INFO": 1, "WARN": 2, "ERROR": 3][level] ?? 1
    }
    func keeps(_ level: EventLevel) -> Bool {
        (level == .debug ? 0 : level == .info ? 1 : level == .warning ? 2 : 3) >= minimum
    }

    func record(_ level: EventLevel, _ event: String, _ fields: [String: String]) {
        guard keeps(level) else { return }
        var object = fields
        if let request = RequestScope.id { object["requestId"] = request }
        object["level"] = level.rawValue
        object["event"] = event
        object["time"] = Date().formatted(.iso8601)
        if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        }
    }
}

/// One-hour pre-signed S3 GET links for stored media (Req: messages read returns media as URLs).
struct S3MediaLinks: MediaLinkSigner {
    let s3: S3Client
    func link(bucket: String, key: String) throws -> URL { try s3.presignedGetObjectURL(bucket: bucket, key: key, expires: 3600) }
}
