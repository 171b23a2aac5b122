import SpecModel

/// One side of a diff: the model, and what the generators made of it per deployable environment.
/// SpecDiff never generates: the pipeline passes the templates and policies in, so this stage
/// depends on the model alone and compares exactly what `wecare build` would write.
public struct DiffSide: Sendable {
    /// How the side is named in reports: `main (3f2a1bc)`, `working tree`, a directory.
    public var label: String
    public var platform: Platform
    /// The CloudFormation template of each deployable environment, by environment name.
    public var templates: [String: JSONValue]
    /// The IAM policy the execution role must hold in each deployable environment, by environment name.
    public var policies: [String: JSONValue]

    public init(label: String, platform: Platform, templates: [String: JSONValue], policies: [String: JSONValue]) {
        self.label = label
        self.platform = platform
        self.templates = templates
        self.policies = policies
    }
}
