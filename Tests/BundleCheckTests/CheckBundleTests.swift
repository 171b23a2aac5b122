import Foundation
import TestSupport
import XCTest

/// `scripts/check-bundle`, the gate on the Lambda bundle, shown to fail where it must: a binary that
/// needs libcurl, one that needs a glibc newer than AL2023's, and zips that are not one executable
/// `bootstrap`. Built from system binaries and a two-line C program, so it needs no release build.
final class CheckBundleTests: XCTestCase {
    private static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/check-bundle").path

    private func check(_ path: String) throws -> (status: Int32, output: String) {
        try runProcess(Self.script, [path])
    }

    func testABinaryThatLinksLibcurlIsRefused() throws {
        let (status, output) = try check("/usr/bin/curl")
        XCTAssertEqual(status, 1, output)
        XCTAssertTrue(output.contains("NOT ALLOWED: libcurl.so.4 is outside glibc's family"), output)
        XCTAssertTrue(output.contains("FAILED"), output)
    }

    func testASymbolNewerThanGLIBC234IsRefusedByName() throws {
        let folder = try temporaryDirectory("check-bundle")
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = folder.appendingPathComponent("random.c")
        // arc4random arrived in glibc 2.36; AL2023 has 2.34.
        try "#include <stdlib.h>\nint main(void) { return (int)(arc4random() & 1); }\n".write(to: source, atomically: true, encoding: .utf8)
        let binary = folder.appendingPathComponent("random").path
        let compiled = try runProcess("cc", [source.path, "-o", binary])
        XCTAssertEqual(compiled.status, 0, compiled.output)
        let (status, output) = try check(binary)
        XCTAssertEqual(status, 1, output)
        XCTAssertTrue(output.contains("highest GLIBC version: GLIBC_2.36"), output)
        XCTAssertTrue(output.contains("TOO NEW: GLIBC_2.36, needed by: arc4random"), output)
    }

    func testAGlibcOnlyBinaryPasses() throws {
        let (status, output) = try check("/bin/true")
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("needed: libc.so.6"), output)
        XCTAssertTrue(output.hasSuffix("  OK\n"), output)
    }

    func testAZipMustHoldOneExecutableBootstrap() throws {
        let folder = try temporaryDirectory("check-bundle")
        defer { try? FileManager.default.removeItem(at: folder) }
        let bootstrap = folder.appendingPathComponent("bootstrap")
        try FileManager.default.copyItem(atPath: "/bin/true", toPath: bootstrap.path)

        func zip(_ name: String, _ files: [String]) throws -> String {
            let zipped = try runProcess("zip", ["-q", name] + files, cwd: folder)
            XCTAssertEqual(zipped.status, 0, zipped.output)
            return folder.appendingPathComponent(name).path
        }
        let good = try check(try zip("good.zip", ["bootstrap"]))
        XCTAssertEqual(good.status, 0, good.output)

        try "x".write(to: folder.appendingPathComponent("extra"), atomically: true, encoding: .utf8)
        let crowded = try check(try zip("crowded.zip", ["bootstrap", "extra"]))
        XCTAssertEqual(crowded.status, 1, crowded.output)
        XCTAssertTrue(crowded.output.contains("must hold exactly one file, bootstrap"), crowded.output)

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: bootstrap.path)
        let plain = try check(try zip("plain.zip", ["bootstrap"]))
        XCTAssertEqual(plain.status, 1, plain.output)
        XCTAssertTrue(plain.output.contains("is not executable"), plain.output)
    }
}
