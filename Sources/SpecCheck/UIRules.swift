import SpecModel

/// The web UI's links out (`ui.links` of an environment): Pay, Link, Forms, Docs and Invoice.
enum UIRules {
    static let all: [Rule] = [linkURL]

    static let linkURL = Rule(
        id: RuleID.uiLinkURL, family: "UI", summary: "The web UI links out only to https URLs",
        documentation: "Requirement 12's Pay, Link, Forms, Docs and Invoice modules are specified nowhere in the source documents, so the web UI links to where each lives in the environment (`ui: { links: { pay: https://… } }`), marked as external. A link must be an absolute https URL with a host and no user name or password in it: the page that carries it holds the operator's session. The local environment may also link to http on localhost or 127.0.0.1.",
        waivable: false,
        failing: [RuleExample("environments/preview.yaml", """
        environment:
          name: preview
          sendMode: DRY_RUN
          logLevel: DEBUG
          naming: { prefix: example-preview, objectPrefix: preview/ }
          substitutes:
            - { topic: events, by: test-events }
          deploy:
            branches: ["feature/*"]
          ui:
            links:
              pay: ↓http://pay.example.com/
        """)],
        passing: [RuleExample("environments/preview.yaml", """
        environment:
          name: preview
          sendMode: DRY_RUN
          logLevel: DEBUG
          naming: { prefix: example-preview, objectPrefix: preview/ }
          substitutes:
            - { topic: events, by: test-events }
          deploy:
            branches: ["feature/*"]
          ui:
            links:
              pay: https://pay.example.com/
        """)],
        check: .platform { p in
            p.environments.flatMap { env in
                env.uiLinks.compactMap { link -> Diagnostic? in
                    guard let problem = problem(link.url.value, local: env.name.value == "local") else { return nil }
                    return Diagnostic(RuleID.uiLinkURL, link.url.location,
                                      "the \(link.module.value) link of environment '\(env.name.value)' \(problem)",
                                      hint: "write an absolute https URL: `\(link.module.value): https://\(link.module.value).example.com/`")
                }
            }
        })

    /// What is wrong with a link, nil when nothing is.
    static func problem(_ url: String, local: Bool) -> String? {
        guard !url.contains(where: \.isWhitespace) else { return "holds whitespace" }
        let https = url.hasPrefix("https://"), http = url.hasPrefix("http://")
        guard https || http else { return "is not an absolute https URL: '\(url)'" }
        let rest = url.dropFirst(https ? 8 : 7)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.contains("@") else { return "carries a user name or password" }
        let host = authority.split(separator: ":").first.map(String.init) ?? ""
        guard !host.isEmpty else { return "has no host: '\(url)'" }
        if http && !(local && (host == "localhost" || host == "127.0.0.1")) { return "is plain http: '\(url)'" }
        return nil
    }
}
