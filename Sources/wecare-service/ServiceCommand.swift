import ArgumentParser
import NIOCore
import NIOPosix

@main
struct WecareService: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wecare-service",
        abstract: "The WECARE.DIGITAL messaging service: HTTP on the embedded default, or a Lambda function.",
        subcommands: [Serve.self, Token.self, Lambda.self])

    static func main() async {
        // Swift concurrency runs on NIO's event loops: a request's handler continues on the thread that
        // read it instead of hopping to the cooperative pool and back, which cost more than the handler.
        // Installed first, on the main thread, before anything else is asynchronous, as NIO requires.
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await main(nil)
    }
}
