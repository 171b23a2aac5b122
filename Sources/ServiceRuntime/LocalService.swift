import Channels
import Foundation
import Hummingbird
import MessagingCore
import Server
import Stores
import WecareConfig

/// The embedded default (`serve` with no ENVIRONMENT): the `local` environment of the specs on SQLite
/// under the data folder, DRY_RUN, development tokens, reports in a local folder.
public enum LocalService {
    /// The embedded default's HTTP server over `context`: the route table, `serve`'s HTTP/1.1 settings and
    /// event loops, Hummingbird's log in the service's JSON lines. One home, so that the ingestion benchmark
    /// serves exactly what `serve` does.
    public static func application(_ context: ServiceContext, host: String, port: Int, log: JSONLineLog) -> some ApplicationProtocol {
        Application(router: Routes.router(context), server: HTTPServerSettings.http1(), configuration: .init(address: .hostname(host, port: port)),
                    eventLoopGroupProvider: HTTPServerSettings.eventLoops, logger: EventSinkLogHandler.logger("Hummingbird", sink: log))
    }

    /// - Parameters:
    ///   - knowledgeFolder: the markdown the local suggestion provider ranks (the specs' `ai.knowledgeFolder`).
    ///   - provider, gateway: replace the local provider and channel gateway (tests count their calls).
    public static func make(dataDir: String, log: JSONLineLog, knowledgeFolder: String = Messaging.aiKnowledgeFolder,
                            provider: (any SuggestionProvider)? = nil, gateway: (any ChannelGateway)? = nil) async throws -> ServiceContext {
        let config = Environments.local
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: (dataDir as NSString).appendingPathComponent("wecare.sqlite"))
        let settings = CoreSettings.from(environment: config.name.rawValue, sendMode: .dryRun, bucket: config.bucket,
                                         incoming: config.prefixes.mediaIncoming, outgoing: config.prefixes.mediaOutgoing, reports: config.prefixes.reports)
        // One limiter for the whole process: every worker and request shares the providers' limits.
        // The core's events go to the log and to the web UI's open event streams.
        let live = LiveEvents(forwardingTo: log)
        let deps = CoreDependencies(store: store, gateway: gateway ?? LocalChannelGateway(), clock: SystemClock(), ids: UUIDSource(), events: live,
                                    limiter: SlidingWindowLimiter(.configured))
        let objects = DirectoryObjectStore(root: URL(fileURLWithPath: dataDir).appendingPathComponent("objects"))
        let runtimeSettings = RuntimeSettings(settings, store: store)
        // AI suggestions: BM25 over the knowledge folder, worked by a task of this process (never on the inbound path).
        let suggestions = InProcessSuggestionQueue()
        let ai = AIDependencies(store: store, provider: try provider ?? LocalSuggestionProvider(documents: KnowledgeFolder.documents(at: knowledgeFolder),
                                                                                                 passages: settings.ai.passages),
                                queue: suggestions)
        await suggestions.start { id in
            await AISuggestionService(deps, settings: await runtimeSettings.value, ai: ai).suggestOrDeadLetter(messageId: id)
        }
        let secret = try LocalSigningKey.load(dataDir: dataDir)
        var context = ServiceContext(deps: deps, settings: runtimeSettings, verifier: await TokenVerifier.local(secret: secret),
                                     sns: nil, allowDevInbound: true, media: objects, bulk: BulkDependencies(store: store, queue: store, objects: objects), ai: ai)
        context.ui = WebUISettings(links: Environments.webUI(.local).links, signIn: .development)
        context.live = live
        context.devTokenSecret = secret
        return context
    }
}
