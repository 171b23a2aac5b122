import ArgumentParser
import AWSClient
import Deploy
import Foundation
import Pipeline
import SpecLoading
import SpecModel

struct DriftCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Compare what runs with the specs: resource drift, the deployed template, the execution role's policies.",
        discussion: """
        Compares one environment's stack (named as plan and deploy name it; a stack tagged for another environment is \
        refused): CloudFormation's drift detection on its resources (changed or deleted by hand), the deployed template \
        against generated/cloudformation/<env>.json, and the execution role's inline and managed policies against \
        generated/iam/<env>.json. Nothing in the stack or the role is changed. \
        Exit 0 no drift, 1 drift found, 2 usage or I/O errors, or a part that could not be compared and no drift elsewhere. \
        With --watch it runs until interrupted and prints each change once (a drift that appears, one that goes away).
        """)

    @Option(help: "The environment to compare (preview, staging, production).") var env: String?
    @Option(help: "Or the git branch whose environment to compare, as `deploy` picks it.") var branch: String?
    @Option(help: "Stack name (default: the environment's).") var stack: String?
    @Option(help: "Output format: text, json, markdown.") var format: String = "text"
    @Option(help: "Compare again every INTERVAL (30s, 15m, 1h) and report each change once, until interrupted.") var watch: String?
    @Option(help: "With --watch, also publish each change to this SNS topic.") var alertTopic: String?
    @Option(help: "Project root holding specs/, environments/ and generated/.") var root: String = "."
    @OptionGroup var aws: AWSOptions

    func validate() throws {
        guard (env == nil) != (branch == nil) else { throw ValidationError("give one of --env NAME and --branch BRANCH") }
        guard DriftFormat(rawValue: format) != nil else {
            throw ValidationError("unknown format '\(format)'; use \(DriftFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let watch {
            guard let interval = SpecDuration(parsing: watch), interval.seconds > 0 else {
                throw ValidationError("--watch takes an interval such as 30s, 15m or 1h, got '\(watch)'")
            }
            guard format != DriftFormat.markdown.rawValue else { throw ValidationError("--watch prints one line per change: use --format text or json") }
        }
        if alertTopic != nil, watch == nil { throw ValidationError("--alert-topic goes with --watch") }
        if let alertTopic, !alertTopic.hasPrefix("arn:") { throw ValidationError("--alert-topic takes a topic ARN, got '\(alertTopic)'") }
    }

    func run() async throws {
        let selector: DriftTarget.Selector = env.map { .environment($0) } ?? .branch(branch!)
        let format = DriftFormat(rawValue: format)!
        let rootURL = URL(fileURLWithPath: root), stack = self.stack
        @Sendable func target() throws -> DriftTarget {
            try DriftTarget.prepare(selector, files: try SpecTree.read(root: rootURL), generated: rootURL.appendingPathComponent("generated"),
                                    stackOverride: stack, today: Today.string())
        }
        do {
            let first = try target()
            let client = try aws.client(defaultRegion: first.region)
            let inspector = DriftInspector(client: client)
            guard let watch, let interval = SpecDuration(parsing: watch) else {
                let report = try await inspector.inspect(first)
                print(format.render(report), terminator: "")
                throw ExitCode(report.exitCode)
            }
            // A stack that is missing or another environment's is refused here, not watched.
            _ = try await inspector.admit(first)
            let json = format == .json
            let watcher = DriftWatch(
                environment: first.environment, interval: .seconds(interval.seconds),
                // The specs are read again each round: a watch that outlives a deployment compares with what is checked out now.
                inspect: { try await inspector.inspect(try target()) },
                emit: { FileHandle.standardOutput.write(Data(((json ? DriftWatch.json($0) : DriftWatch.line($0)) + "\n").utf8)) },
                alerts: alertTopic.map { SNSDriftAlerts(sns: SNSClient(client: client), topicARN: $0) },
                warn: { FileHandle.standardError.write(Data("wecare: \($0)\n".utf8)) })
            if !json { FileHandle.standardOutput.write(Data("watching \(first.environment) (stack \(first.stack)) every \(interval); interrupt to stop\n".utf8)) }
            try await watcher.run()
        } catch let error as DriftError {
            if case .specsDoNotLoad(_, let report) = error { print(report, terminator: "") }
            FileHandle.standardError.write(Data("wecare: \(error.description)\n".utf8))
            throw ExitCode(2)
        } catch let error as SpecTree.ReadError {
            FileHandle.standardError.write(Data("wecare: \(error.description)\n".utf8))
            throw ExitCode(2)
        }
    }
}
