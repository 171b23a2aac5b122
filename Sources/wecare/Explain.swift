import ArgumentParser
import Pipeline
import SpecCheck
import SpecModel

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a rule's documentation with its failing and passing example.")

    @Argument(help: "A rule id such as sqs.visibility-timeout.") var rule: String?
    @Flag(help: "List every rule.") var list = false
    @Flag(help: "Print the rule catalogue as Markdown (as in README.md).") var markdown = false

    func run() throws {
        if markdown {
            print(RuleDocs.markdownCatalogue(), terminator: "")
            return
        }
        if list || rule == nil {
            print(RuleDocs.list(), terminator: "")
            return
        }
        guard let found = RuleCatalogue.rule(rule!) else {
            let guess = Spelling.closest(to: rule!, in: RuleCatalogue.all.map(\.id)).map { "did you mean '\($0)'? " } ?? ""
            throw ValidationError("unknown rule '\(rule!)'; \(guess)`wecare explain --list` shows them all")
        }
        print(RuleDocs.explain(found), terminator: "")
    }
}
