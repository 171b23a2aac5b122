import AWSClient
import Channels
import Foundation
import MessagingCore
import Server
import Stores
import WecareConfig

/// A deployed function's service, built from its generated configuration and nothing else: the tables,
/// queues, bucket and prefixes its handler declares, read from the variables its template gives it.
/// Nothing is fetched at start-up; API callers were authenticated by API Gateway's JWT authorizer.
public enum FunctionService {
    /// - Parameter processEnvironment: read only by the AWS client, as every AWS SDK does: credentials
    ///   (`AWS_ACCESS_KEY_ID`…, set by Lambda) and endpoint overrides (`AWS_ENDPOINT_URL`…).
    public static func make(_ config: FunctionConfig, processEnvironment: [String: String], log: JSONLineLog,
                            transport: (any HTTPTransport)? = nil) throws(EndpointConfigurationError) -> ServiceContext {
        let runtime = config.runtime
        var configuration = try AWSClientConfiguration(region: runtime.environment.region, environment: processEnvironment,
                                                       credentialsProvider: CredentialsProviderChain.standard(environment: processEnvironment))
        if let transport { configuration.transport = transport }
        let aws = AWSClient(configuration: configuration)
        // The sending pipeline retries throttling and 5xx itself, under the rate limit: its client does not.
        configuration.retryPolicy = .none
        let sending = AWSClient(configuration: configuration)
        let dynamodb = DynamoDBClient(client: aws)
        let store = DynamoDBStore(client: dynamodb, tables: .init(contacts: config.table(.contacts), messages: config.table(.messages),
                                                                  mediaFiles: config.table(.mediaFiles), dlq: config.table(.dlqMessages),
                                                                  audit: config.table(.auditLogs)))
        // Functions that send share the providers' limits through RateLimitTrackers: each Lambda instance is its own process.
        let limiter: any RateLimiter = config.table(.rateLimitTrackers).map { DynamoDBRateLimiter(client: dynamodb, table: $0, limits: .configured) }
            ?? SlidingWindowLimiter(.configured)
        let events = EmbeddedMetrics(log: log, environment: runtime.environment.rawValue)
        let deps = CoreDependencies(store: store, gateway: AWSChannelGateway(client: sending), clock: SystemClock(), ids: UUIDSource(), events: events,
                                    limiter: limiter)
        let settings = CoreSettings.from(environment: runtime.environment.rawValue, sendMode: runtime.sendMode == .live ? .live : .dryRun,
                                         bucket: config.bucket(.media) ?? "", incoming: config.keyPrefix(.mediaIncoming) ?? "",
                                         outgoing: config.keyPrefix(.mediaOutgoing) ?? "", reports: config.keyPrefix(.reports) ?? "")
        let sqs = SQSClient(client: aws)
        let s3 = S3Client(client: aws)
        var bulk: BulkDependencies?
        if let jobs = config.table(.bulkJobs), let recipients = config.table(.bulkRecipients) {
            let queue: any BulkQueue = config.queueURL(.bulkQueue).map { SQSBulkQueue(sqs: sqs, queueURL: $0) } ?? NoBulkQueue()
            bulk = BulkDependencies(store: DynamoDBBulkStore(client: dynamodb, jobsTable: jobs, recipientsTable: recipients, messages: store),
                                    queue: queue, objects: S3ObjectStore(s3: s3))
        }
        // What AWS dead-lettered itself (the inbound handler's failed invocations, the bulk queue's redrive)
        // joins the DLQ table when the DLQ is listed or replayed.
        let inboundDLQ = config.queueURL(.inboundDlq), bulkDLQ = config.queueURL(.bulkDlq)
        let deadLetters: (any DeadLetterSource)? = inboundDLQ == nil && bulkDLQ == nil ? nil
            : SQSDeadLetters(sqs: sqs, inboundQueueURL: inboundDLQ, bulkQueueURL: bulkDLQ)
        let settingsStore: (any SettingsStore)? = config.table(.systemConfig).map { DynamoDBSettingsStore(client: dynamodb, table: $0) }
        // AI suggestions: each piece only where the handler declares what it needs (the review routes the
        // table, ai-query-kb the knowledge base, ai-generate-response the agent, the inbound path the function).
        let knowledgeBase = config.value(.knowledgeBase(.wecare))
        let agent = config.value(.agent(.wecare))
        let ai = AIDependencies(
            store: config.table(.aiInteractions).map { DynamoDBAIInteractionStore(client: dynamodb, table: $0) },
            provider: knowledgeBase == nil && agent == nil ? nil
                : BedrockSuggestionProvider(client: aws, knowledgeBaseID: knowledgeBase, agentID: agent,
                                            agentAliasID: config.value(.agent(.wecare, .alias)),
                                            foundationModel: config.value(.agent(.wecare, .model)),
                                            passages: settings.ai.passages),
            queue: config.functionName(.aiQueryKb).map { LambdaSuggestionQueue(client: aws, functionName: $0) },
            handoff: config.functionName(.aiGenerateResponse).map { LambdaRetrievalHandoff(client: aws, functionName: $0) })
        var context = ServiceContext(deps: deps, settings: RuntimeSettings(settings, store: settingsStore), authenticator: .authorizerClaims,
                                     sns: nil, allowDevInbound: false, mediaLinks: config.bucket(.media).map { _ in S3MediaLinks(s3: s3) },
                                     media: config.keyPrefix(.mediaOutgoing).map { _ in S3ObjectStore(s3: s3) }, bulk: bulk, deadLetters: deadLetters, ai: ai)
        // The web UI signs in through Cognito's hosted UI with the app client the template was given
        // (UserPoolClientId); a function deployed without it says sign-in is not configured.
        let ui = Environments.webUI(runtime.environment)
        let clientId = config.value(.userPool(.wecare, .clientId)).flatMap { $0.isEmpty ? nil : $0 }
        context.ui = WebUISettings(links: ui.links, signIn: .cognito(domain: ui.signInDomain, region: ui.region, userPoolId: ui.userPoolId, clientId: clientId))
        return context
    }
}

/// One-hour pre-signed S3 GET links for stored media (messages are read with their media as URLs).
struct S3MediaLinks: MediaLinkSigner {
    let s3: S3Client
    func link(bucket: String, key: String) async throws -> URL { try await s3.presignedGetObjectURL(bucket: bucket, key: key, expires: 3600) }
}

/// The bulk queue of a function that is not given one: the worker is triggered by the queue and never
/// writes to it; any call here is a handler reaching past its declared needs.
struct NoBulkQueue: BulkQueue {
    struct NotGiven: Error, CustomStringConvertible {
        var description: String { "this function's handler was not given the bulk queue (declare it under the handler's needs in specs/handlers.yaml)" }
    }
    func enqueue(_ chunks: [BulkChunk]) async throws { throw NotGiven() }
    func receive(visibility: TimeInterval, now: Date) async throws -> QueuedChunk? { throw NotGiven() }
    func delete(_ chunk: QueuedChunk) async throws { throw NotGiven() }
    func retry(_ chunk: QueuedChunk, at: Date) async throws { throw NotGiven() }
    func park(_ chunk: QueuedChunk) async throws -> Bool { throw NotGiven() }
    func unpark(jobId: String) async throws { throw NotGiven() }
    func deleteAll(jobId: String) async throws { throw NotGiven() }
    func releaseInFlight() async throws { throw NotGiven() }
}
