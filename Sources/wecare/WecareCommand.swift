import ArgumentParser

@main
struct Wecare: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wecare",
        abstract: "Check, build and deploy the WECARE.DIGITAL platform from its specs.",
        subcommands: [Check.self, Build.self, Diff.self, Plan.self, DeployCommand.self, Explain.self])
}
