import ArgumentParser
import AWSClient
import Deploy
import Foundation
import Pipeline

struct AdoptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adopt",
        abstract: "Check whether the live resources an environment adopts can be taken into its stack.",
        discussion: """
        Reads, with read-only calls, each table, queue and log group the environment's `adopt:` lists and its stack, \
        and reports per resource: imported as it is, already in the stack, or blocked (missing, a key or FIFO-ness the \
        update would replace, more than one index to add or remove, provisioned billing, managed by another stack, another \
        resource in the stack under its logical id), with what the update after the import changes in place. `wecare plan` and `wecare deploy` \
        do the adoption (a CloudFormation IMPORT change set, then the normal update). \
        Exit 0 nothing blocks, 1 something blocks, 2 usage errors, specs that do not load, and AWS refusing the reads.
        """)

    @Flag(help: "Read the live resources and report what would block (the only mode).") var check = false
    @Option(help: "The environment whose adoption to check (production).") var env: String
    @Option(help: "Stack name (default: the environment's).") var stack: String?
    @Option(help: "Project root holding specs/, environments/ and generated/.") var root: String = "."
    @OptionGroup var aws: AWSOptions

    func validate() throws {
        guard check else { throw ValidationError("`wecare adopt` only checks: run `wecare adopt --check --env NAME`; `wecare plan` and `wecare deploy` adopt") }
    }

    func run() async throws {
        let rootURL = URL(fileURLWithPath: root)
        do {
            let files = try SpecTree.read(root: rootURL)
            // A branch's own copy of an environment deployed per branch creates what it uses: nothing to adopt, and no one stack to read.
            if stack == nil, let declared = try CheckRun.run(files: files, today: Today.string()).platform?.environment(env), declared.isPerBranch,
               declared.adopt.isEmpty {
                print("\(env) adopts nothing: its stack creates every resource")
                return
            }
            let target = try DriftTarget.prepare(.environment(env), files: files, generated: rootURL.appendingPathComponent("generated"),
                                                 stackOverride: stack, today: Today.string())
            let environment = target.platform.environment(target.environment)!
            let adopted = AdoptedResource.find(in: environment, platform: target.platform, template: target.template)
            guard !adopted.isEmpty else {
                print("\(target.environment) adopts nothing: its stack creates every resource")
                return
            }
            let client = try aws.client(defaultRegion: target.region)
            let existing = try await CloudFormationClient(client: client).describeStack(name: target.stack)
            let report = try await AdoptionInspector(client: client).inspect(
                environment: target.environment, stack: target.stack, stackID: existing.map { $0.stackID.isEmpty ? target.stack : $0.stackID }, adopted: adopted,
                checklist: CutoverChecklist.items(platform: target.platform, environment: environment, adopted: adopted))
            print(report.text, terminator: "")
            throw ExitCode(report.exitCode)
        } catch let error as DriftError {
            if case .specsDoNotLoad(_, let report) = error { print(report, terminator: "") }
            FileHandle.standardError.write(Data("wecare: \(error.description)\n".utf8))
            throw ExitCode(2)
        } catch let error as SpecTree.ReadError {
            FileHandle.standardError.write(Data("wecare: \(error.description)\n".utf8))
            throw ExitCode(2)
        } catch let error as ExitCode {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch {
            // A run that could not look (AWS refused, unreachable, no credentials) must never read as "nothing blocks" or "blockers".
            FileHandle.standardError.write(Data("wecare: could not read the live resources: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}
