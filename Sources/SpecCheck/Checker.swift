import SpecModel

/// What a check run reports: the diagnostics that stand, and those a valid waiver silenced.
public struct CheckReport: Sendable {
    public var diagnostics: [Diagnostic]
    public var waived: [(diagnostic: Diagnostic, waiver: Waiver)]

    /// Findings left out by `capped`, counted so that the totals and the exit status stay true.
    public var omittedErrors = 0, omittedWarnings = 0

    public init(diagnostics: [Diagnostic], waived: [(diagnostic: Diagnostic, waiver: Waiver)]) {
        self.diagnostics = diagnostics
        self.waived = waived
    }

    public var errorCount: Int { diagnostics.filter { $0.severity == .error }.count + omittedErrors }
    public var warningCount: Int { diagnostics.filter { $0.severity == .warning }.count + omittedWarnings }

    /// The default of `cappingEach`: a reader learns nothing from the 51st finding of one rule in one file.
    public static let defaultLimit = 50

    /// At most `limit` findings per file and rule (0: all), each group that had more followed by one note
    /// that says how many more there are.
    public func capped(_ limit: Int) -> CheckReport {
        guard limit > 0 else { return self }
        struct Group: Hashable { var file: String, rule: String }
        var shown: [Group: Int] = [:]
        var left: [Group: (count: Int, errors: Int, warnings: Int, after: Diagnostic)] = [:]
        var kept: [Diagnostic] = []
        for d in diagnostics {
            let g = Group(file: d.location.file, rule: d.rule)
            let n = shown[g, default: 0]
            if n < limit {
                shown[g] = n + 1
                kept.append(d)
            } else {
                var l = left[g] ?? (0, 0, 0, d)
                l.count += 1
                if d.severity == .error { l.errors += 1 }
                if d.severity == .warning { l.warnings += 1 }
                left[g] = l
            }
        }
        guard !left.isEmpty else { return self }
        var report = CheckReport(diagnostics: [], waived: waived)
        for (g, l) in left {
            kept.append(Diagnostic(rule: g.rule, severity: .note, at: l.after.location,
                                   "\(l.count) more [\(g.rule)] finding\(l.count == 1 ? "" : "s") in this file, not shown (the first \(limit) are)",
                                   hint: "fix these first, or pass --max-per-rule 0 to see every finding"))
            report.omittedErrors += l.errors
            report.omittedWarnings += l.warnings
        }
        report.diagnostics = kept.sorted()
        report.omittedErrors += omittedErrors
        report.omittedWarnings += omittedWarnings
        return report
    }
}

/// Stage three of the pipeline: runs every rule over the model and applies waivers.
public enum Checker {
    /// - Parameters:
    ///   - environments: the environments to check; all when nil.
    ///   - today: `YYYY-MM-DD`, for waiver expiry (injected so that runs are repeatable).
    public static func check(_ platform: Platform, loaderDiagnostics: [Diagnostic] = [], environments: [String]? = nil,
                             today: String, rules: [Rule] = RuleCatalogue.all) -> CheckReport {
        var found: [Diagnostic] = loaderDiagnostics
        let deployments = platform.environments
            .filter { environments == nil || environments!.contains($0.name.value) }
            .sorted { $0.name.value < $1.name.value }
            .map { Deployment(platform: platform, environment: $0) }
        var perEnvironment: [Diagnostic: [String]] = [:]
        var order: [Diagnostic] = []
        for rule in rules {
            switch rule.check {
            case .loader: continue
            case .platform(let run): found += run(platform).map { stamped($0, rule) }
            case .deployment(let run):
                for deployment in deployments {
                    for d in run(deployment).map({ stamped($0, rule) }) {
                        if perEnvironment[d] == nil { order.append(d) }
                        perEnvironment[d, default: []].append(deployment.environment.name.value)
                    }
                }
            }
        }
        let allEnvironments = deployments.count
        for d in order {
            var merged = d
            let envs = perEnvironment[d] ?? []
            merged.environments = envs.count == allEnvironments && allEnvironments > 1 ? [] : envs
            found.append(merged)
        }
        found += waiverDiagnostics(platform, today: today, rules: rules)
        var report = applyWaivers(dedupe(found), platform: platform, today: today, rules: rules)
        // A waiver silences what it names where it stands, or it is stale: only a check of every environment can tell.
        if deployments.count == platform.environments.count, rules.contains(where: { $0.id == RuleID.waiverUnused }) {
            report.diagnostics = (report.diagnostics + unusedWaivers(platform, report: report, today: today, rules: rules)).sorted()
        }
        return report
    }

