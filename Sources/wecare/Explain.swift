import ArgumentParser
import Pipeline
import SpecCheck

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a rule's documentation with its failing and passing example.")

    @Argument(help: "A rule id such as sqs.visibility-timeout.") var rule: String?
    @Flag(help: "List every rule.") var list = false

    func run() throws {
        if list || rule == nil {
            print(RuleDocs.list(), terminator: "")
            return
        }
        guard let found = RuleCatalogue.rule(rule!) else {
            throw ValidationError("unknown rule '\(rule!)'; `wecare explain --list` shows them all")
        }
        print(RuleDocs.explain(found), terminator: "")
    }
}
