import ArgumentParser
import AWSClient
import Deploy
import Foundation
import Pipeline
import SpecLoading

struct DeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Deploy a branch to its environment through a CloudFormation change set.",
        discussion: """
        Refuses, before any request to AWS: a branch that deploys nowhere, specs with errors, a generated/ that \
        is not what the specs produce, missing parameters, a --stack named for another environment, and a --plan \
        whose hashes or parameters no longer match. Refuses after read-only requests, before any write: a stack \
        tagged for another environment, an untagged stack with resources (unless --adopt), and a --plan whose \
        stack changed or whose change set is gone. Data-loss and security changes need --allow. \
        Exit 0 deployed (or nothing to change), 1 refused or failed, 2 usage errors.
        """)

    @OptionGroup var target: TargetOptions
    @OptionGroup var aws: AWSOptions
    @Option(help: "A plan written by `wecare plan --out`: execute its change set; refuse when anything it was made from changed.") var plan: String?
    @Flag(help: "Execute without asking.") var yes = false
    @Option(name: .customLong("allow"), help: "Allow changes of this risk class (repeatable): data-loss, security.") var allow: [AllowedRisk] = []
    @Flag(help: "Take over a stack that has resources but no wecare tags (a stack deployed before wecare tagged its stacks).") var adopt = false
    @Flag(help: "Create the resources the spec adopts, in an account that has none of them (an emulator without imports); refused for any that exists.")
    var createAdopted = false

    func run() async throws {
        try await Self.guarded {
            let inputs = try Self.inputs(target, adopt: adopt, createAdopted: createAdopted)
            let reviewed = try plan.map { try DeployPlan.read(from: URL(fileURLWithPath: $0)) }
            let yes = self.yes
            let aws = self.aws
            let result = try await DeployFlow.deploy(inputs, reviewed: reviewed, allow: Set(allow),
                                                     makeDeployer: { Self.deployer(try aws.client(defaultRegion: $0.region)) }) { plan in
                print(plan.text, terminator: "")
                if yes { return true }
                guard isatty(STDIN_FILENO) == 1 else {
                    print("not a terminal and no --yes: refusing to execute")
                    return false
                }
                print("Execute this change set? Type 'yes' to continue: ", terminator: "")
                return readLine()?.trimmingCharacters(in: .whitespaces) == "yes"
            }
            if result.verdict == .noChanges {
                print(result.text, terminator: "")
            } else {
                print("deployed \(result.environment) (stack \(result.stack))")
            }
        }
    }

    static func inputs(_ options: TargetOptions, adopt: Bool, createAdopted: Bool = false) throws -> DeployFlow.Inputs {
        let root = URL(fileURLWithPath: options.root)
        return DeployFlow.Inputs(branch: options.branch, files: try SpecTree.read(root: root), generated: root.appendingPathComponent("generated"),
                                 parameters: try options.parameterValues(), stack: options.stack, today: Today.string(), adopt: adopt,
                                 createAdopted: createAdopted)
    }

    static func deployer(_ client: AWSClient) -> Deployer {
        let progress: any DeployProgress = isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["CI"] == nil
            ? TerminalProgress(write: { FileHandle.standardOutput.write(Data($0.utf8)) })
            : LineProgress(write: { print($0) })
        return Deployer(cloudFormation: .init(client: client), progress: progress)
    }

    /// Maps refusals and failures to a message and exit 1; usage problems (and a --plan that is no plan) exit 2.
    static func guarded(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as DeployError {
            switch error {
            case .specErrors(_, let report): print(report, terminator: "")
            case .drift(let diff): print(diff, terminator: "")
            case .stackFailed(_, let failures):
                print("failing events:")
                for f in failures { print("  \(f)") }
            default: break
            }
            FileHandle.standardError.write(Data("wecare: \(error.description)\n".utf8))
            // A --plan that is no plan is a bad value, like any other usage error.
            if case .planUnreadable = error { throw ExitCode(2) }
            throw ExitCode(1)
        } catch let error as SpecTree.ReadError {
            FileHandle.standardError.write(Data("wecare: \(error.description)\n".utf8))
            throw ExitCode(2)
        } catch let error as ValidationError {
            throw error
        } catch let error as ExitCode {
            throw error
        } catch {
            FileHandle.standardError.write(Data("wecare: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

extension AllowedRisk: ExpressibleByArgument {}
