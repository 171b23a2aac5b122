import SpecModel

/// AI reply suggestions (Req 15): the embedded default's knowledge folder and the size of a question.
enum AIRules {
    static let all: [Rule] = [knowledgeFolder, limits]

    static let knowledge = "# Opening hours\n\n## Weekdays\nWe answer from 9 to 5.\n"

    static let knowledgeFolder = Rule(
        id: RuleID.aiKnowledgeFolder, family: "AI", summary: "The knowledge folder is inside the project and holds markdown",
        documentation: "The embedded default (`serve`) proposes replies from the markdown files of `ai.knowledgeFolder`, a folder relative to the project root. An absolute path or one that leaves the project (`..`) depends on the machine; a folder without any `.md` file (missing, misspelt or empty) leaves every suggestion empty.",
        failing: [RuleExample("specs/ai.yaml", "ai:\n  knowledgeFolder: ↓knowledge\n  passages: 3\n  recentMessages: 6\n")],
        passing: [RuleExample("specs/ai.yaml", "ai:\n  knowledgeFolder: knowledge\n  passages: 3\n  recentMessages: 6\n"),
                  RuleExample("knowledge/hours.md", knowledge)],
        check: .platform { p in
            guard let ai = p.ai else { return [] }
            let folder = ai.knowledgeFolder
            if folder.value.hasPrefix("/") || folder.value.split(separator: "/").contains("..") {
                return [Diagnostic(RuleID.aiKnowledgeFolder, folder.location, "knowledge folder '\(folder.value)' is not inside the project",
                                   hint: "give a path relative to the project root, e.g. `knowledgeFolder: knowledge`")]
            }
            if ai.knowledgeFiles.isEmpty {
                return [Diagnostic(RuleID.aiKnowledgeFolder, folder.location, "knowledge folder '\(folder.value)' holds no markdown (.md) file",
                                   hint: "create the folder with at least one .md file, or fix its name")]
            }
            return []
        })

    static let limits = Rule(
        id: RuleID.aiLimits, family: "AI", summary: "A question takes 1 to 10 passages and 0 to 20 earlier messages",
        documentation: "Each passage and each earlier message of the conversation is sent to the provider with the question: no passage leaves nothing to suggest from, and many make slow, costly requests that carry more of a customer's conversation than a reply needs.",
        failing: [RuleExample("specs/ai.yaml", "ai:\n  knowledgeFolder: knowledge\n  passages: ↓0\n  recentMessages: 6\n"),
                  RuleExample("knowledge/hours.md", knowledge)],
        passing: [RuleExample("specs/ai.yaml", "ai:\n  knowledgeFolder: knowledge\n  passages: 3\n  recentMessages: 6\n"),
                  RuleExample("knowledge/hours.md", knowledge)],
        check: .platform { p in
            guard let ai = p.ai else { return [] }
            var out: [Diagnostic] = []
            if !(1...10).contains(ai.passages.value) {
                out.append(Diagnostic(RuleID.aiLimits, ai.passages.location, "passages is \(ai.passages.value); a question takes 1 to 10", hint: "set `passages: 3`"))
            }
            if !(0...20).contains(ai.recentMessages.value) {
                out.append(Diagnostic(RuleID.aiLimits, ai.recentMessages.location, "recentMessages is \(ai.recentMessages.value); a question takes 0 to 20",
                                      hint: "set `recentMessages: 6`"))
            }
            return out
        })
}
