import SpecModel

/// Which environment a stack name belongs to. A stack is named for its environment: the environment's
/// `deploy.stack`, or its naming prefix alone or followed by `-` and a suffix. Prefixes nest (production's
/// `base-wecare-digital` starts every other environment's), so the longest matching prefix owns a name:
/// `base-wecare-digital-preview-x` is preview's, never production's.
public enum StackNaming {
    public static func owner(of stack: String, in environments: [Environment]) -> Environment? {
        if let named = environments.first(where: { $0.stackName?.value == stack }) { return named }
        return environments
            .filter { stack == $0.prefix.value || stack.hasPrefix($0.prefix.value + "-") }
            .max { ($0.prefix.value.count, $1.name.value) < ($1.prefix.value.count, $0.name.value) }
    }

    /// The slug of a branch's own copy of an environment deployed per branch; nil for the other environments.
    public static func slug(of branch: String, in environment: Environment) -> String? {
        guard environment.isPerBranch else { return nil }
        return BranchSlug.slug(for: branch, rule: environment.branches.first { Glob.matches($0.value, branch) }?.value)
    }

    /// The stack a branch deploys to: its environment's, or for an environment deployed per branch, the branch's own.
    public static func stack(of branch: String, in environment: Environment) -> String {
        slug(of: branch, in: environment).map { environment.instance(slug: $0).stack } ?? environment.stack
    }

    /// The rule as a reader checks it: `base-wecare-digital-preview or base-wecare-digital-preview-<suffix>`.
    public static func rule(for environment: Environment) -> String {
        if environment.isPerBranch { return "\(environment.stack)-<branch slug>" }
        let prefix = environment.prefix.value
        let named = environment.stackName.map { $0.value == prefix ? "" : "\($0.value), " } ?? ""
        return "\(named)\(prefix) or \(prefix)-<suffix>"
    }
}
