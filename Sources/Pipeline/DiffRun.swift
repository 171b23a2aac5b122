import Foundation
import Generators
import SpecCheck
import SpecDiff
import SpecLoading
import SpecModel

/// `wecare diff`: read the specs at the base and in the working tree, build both models and what
/// the generators make of them, and hand both sides to SpecDiff.
public struct DiffRun: Sendable {
    public var report: DiffReport

    /// Where the base specs come from.
    public enum Base: Sendable, Equatable {
        /// `git merge-base HEAD <branch>`: what a pull request into that branch changes.
        case mergeBase(with: String)
        /// Any commit-ish git resolves: `origin/main`, `HEAD~1`, a tag, a sha.
        case gitRef(String)
        /// A folder holding specs/ and environments/ (an unpacked release, another checkout).
        case directory(URL)

        public static let defaultBranch = "main"

        /// No argument: the merge base with main. A path to a folder with specs/ or environments/: that
        /// folder. Anything else: a git ref, resolved later (a typo is reported as a bad ref).
        public static func parse(_ argument: String?, relativeTo cwd: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) -> Base {
            guard let argument, !argument.isEmpty else { return .mergeBase(with: defaultBranch) }
            let url = argument.hasPrefix("/") ? URL(fileURLWithPath: argument) : cwd.appendingPathComponent(argument)
            let fm = FileManager.default
            var isDir: ObjCBool = false
            if ["specs", "environments"].contains(where: { fm.fileExists(atPath: url.appendingPathComponent($0).path, isDirectory: &isDir) && isDir.boolValue }) {
                return .directory(url.standardizedFileURL)
            }
            return .gitRef(argument)
        }
    }

    /// Errors that stop the diff: exit status 2.
    public enum Failure: Error, CustomStringConvertible {
        case git(String)
        case unreadable(String)
        /// A side whose specs lose files, resources or values while loading: a diff would report phantom removals.
        case brokenModel(side: String, [Diagnostic])
        case usage(String)

        public var description: String {
            switch self {
            case .git(let m), .unreadable(let m), .usage(let m): return m
            case .brokenModel(let side, let diagnostics):
                let shown = diagnostics.prefix(5).map { "  \($0.location): \($0.message) [\($0.rule)]" }.joined(separator: "\n")
                let more = diagnostics.count > 5 ? "\n  … and \(diagnostics.count - 5) more" : ""
                return "cannot diff: the specs of \(phrase(side)) do not load into a complete model (`wecare check` there lists every error):\n\(shown)\(more)"
            }
        }
    }

    /// Load errors that drop a file, a resource or a value from the model. Any other finding (an
    /// unknown key, a rule violation) leaves the model whole, so that side is still diffed, with a note.
    public static let modelBreakingRules: Set<String> = [RuleID.yamlSyntax, RuleID.missingField, RuleID.schemaType, RuleID.duplicateName]

    /// Compares the base with the specs under `root` (the working tree).
    public static func run(base: Base, root: URL, today: String) throws -> DiffRun {
        let head: [SourceFile]
        do { head = try SpecTree.read(root: root) } catch let e as SpecTree.ReadError { throw Failure.unreadable(e.description) }
        let (baseFiles, label) = try read(base, root: root)
        return try run(base: baseFiles, baseLabel: label, head: head, today: today)
    }

    /// Compares two spec trees already read; what the tests and `run(base:root:today:)` call.
    public static func run(base: [SourceFile], baseLabel: String, head: [SourceFile], headLabel: String = DiffReport.workingTree,
                           today: String) throws -> DiffRun {
        let (b, baseNote) = try side(base, label: baseLabel, today: today)
        let (h, headNote) = try side(head, label: headLabel, today: today)
        var report = SpecDiff.compare(base: b, head: h)
        report.notes = [baseNote, headNote].compactMap { $0 }
        report.checkErrors = try CheckRun.run(files: head, today: today).report.diagnostics.filter { $0.severity == .error }
            .map { "`\($0.rule)` \($0.location): \($0.message)" }
        for env in report.environments where env != Change.allEnvironments {
            let changed = Set(report.changes.filter { $0.environment == env || $0.environment == Change.allEnvironments }
                .map { ResourceGraph.nodeID(kind: $0.resource.kind, name: $0.resource.name) })
            guard !changed.isEmpty, let environment = h.platform.environment(env) else { continue }
            report.graphs[env] = ResourceGraph.mermaid(GeneratedView.template(h.platform, environment), changed: changed)
        }
        return DiffRun(report: report)
    }

    public func render(_ format: DiffFormat) -> String { format.render(report) }

    /// 1 when a change of one of the given classes exists, 0 otherwise.
    public func exitCode(failOn: Set<Risk>) -> Int32 { report.has(anyOf: failOn) ? 1 : 0 }

    /// Parses `--fail-on data-loss,security`.
    public static func risks(_ list: String) throws -> Set<Risk> {
        switch Risk.parseList(list) {
        case .success(let risks): return risks
        case .failure(let e): throw Failure.usage(e.description)
        }
    }

