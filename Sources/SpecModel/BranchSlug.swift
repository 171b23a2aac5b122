/// The short, stable name a branch's own preview carries in its stack and physical names, for
/// environments with `deploy.perBranch: true`: `feature/Add-Login_2` → `add-lo-5c64`.
///
/// Up to six characters of the branch (after the literal start of the pattern it matched, such as
/// `feature/`), lowercased, every run of other characters made one `-`, then `-` and four hex digits of
/// the branch's FNV-1a hash, so that `feature/add-login` and `feature/add-logout` still differ.
/// The slug is part of every physical name: the function never changes for a branch that exists.
public enum BranchSlug {
    /// The template parameter that carries the slug; the deploy agent sets it from the branch.
    public static let parameter = "BranchSlug"
    /// What generated names hold where the slug goes: CloudFormation substitutes the parameter.
    public static let placeholder = "${\(parameter)}"
    /// What IAM documents hold where the slug goes: one policy covers every branch's preview.
    public static let wildcard = "*"
    /// Six characters of the branch, `-`, four hex digits.
    public static let maxLength = 11
    /// The slug's shape, as the template parameter's `AllowedPattern` states it.
    public static let pattern = "^([a-z0-9][a-z0-9-]{0,5}-)?[0-9a-f]{4}$"

    public static func slug(for branch: String, rule: String? = nil) -> String {
        var stem = Substring(branch)
        if let rule, let wild = rule.firstIndex(where: { $0 == "*" || $0 == "?" }), branch.hasPrefix(rule[..<wild]) {
            stem = stem.dropFirst(rule.distance(from: rule.startIndex, to: wild))
        }
        var words = ""
        for c in stem.lowercased() {
            if c.isASCII, c.isLetter || c.isNumber {
                words.append(c)
            } else if !words.isEmpty, words.last != "-" {
                words.append("-")
            }
        }
        let short = String(words.prefix(6)).trimmingDashes
        let hash = String(fnv1a(branch) & 0xffff, radix: 16)
        let hex = String(repeating: "0", count: 4 - hash.count) + hash
        return short.isEmpty ? hex : "\(short)-\(hex)"
    }

    static func fnv1a(_ text: String) -> UInt32 {
        var h: UInt32 = 0x811c_9dc5
        for byte in text.utf8 {
            h ^= UInt32(byte)
            h = h &* 0x0100_0193
        }
        return h
    }
}

extension String {
    fileprivate var trimmingDashes: String {
        var s = Substring(self)
        while s.last == "-" { s = s.dropLast() }
        while s.first == "-" { s = s.dropFirst() }
        return String(s)
    }
}

extension Environment {
    /// Whether each branch deploys its own copy of the environment (`deploy.perBranch: true`).
    public var isPerBranch: Bool { perBranch?.value == true }

    /// The environment as one branch's copy holds it: the slug after the naming prefix, the stack name
    /// and the object prefix (`base-wecare-digital-preview-add-lo-f715`, `preview/add-lo-f715/`).
    /// With `BranchSlug.placeholder` this is the template's view; with `BranchSlug.wildcard`, IAM's.
    public func instance(slug: String) -> Environment {
        var copy = self
        copy.prefix = Located("\(prefix.value)-\(slug)", at: prefix.location)
        copy.objectPrefix = Located("\(objectPrefix.value)\(slug)/", at: objectPrefix.location)
        copy.stackName = stackName.map { Located("\($0.value)-\(slug)", at: $0.location) }
        return copy
    }
}
