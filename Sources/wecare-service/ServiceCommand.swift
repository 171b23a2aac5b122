import ArgumentParser
import Foundation

struct WecareService: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wecare-service",
        abstract: "The WECARE.DIGITAL messaging service: HTTP on the embedded default, or a deployed Lambda function.",
        subcommands: [Serve.self, Token.self, Lambda.self, BackfillProviderMarkers.self])
}

@main
enum Main {
    /// In the Lambda bundle the binary itself is `bootstrap`, which the runtime starts without arguments.
    static func main() async {
        let invokedAs = CommandLine.arguments.first.map { URL(fileURLWithPath: $0).lastPathComponent }
        if invokedAs == "bootstrap", CommandLine.arguments.count == 1 {
            await WecareService.main(["lambda"])
        } else {
            await WecareService.main()
        }
    }
}
