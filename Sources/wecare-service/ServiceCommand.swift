import ArgumentParser

@main
struct WecareService: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wecare-service",
        abstract: "The WECARE.DIGITAL messaging service: HTTP on the embedded default, or a Lambda function.",
        subcommands: [Serve.self, Token.self, Lambda.self])
}
