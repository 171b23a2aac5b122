import ArgumentParser
import Foundation
import SpecModel

@main
struct Wecare: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wecare",
        abstract: "Check, build and deploy the WECARE.DIGITAL platform from its specs.",
        discussion: """
        Exit status: 0 success, 1 refused or findings, 2 usage errors (unknown option, subcommand or value) and I/O errors. \
        Shell completions: wecare --generate-completion-script bash|zsh|fish.
        """,
        version: WecareVersion.string,
        subcommands: [Check.self, Build.self, Diff.self, Plan.self, DeployCommand.self, DriftCommand.self, Destroy.self, PreviewsCommand.self, AdoptCommand.self, Explain.self, Schema.self])

    /// ArgumentParser's own `main`, with one difference: a usage error exits 2, as the README promises
    /// and CI scripts test, not ArgumentParser's 64 (EX_USAGE).
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let message = unknownSubcommand(arguments) {
            FileHandle.standardError.write(Data("Error: \(message)\nUsage: \(usageString())\n  See 'wecare --help' for more information.\n".utf8))
            Foundation.exit(2)
        }
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }

    /// A first word that is no subcommand, with the closest one suggested; ArgumentParser would only say
    /// "unexpected argument".
    static func unknownSubcommand(_ arguments: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-") else { return nil }
        let names = configuration.subcommands.map { $0._commandName } + ["help"]
        guard !names.contains(first) else { return nil }
        let guess = Spelling.closest(to: first, in: names).map { "; did you mean '\($0)'?" } ?? ""
        return "unknown subcommand '\(first)'\(guess) (subcommands: \(names.joined(separator: ", ")))"
    }
}
