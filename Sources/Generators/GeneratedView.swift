import SpecModel

/// Which deployment each generated file is made from. An environment deployed per branch is generated once
/// for all its branches: with the slug as a placeholder that CloudFormation substitutes (template, typed
/// config, inventory), and as a wildcard in the role's policy, which covers every branch's copy.
public enum GeneratedView {
    public static func template(_ platform: Platform, _ environment: Environment) -> Deployment {
        Deployment(platform: platform, environment: environment.isPerBranch ? environment.instance(slug: BranchSlug.placeholder) : environment)
    }

    public static func policy(_ platform: Platform, _ environment: Environment) -> Deployment {
        Deployment(platform: platform, environment: environment.isPerBranch ? environment.instance(slug: BranchSlug.wildcard) : environment)
    }
}
