import ArgumentParser
import Deploy
import Foundation
import Pipeline
import SpecLoading
import SpecModel

struct Destroy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove a branch's own preview stack (environments deployed per branch only).",
        discussion: """
        Refuses, before any request to AWS, a branch whose environment is not deployed per branch (staging and \
        production are never destroyed by wecare). Refuses, after DescribeStacks alone, a stack whose tags do not say it \
        is this branch's copy (wecare:environment and wecare:branch). Lists what the stack holds, asks (or --yes), \
        deletes it and follows it to DELETE_COMPLETE. \
        Exit 0 deleted or nothing to delete, 1 refused, declined or failed, 2 usage errors.
        """)

    @Option(help: "The git branch whose preview to remove.") var branch: String
    @Option(help: "Project root holding specs/ and environments/.") var root: String = "."
    @Flag(help: "Delete without asking.") var yes = false
    @OptionGroup var aws: AWSOptions

    func run() async throws {
        try await DeployCommand.guarded {
            let target = try DestroyTarget.prepare(branch: branch, files: try SpecTree.read(root: URL(fileURLWithPath: root)), today: Today.string())
            let deployer = DeployCommand.deployer(try aws.client(defaultRegion: target.region))
            let yes = self.yes
            let outcome = try await deployer.destroy(target) { _ in
                if yes { return true }
                guard isatty(STDIN_FILENO) == 1 else {
                    print("not a terminal and no --yes: refusing to delete")
                    return false
                }
                print("Delete this stack and everything in it? Type 'yes' to continue: ", terminator: "")
                return readLine()?.trimmingCharacters(in: .whitespaces) == "yes"
            }
            switch outcome {
            case .deleted: print("destroyed \(target.environment) of branch '\(target.branch)' (stack \(target.stack))")
            case .nothingToDestroy: print("branch '\(target.branch)' has no \(target.environment) (no stack \(target.stack)): nothing to destroy")
            case .notConfirmed:
                FileHandle.standardError.write(Data("wecare: not confirmed: nothing was deleted\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}

struct PreviewsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "previews",
        abstract: "List the branches' own preview stacks, with their age, so CI can remove those of merged branches.",
        discussion: """
        Lists every stack tagged as a branch's copy of an environment deployed per branch (one DescribeStacks listing). \
        Exit 0 listed, 1 AWS failed, 2 usage errors.
        """)

    @Option(help: "Output format: text or json.") var format: String = "text"
    @Option(help: "Print the naming prefix of this branch's own copy (its physical names start with it) and stop; no request to AWS.")
    var prefixOf: String?
    @Option(help: "Project root holding specs/ and environments/.") var root: String = "."
    @OptionGroup var aws: AWSOptions

    func validate() throws {
        guard ["text", "json"].contains(format) else { throw ValidationError("unknown format '\(format)'; use text or json") }
    }

    func run() async throws {
        try await DeployCommand.guarded {
            let check = try CheckRun.run(files: try SpecTree.read(root: URL(fileURLWithPath: root)), today: Today.string())
            guard let platform = check.platform else { throw DeployError.specErrors(count: check.report.errorCount, report: check.render(.text)) }
            if let branch = prefixOf {
                guard let environment = BranchRules.environment(for: branch, in: platform.environments) else { throw DeployError.branchDeploysNowhere(branch) }
                print(StackNaming.slug(of: branch, in: environment).map { environment.instance(slug: $0).prefix.value } ?? environment.prefix.value)
                return
            }
            let client = try aws.client(defaultRegion: platform.region.value)
            let previews = try await Previews.list(.init(client: client), environments: platform.environments)
            print(format == "json" ? Previews.json(previews, now: Date()) : Previews.text(previews, now: Date()), terminator: "")
        }
    }
}
