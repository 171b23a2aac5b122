import SpecModel

/// SEND_MODE and branch rules: the locks that keep real messages out of non-production.
enum SendModeRules {
    static let all: [Rule] = [liveOutsideProduction, sendingDenied, branchOverlap, branchProduction]

    static let liveOutsideProduction = Rule(
        id: RuleID.liveOutsideProduction, family: "SEND_MODE", summary: "Only production sends for real",
        documentation: "Req 10.7: preview and staging (and the local default) must run with SEND_MODE=DRY_RUN. A non-production environment set to LIVE, or a function whose SEND_MODE is a literal LIVE outside production, is an error that no waiver can silence.",
        waivable: false,
        failing: [RuleExample("environments/preview.yaml", """
        environment:
          name: preview
          sendMode: ↓LIVE
          logLevel: DEBUG
          naming: { prefix: example-preview, objectPrefix: preview/ }
          substitutes:
            - { topic: events, by: test-events }
          deploy:
            branches: ["feature/*"]
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
        """)],
        check: .platform { p in
            var out: [Diagnostic] = []
            for env in p.environments where !env.isProduction && env.sendMode.value == .live {
                out.append(Diagnostic(RuleID.liveOutsideProduction, env.sendMode.location,
                                      "environment '\(env.name.value)' is not production but has sendMode LIVE; messages would really be sent",
                                      hint: "set `sendMode: DRY_RUN`; only production may be LIVE (Req 10.7)"))
            }
            for env in p.environments where !env.isProduction {
                for f in p.functions {
                    for v in f.environment where v.name.value == "SEND_MODE" {
                        if case .literal(let l) = v.value, l.value == SendMode.live.rawValue {
                            out.append(Diagnostic(RuleID.liveOutsideProduction, l.location,
                                                  "function '\(f.id.value)' sets SEND_MODE to a literal LIVE, which would also apply in '\(env.name.value)'",
                                                  hint: "write `SEND_MODE: { setting: sendMode }` so the environment decides"))
                        }
                    }
                }
            }
            return out
        })

    static let sendingDenied = Rule(
        id: RuleID.sendingDenied, family: "SEND_MODE", summary: "A DRY_RUN environment's functions cannot send, by IAM",
        documentation: "Every environment shares one execution role, so a DRY_RUN environment's generated policy denies every provider sending action (WhatsApp, SMS, email, Pinpoint) to its own functions through the `lambda:SourceFunctionArn` condition. A scope that grants a sending call the denial does not name (another `Send…` or `Post…` action of a messaging service, or a pattern such as `ses:Send*`) would let a DRY_RUN function send; name the actions instead. No waiver.",
        waivable: false,
        failing: [ExampleBase.edited("specs/iam.yaml", "    - sid: Logs\n", "    - sid: Mail\n      actions: [↓ses:Send*]\n      resources: [{ emailSender: mail }]\n    - sid: Logs\n")],
        passing: [ExampleBase.edited("specs/iam.yaml", "    - sid: Logs\n", "    - sid: Mail\n      actions: [ses:SendEmail]\n      resources: [{ emailSender: mail }]\n    - sid: Logs\n")],
        check: .deployment { d in
            guard let denial = d.sendingDenial else { return [] }
            return (d.platform.rolePolicy?.scopes ?? []).flatMap { scope in
                scope.actions.filter { SendingDenial.couldSend($0.value) && !denial.covers($0.value) }.map { action in
                    Diagnostic(RuleID.sendingDenied, action.location,
                               "scope '\(scope.sid.value)' grants \(action.value), which \(d.environment.name.value)'s functions could use to send; the generated DRY_RUN denial does not cover it",
                               hint: Glob.isPattern(action.value) ? "name the actions the functions call instead of a pattern, e.g. ses:SendEmail"
                                                                 : "remove it, or add it to SendingDenial.actions so DRY_RUN environments are denied it")
                }
            }
        })

    static let branchOverlap = Rule(
        id: RuleID.branchOverlap, family: "SEND_MODE", summary: "A branch deploys to at most one environment",
        documentation: "Branch patterns of two environments must not both match one branch name: which environment (and which SEND_MODE) a push reaches must never depend on rule order.",
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
            branches: ["feature/*", ↓"hotfix/*"]
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
        """)],
        check: .platform { p in
            var out: [Diagnostic] = []
            let envs = p.environments.sorted { $0.name.value < $1.name.value }
            for (i, a) in envs.enumerated() {
                for b in envs[(i + 1)...] {
                    for pa in a.branches {
                        for pb in b.branches where Glob.overlap(pa.value, pb.value) {
                            let (here, there, hereEnv, thereEnv) = b.isProduction ? (pa, pb, a, b) : (pb, pa, b, a)
                            out.append(Diagnostic(RuleID.branchOverlap, here.location,
                                                  "branch pattern '\(here.value)' of \(hereEnv.name.value) overlaps '\(there.value)' of \(thereEnv.name.value)",
                                                  hint: "make the patterns disjoint so every branch deploys to one environment"))
                        }
                    }
                }
            }
            return out
        })

    static let branchProduction = Rule(
        id: RuleID.branchProduction, family: "SEND_MODE", summary: "Only main and hotfix/* deploy to production",
        documentation: "Req 10.1 and 10.4: production (LIVE) receives `main` and `hotfix/*` and nothing else. Any other pattern on production is an error.",
        waivable: false,
        failing: [RuleExample("environments/production.yaml", """
        environment:
          name: production
          sendMode: LIVE
          logLevel: INFO
          naming: { prefix: example }
          deploy:
            branches: [main, "hotfix/*", ↓"develop"]
        """)],
        passing: [RuleExample("environments/production.yaml", """
        environment:
          name: production
          sendMode: LIVE
          logLevel: INFO
          naming: { prefix: example }
          deploy:
            branches: [main, "hotfix/*"]
        """)],
        check: .platform { p in
            p.environments.filter(\.isProduction).flatMap { env in
                env.branches.filter { !["main", "hotfix/*"].contains($0.value) }.map { b in
                    Diagnostic(RuleID.branchProduction, b.location, "branch pattern '\(b.value)' would deploy to production with SEND_MODE LIVE",
                               hint: "production takes only `main` and `hotfix/*`; deploy other branches to preview or staging")
                }
            }
        })
}