    private static func stamped(_ d: Diagnostic, _ rule: Rule) -> Diagnostic {
        var d = d
        d.rule = rule.id
        if d.severity == .error, rule.severity != .error { d.severity = rule.severity }
        return d
    }

    private static func dedupe(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        var seen = Set<Diagnostic>()
        return diagnostics.filter { seen.insert($0).inserted }.sorted()
    }

    private static func applyWaivers(_ diagnostics: [Diagnostic], platform: Platform, today: String, rules: [Rule]) -> CheckReport {
        var kept: [Diagnostic] = []
        var waived: [(Diagnostic, Waiver)] = []
        let index = platform.waiverIndex
        for d in diagnostics {
            let rule = rules.first { $0.id == d.rule }
            // A finding is waived by a waiver on its resource, or on the role policy scope it is about.
            let candidates = (d.resource.map { index[$0] ?? [] } ?? [])
                + (d.scope.flatMap { sid in platform.rolePolicy?.scopes.first { $0.sid.value == sid }?.waivers } ?? [])
            if rule?.waivable ?? false, let waiver = candidates.first(where: { $0.rule.value == d.rule && $0.expires.value >= today }) {
                waived.append((d, waiver))
            } else {
                kept.append(d)
            }
        }
        return CheckReport(diagnostics: kept, waived: waived)
    }

    /// Valid waivers (a known, waivable rule, not expired) that silenced nothing.
    private static func unusedWaivers(_ platform: Platform, report: CheckReport, today: String, rules: [Rule]) -> [Diagnostic] {
        let used = Set(report.waived.map(\.waiver.rule.location))
        return platform.allWaivers.compactMap { resource, waiver in
            guard !used.contains(waiver.rule.location), waiver.expires.value >= today,
                  rules.first(where: { $0.id == waiver.rule.value })?.waivable == true else { return nil }
            return Diagnostic(rule: RuleID.waiverUnused, severity: .warning, at: waiver.rule.location,
                              "the waiver of \(waiver.rule.value) on \(resource) silences nothing: the rule reports nothing there in any environment",
                              hint: "remove the waiver (the finding is fixed, or the rule never reports on this resource)")
        }
    }

    private static func waiverDiagnostics(_ platform: Platform, today: String, rules: [Rule]) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for (resource, waiver) in platform.allWaivers {
            guard let rule = rules.first(where: { $0.id == waiver.rule.value }) else {
                var hint = "name one of the rule ids listed by `wecare explain --list`"
                if let guess = rules.map(\.id).min(by: { Spelling.distance($0, waiver.rule.value) < Spelling.distance($1, waiver.rule.value) }),
                   Spelling.distance(guess, waiver.rule.value) <= 3 { hint = "did you mean '\(guess)'? " + hint }
                out.append(Diagnostic(RuleID.waiverNotAllowed, waiver.rule.location, "waiver on \(resource) names unknown rule '\(waiver.rule.value)'", hint: hint))
                continue
            }
            if !rule.waivable {
                out.append(Diagnostic(RuleID.waiverNotAllowed, waiver.rule.location,
                                      "rule \(rule.id) is a hard safety rule and cannot be waived (waiver on \(resource))",
                                      hint: "remove the waiver and fix the finding itself"))
            }
            if waiver.expires.value < today {
                out.append(Diagnostic(RuleID.waiverExpired, waiver.expires.location,
                                      "waiver of \(rule.id) on \(resource) expired on \(waiver.expires.value)",
                                      hint: "fix the finding and remove the waiver, or renew it with a new reason and date"))
            }
        }
        for waiver in platform.scannerWaivers where waiver.expires.value < today {
            out.append(Diagnostic(RuleID.waiverExpired, waiver.expires.location,
                                  "the \(waiver.scanner) waiver of \(waiver.check.value) expired on \(waiver.expires.value)",
                                  hint: "fix the templates so that \(waiver.check.value) passes, or renew the waiver with a new reason and date"))
        }
        return out
    }
}
