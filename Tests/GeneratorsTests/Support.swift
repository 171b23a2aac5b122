import Foundation
@_exported import TestSupport
import Pipeline
import SpecLoading

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let testToday = "2026-11-22"

func shippedBuild() throws -> BuildRun {
    try BuildRun.run(files: try SpecTree.read(root: packageRoot), today: testToday)
}


