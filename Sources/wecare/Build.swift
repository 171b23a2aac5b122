import ArgumentParser
import Foundation
import Pipeline

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the specs, then write generated/ (CloudFormation, IAM policy, Swift config, inventory).",
        discussion: "With --check nothing is written: exit 1 and a unified diff when generated/ is not what the specs produce. Exit 2 on usage or I/O errors.")

    @Flag(help: "Write nothing; exit 1 with a diff when generated/ is stale.") var check = false
    @Option(help: "Project root holding specs/, environments/ and generated/.") var root: String = "."
    @Option(help: "Output folder (default: <root>/generated).") var output: String?

    func run() throws {
        let rootURL = URL(fileURLWithPath: root)
        let outURL = output.map { URL(fileURLWithPath: $0) } ?? rootURL.appendingPathComponent("generated")
        do {
            let build = try BuildRun.run(files: try SpecTree.read(root: rootURL), today: Today.string())
            if check {
                let diff = build.drift(against: outURL)
                if diff.isEmpty {
                    print("generated/ is up to date (\(build.files.count) files)")
                    return
                }
                print(diff, terminator: "")
                FileHandle.standardError.write(Data("wecare: generated/ is not what the specs produce; run `swift run wecare build` and commit the result\n".utf8))
                throw ExitCode(1)
            }
            try build.write(to: outURL)
            print("wrote \(build.files.count) files to \(output ?? "generated")/")
        } catch let error as BuildRun.Failure {
            if case .specErrors(let run) = error { print(run.render(.text), terminator: "") }
            FileHandle.standardError.write(Data("wecare: \(error.description)\n".utf8))
            throw ExitCode(1)
        } catch let error as SpecTree.ReadError {
            FileHandle.standardError.write(Data("wecare: \(error.description)\n".utf8))
            throw ExitCode(2)
        } catch let error as CocoaError {
            FileHandle.standardError.write(Data("wecare: cannot write \(outURL.path): \(error.localizedDescription)\n".utf8))
            throw ExitCode(2)
        }
    }
}
