import Foundation
import Generators
import SpecCheck
import SpecModel
import SpecLoading

/// `wecare build`: refuse specs with errors, generate every file, write them or compare them.
public struct BuildRun: Sendable {
    public var check: CheckRun
    public var files: [GeneratedFile]

    public init(check: CheckRun, files: [GeneratedFile]) {
        self.check = check
        self.files = files
    }

    public enum Failure: Error, CustomStringConvertible {
        case specErrors(CheckRun)
        case io(String)
        public var description: String {
            switch self {
            case .specErrors(let run): "refusing to generate: the specs have \(run.report.errorCount) error\(run.report.errorCount == 1 ? "" : "s") (run `wecare check`)"
            case .io(let message): message
            }
        }
    }

    /// The folders under generated/ that `wecare build` owns: stale files there are removed.
    public static let ownedFolders = ["cloudformation", "iam", "docs", "swift/WecareConfig"]

    public static func run(files sources: [SpecLoadingSourceFiles], today: String) throws -> BuildRun {
        let check = try CheckRun.run(files: sources, today: today)
        guard check.report.errorCount == 0, let platform = check.platform else { throw Failure.specErrors(check) }
        return BuildRun(check: check, files: generate(platform))
    }

    /// Every generated file, by path under generated/, in path order.
    public static func generate(_ platform: Platform) -> [GeneratedFile] {
        let environments = platform.environments.sorted { $0.name.value < $1.name.value }
        let deployments = environments.map { GeneratedView.template(platform, $0) }
        var out: [GeneratedFile] = []
        for (environment, d) in zip(environments, deployments) where environment.isDeployable {
            let name = environment.name.value
            out.append(GeneratedFile(path: "cloudformation/\(name).json", contents: CloudFormationGenerator.template(for: d).rendered()))
            out.append(GeneratedFile(path: "iam/\(name).json", contents: IAMPolicyGenerator.policy(for: GeneratedView.policy(platform, environment)).rendered()))
        }
        out.append(GeneratedFile(path: "docs/resources.md", contents: InventoryGenerator.markdown(for: deployments)))
        out += SwiftConfigGenerator.files(for: deployments, under: "swift/WecareConfig")
        return out.sorted { $0.path < $1.path }
    }

    /// Writes the files; removes files in the owned folders that are no longer generated.
    public func write(to output: URL) throws {
        let fm = FileManager.default
        let wanted = Set(files.map(\.path))
        for existing in BuildRun.existingFiles(under: output) where !wanted.contains(existing) {
            try fm.removeItem(at: output.appendingPathComponent(existing))
        }
        for file in files {
            let url = output.appendingPathComponent(file.path)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            if let current = fm.contents(atPath: url.path), current == Data(file.contents.utf8) { continue }
            try Data(file.contents.utf8).write(to: url, options: .atomic)
        }
    }

    /// A unified diff of what is under `output` against what the specs produce; empty when identical.
    public func drift(against output: URL) -> String {
        var out = ""
        let fm = FileManager.default
        let wanted = Dictionary(uniqueKeysWithValues: files.map { ($0.path, $0.contents) })
        let present = Set(BuildRun.existingFiles(under: output))
        for path in Set(wanted.keys).union(present).sorted() {
            let current = fm.contents(atPath: output.appendingPathComponent(path).path).flatMap { String(data: $0, encoding: .utf8) }
            let expected = wanted[path]
            if current == expected { continue }
            out += UnifiedDiff.diff(old: current ?? "", new: expected ?? "",
                                    oldName: current == nil ? "/dev/null" : "a/generated/\(path)",
                                    newName: expected == nil ? "/dev/null" : "b/generated/\(path)")
        }
        return out
    }

    static func existingFiles(under output: URL) -> [String] {
        var found: [String] = []
        for folder in ownedFolders {
            let dir = output.appendingPathComponent(folder)
            guard let e = FileManager.default.enumerator(atPath: dir.path) else { continue }
            for case let rel as String in e {
                var isDir: ObjCBool = false
                if FileManager.default.fileExists(atPath: dir.appendingPathComponent(rel).path, isDirectory: &isDir), !isDir.boolValue {
                    found.append("\(folder)/\(rel)")
                }
            }
        }
        return found.sorted()
    }
}

public typealias SpecLoadingSourceFiles = SpecLoading.SourceFile
