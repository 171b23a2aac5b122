import ArgumentParser
import Deploy
import Foundation
import Pipeline

struct Plan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what deploying a branch would change (a CloudFormation change set), without executing it.",
        discussion: "Exit 0 with a plan, 1 when the deployment is refused or AWS fails, 2 on usage errors.")

    @OptionGroup var target: TargetOptions
    @OptionGroup var aws: AWSOptions
    @Option(help: "Write the plan (hashes, environment, branch, verdict, changes) to this JSON file for `deploy --plan`.") var out: String?

    func run() async throws {
        try await DeployCommand.guarded {
            let inputs = try DeployCommand.inputs(target)
            let plan = try await DeployFlow.plan(inputs) { DeployCommand.deployer(try aws.client(defaultRegion: $0.region)) }
            print(plan.text, terminator: "")
            if let out {
                try plan.json.write(toFile: out, atomically: true, encoding: .utf8)
                print("plan written to \(out)")
            }
        }
    }
}
