import ArgumentParser
import Foundation
#if canImport(Glibc)
/// glibc's `mallopt` (declared in malloc.h, which the Glibc module does not export).
@_silgen_name("mallopt") func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
import Hummingbird
import MessagingCore
import Server
import ServiceRuntime
import WecareConfig

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start the HTTP service on the embedded default (`local`): SQLite under .wecare/, DRY_RUN, development tokens.")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Option(help: "Where the SQLite database and the local signing key live (created on first start).") var dataDir = ".wecare"
    @Option(help: "DEBUG logs every request; INFO, WARN or ERROR log less.") var logLevel = "INFO"
    @Option(help: "The markdown the local AI suggestions are ranked from (the specs' ai.knowledgeFolder, relative to the project root).")
    var knowledgeFolder = Messaging.aiKnowledgeFolder

    func run() async throws {
        #if canImport(Glibc)
        // glibc gives each thread that allocates its own arena and keeps freed memory in each; the event
        // loops, the concurrency pool and SQLite's queues would hold many. Two arenas keep RSS flat.
        _ = glibcMallopt(-8 /* M_ARENA_MAX */, 2)
        #endif
        // The deployed environments run as Lambda functions, each from its generated configuration; a process
        // that would serve them all would need a configuration no template gives.
        if let name = ProcessInfo.processInfo.environment["ENVIRONMENT"], name != EnvironmentName.local.rawValue {
            throw ValidationError("serve runs the embedded default (local); ENVIRONMENT=\(name) runs as Lambda functions (`wecare-service lambda`)")
        }
        let log = JSONLineLog(level: logLevel)
        let context = try await LocalService.make(dataDir: dataDir, log: log, knowledgeFolder: knowledgeFolder)
        let app = LocalService.application(context, host: host, port: port, log: log)
        let bulk = context.bulk!
        let settings = await context.settings.value
        // Jobs a previous process left running are resumed before the workers start.
        let recovered = try await BulkService(context.deps, settings: settings, bulk: bulk).recover()
        let metrics = context.metrics
        let stop = BulkWorker.Stop()
        let workers = Task {
            await BulkWorker(context.deps, settings: settings, bulk: bulk) { m in
                metrics.increment("wecare_messages_sent_total", ["channel": m.channel.rawValue, "status": m.status.rawValue,
                                                                 "kind": m.kind == "template" ? "template" : "free_form"])
            }.run(count: settings.bulk.workers, idle: .milliseconds(100), stop: stop)
        }
        let reconcile = Task {
            // The safety net for an error between two steps of a job (a failed enqueue or report write).
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(60))
                _ = try? await BulkService(context.deps, settings: settings, bulk: bulk).reconcile()
            }
        }
        let purge = Task {
            // TTL in SQLite: DynamoDB deletes expired items itself, the embedded store is purged here.
            while !Task.isCancelled {
                _ = try? await context.deps.store.purgeExpired(now: Date())
                try? await Task.sleep(for: .seconds(600))
            }
        }
        log.record(.info, "service_start", ["environment": settings.environment, "sendMode": await context.settings.value.sendMode.rawValue,
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
