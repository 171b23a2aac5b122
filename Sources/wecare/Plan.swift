import ArgumentParser
import Deploy
import Foundation
import Pipeline

struct Plan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what deploying a branch would change (a CloudFormation change set), without executing it.",
        discussion: """
        With --out the change set is kept and the plan binds it: `wecare deploy --plan` executes exactly that change set. \
        Exit 0 with a plan, 1 when the deployment is refused or AWS fails, 2 on usage errors.
        """)

    @OptionGroup var target: TargetOptions
    @OptionGroup var aws: AWSOptions
    @Option(help: "Write the plan to this JSON file for `deploy --plan`, and keep its change set.") var out: String?
    @Flag(help: "Take over a stack that has resources but no wecare tags (a stack deployed before wecare tagged its stacks).") var adopt = false
    @Flag(help: "Create the resources the spec adopts, in an account that has none of them (an emulator without imports); refused for any that exists.")
    var createAdopted = false

    func run() async throws {
        try await DeployCommand.guarded {
            let inputs = try DeployCommand.inputs(target, adopt: adopt, createAdopted: createAdopted)
            let plan = try await DeployFlow.plan(inputs, keep: out != nil) { DeployCommand.deployer(try aws.client(defaultRegion: $0.region)) }
            print(plan.text, terminator: "")
            if let out {
                try plan.json.write(toFile: out, atomically: true, encoding: .utf8)
                print("plan written to \(out)" + (plan.changeSetID.map { "; change set \($0) is kept for `wecare deploy --plan \(out)`" } ?? ""))
            }
        }
    }
}
