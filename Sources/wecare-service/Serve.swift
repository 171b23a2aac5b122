import AWSClient
import ArgumentParser
import Channels
import Foundation
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
        let env = ProcessInfo.processInfo.environment
        let runtime = try await RuntimeEnvironment.make(env: env, dataDir: dataDir)
        let app = Application(router: Routes.router(runtime.context), configuration: .init(address: .hostname(host, port: port)))
        let purge = Task {
            // TTL in SQLite: DynamoDB deletes expired items itself, the embedded store is purged here.
            while !Task.isCancelled {
                _ = try? await runtime.context.deps.store.purgeExpired(now: Date())
                try? await Task.sleep(for: .seconds(600))
            }
        }
        runtime.log.record(.info, "service_start", ["environment": runtime.environment, "sendMode": await runtime.context.settings.value.sendMode.rawValue,
                                                    "address": "http://\(host):\(port)", "dataDir": dataDir])
        // Graceful shutdown: SIGTERM and SIGINT stop accepting and finish in-flight requests.
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
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

        if name == EnvironmentName.local.rawValue {
            let config = Environments.local
            let settings = coreSettings(environment: "local", sendMode: .dryRun, bucket: config.bucket,
                                        incoming: config.prefixes.mediaIncoming, outgoing: config.prefixes.mediaOutgoing)
            let secret = try LocalSigningKey.load(dataDir: dataDir)
            let deps = CoreDependencies(store: store, gateway: LocalChannelGateway(), clock: clock, ids: ids, events: log)
            let context = ServiceContext(deps: deps, settings: RuntimeSettings(settings), verifier: await TokenVerifier.local(secret: secret),
                                         sns: nil, allowDevInbound: true)
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
        let (bucket, incoming, outgoing) = prefixes(loaded.environment)
        let settings = coreSettings(environment: loaded.environment.rawValue, sendMode: loaded.sendMode == .live ? .live : .dryRun,
                                    bucket: bucket, incoming: incoming, outgoing: outgoing)
        let client = AWSClient(configuration: AWSClientConfiguration(region: region,
                                                                     credentialsProvider: CredentialsProviderChain.standard(environment: env)))
        let poolId = env["COGNITO_USER_POOL_ID"] ?? ""
        let jwks = try await fetchJWKS(region: region, poolId: poolId)
        let verifier = try await TokenVerifier.cognito(jwksJSON: jwks, region: region, userPoolId: poolId, clientId: env["COGNITO_APP_CLIENT_ID"])
        let deps = CoreDependencies(store: store, gateway: AWSChannelGateway(client: client), clock: clock, ids: ids, events: log)
        let sns = VerifiedSNS(topicArns: [env["WHATSAPP_EVENTS_TOPIC_ARN"] ?? ""])
        let context = ServiceContext(deps: deps, settings: RuntimeSettings(settings), verifier: verifier, sns: sns, allowDevInbound: false,
                                     mediaLinks: S3MediaLinks(s3: S3Client(client: client)))
        return RuntimeEnvironment(environment: loaded.environment.rawValue, context: context, log: log)
    }

    static func prefixes(_ name: EnvironmentName) -> (String, String, String) {
        switch name {
        case .production: (Environments.production.bucket, Environments.production.prefixes.mediaIncoming, Environments.production.prefixes.mediaOutgoing)
        case .staging: (Environments.staging.bucket, Environments.staging.prefixes.mediaIncoming, Environments.staging.prefixes.mediaOutgoing)
        case .preview: (Environments.preview.bucket, Environments.preview.prefixes.mediaIncoming, Environments.preview.prefixes.mediaOutgoing)
        case .local: (Environments.local.bucket, Environments.local.prefixes.mediaIncoming, Environments.local.prefixes.mediaOutgoing)
        }
    }

    static func coreSettings(environment: String, sendMode: CoreSettings.SendMode, bucket: String, incoming: String, outgoing: String) -> CoreSettings {
        CoreSettings(environment: environment, sendMode: sendMode, allowlist: Messaging.allowlist, metaApiVersion: Messaging.metaApiVersion,
                     smsPoolId: Messaging.smsPoolId, emailSender: Messaging.emailSender, mediaBucket: bucket, incomingPrefix: incoming,
                     outgoingPrefix: outgoing, smsMaxLength: Messaging.smsMaxLength, messageRetention: Schema.Messages.retention.seconds,
                     dlqRetention: Schema.DLQMessages.retention.seconds, auditRetention: Schema.AuditLogs.retention.seconds)
    }

    static func fetchJWKS(region: String, poolId: String) async throws -> String {
        let url = URL(string: "https://cognito-idp.\(region).amazonaws.com/\(poolId)/.well-known/jwks.json")!
        let (data, _) = try await URLSession.shared.data(from: url)
        return String(decoding: data, as: UTF8.self)
    }
}

extension Duration {
    var seconds: TimeInterval { TimeInterval(components.seconds) + TimeInterval(components.attoseconds) / 1e18 }
}

/// JSON log lines on standard output, one per event.
struct JSONLineLog: EventSink {
    let minimum: Int
    init(level: String) {
        minimum = ["DEBUG": 0, "INFO": 1, "WARN": 2, "ERROR": 3][level] ?? 1
    }
    func record(_ level: EventLevel, _ event: String, _ fields: [String: String]) {
        let rank = level == .debug ? 0 : level == .info ? 1 : level == .warning ? 2 : 3
        guard rank >= minimum else { return }
        var object = fields
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