    /// Parses `--format`.
    public static func format(_ name: String) throws -> DiffFormat {
        guard let f = DiffFormat(rawValue: name) else {
            throw Failure.usage("unknown format '\(name)'; use one of \(DiffFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return f
    }

    // MARK: - Sides

    static func side(_ files: [SourceFile], label: String, today: String) throws -> (DiffSide, note: String?) {
        let check = try CheckRun.run(files: files, today: today)
        let breaking = check.report.diagnostics.filter { $0.severity == .error && modelBreakingRules.contains($0.rule) }
        guard let platform = check.platform, breaking.isEmpty else { throw Failure.brokenModel(side: label, breaking) }
        var templates: [String: JSONValue] = [:], policies: [String: JSONValue] = [:]
        for env in platform.environments where env.isDeployable {
            templates[env.name.value] = CloudFormationGenerator.template(for: GeneratedView.template(platform, env))
            policies[env.name.value] = IAMPolicyGenerator.policy(for: GeneratedView.policy(platform, env))
        }
        let errors = check.report.errorCount
        let note = errors == 0 ? nil
            : "\(phrase(label)) has \(errors) check error\(errors == 1 ? "" : "s") (`wecare check` lists \(errors == 1 ? "it" : "them")); it is diffed anyway."
        return (DiffSide(label: label, platform: platform, templates: templates, policies: policies), note)
    }

    /// `the working tree`, or the base's label as it stands (`main (3f2a1bc)`).
    static func phrase(_ label: String) -> String { label == DiffReport.workingTree ? "the working tree" : label }

    static func read(_ base: Base, root: URL) throws -> ([SourceFile], label: String) {
        switch base {
        case .directory(let url):
            do { return (try SpecTree.read(root: url), url.path) } catch let e as SpecTree.ReadError { throw Failure.unreadable(e.description) }
        case .gitRef(let ref):
            let sha = try GitTree.commit(ref, in: root)
            return (try GitTree.files(at: sha, in: root), "\(ref) (\(sha.prefix(7)))")
        case .mergeBase(let branch):
            let sha = try GitTree.mergeBase("HEAD", branch, in: root)
            return (try GitTree.files(at: sha, in: root), "merge base with \(branch) (\(sha.prefix(7)))")
        }
    }

    /// The spec files of a commit, read with git: nothing is checked out and nothing is written.
    enum GitTree {
        static func commit(_ ref: String, in root: URL) throws -> String {
            do {
                return try git(["rev-parse", "--verify", "--quiet", "\(ref)^{commit}"], in: root).trimmingCharacters(in: .whitespacesAndNewlines)
            } catch Failure.git(let message) {
                throw Failure.git("'\(ref)' is neither a folder with specs/ nor a git commit" + (message.isEmpty ? "" : ": \(message)"))
            }
        }

        static func mergeBase(_ a: String, _ b: String, in root: URL) throws -> String {
            do {
                return try git(["merge-base", a, b], in: root).trimmingCharacters(in: .whitespacesAndNewlines)
            } catch Failure.git(let message) {
                throw Failure.git("cannot find the merge base of \(a) and \(b); pass --base REF or --base DIR" + (message.isEmpty ? "" : " (\(message))"))
            }
        }

        static func files(at sha: String, in root: URL) throws -> [SourceFile] {
            // Paths are relative to root (not the repository top), as SpecTree's are; `./` keeps `git show` relative too.
            let listing = try git(["ls-tree", "-r", "--name-only", "-z", sha, "--", "specs", "environments"], in: root)
            let paths = listing.split(separator: "\0").map(String.init).filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
            guard !paths.isEmpty else { throw Failure.unreadable("commit \(sha.prefix(7)) has no specs/ or environments/ files to compare with") }
            let specs = try paths.sorted().map { path in
                SourceFile(path: path, text: try git(["show", "\(sha):./\(path)"], in: root))
            }
            return specs + (try knowledge(at: sha, in: root, specs: specs))
        }

        /// The markdown files of the knowledge folder those specs declare, as that commit has them (as
        /// `SpecTree` reads them from the working tree): without them the base would fail `ai.knowledge-folder`.
        static func knowledge(at sha: String, in root: URL, specs: [SourceFile]) throws -> [SourceFile] {
            guard let prefix = SpecTree.knowledgePrefix(specs) else { return [] }
            let listing = try git(["ls-tree", "-r", "--name-only", "-z", sha, "--", prefix], in: root)
            return try listing.split(separator: "\0").map(String.init).filter { $0.hasSuffix(".md") }.sorted().map { path in
                SourceFile(path: path, text: try git(["show", "\(sha):./\(path)"], in: root))
            }
        }

        static func git(_ arguments: [String], in root: URL) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["git"] + arguments
            process.currentDirectoryURL = root
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            do { try process.run() } catch { throw Failure.git("cannot run git: \(error.localizedDescription)") }
            // Read both pipes before waiting, so a large file never blocks git on a full pipe.
            let errors = Collected()
            let group = DispatchGroup()
            DispatchQueue.global().async(group: group) { errors.data = err.fileHandleForReading.readDataToEndOfFile() }
            let output = out.fileHandleForReading.readDataToEndOfFile()
            group.wait()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw Failure.git(String(decoding: errors.data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
            }
            guard let text = String(data: output, encoding: .utf8) else { throw Failure.unreadable("git \(arguments.joined(separator: " ")) is not UTF-8 text") }
            return text
        }

        /// Stderr read on another thread; `group.wait()` orders the write before the read.
        final class Collected: @unchecked Sendable { var data = Data() }
    }
}
