import ArgumentParser
import SpecLoading

struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the JSON Schema (draft 2020-12) of spec or environment files, for editors.",
        discussion: """
        Made from the same table of sections and keys the loader reads, so an editor that uses it (the YAML language \
        server: `# yaml-language-server: $schema=…`, or its settings) completes and validates exactly what wecare accepts. \
        References, rules and everything across files remain `wecare check`'s. Exit 0, 2 usage errors.
        """)

    @Option(help: "Which files: spec (specs/*.yaml) or environment (environments/*.yaml).") var file: SpecSchema.File = .spec

    func run() throws {
        print(SpecSchema.jsonSchema(file).rendered(), terminator: "")
    }
}

extension SpecSchema.File: ExpressibleByArgument {}
