/// Which environment a git branch deploys to.
public enum BranchRules {
    /// The environment whose branch patterns match, or nil when the branch deploys nowhere.
    /// With overlapping patterns (an error the checker reports) the first environment by name wins.
    public static func environment(for branch: String, in environments: [Environment]) -> Environment? {
        environments.sorted { $0.name.value < $1.name.value }
            .first { env in env.branches.contains { Glob.matches($0.value, branch) } }
    }
}
