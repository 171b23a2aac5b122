import SpecCheck
@testable import SpecLoading
import SpecModel
import XCTest

/// `scanners:`: checkov waivers are read with their place, refused when malformed, resolved like references,
/// and expire like any waiver.
final class ScannerWaiverTests: XCTestCase {
    func check(_ scanners: String) -> (platform: Platform?, diagnostics: [Diagnostic]) {
        var files = ExampleBase.files
        files["specs/scanners.yaml"] = scanners
        let loaded = SpecLoader.load(files.map { SourceFile(path: $0.key, text: $0.value) }.sorted { $0.path < $1.path })
        guard let platform = loaded.platform else { return (nil, loaded.diagnostics) }
        return (platform, Checker.check(platform, loaderDiagnostics: loaded.diagnostics, today: "2026-11-22").diagnostics)
    }

    func testAWaiverIsReadWithWhatItCovers() throws {
        let (platform, diagnostics) = check("""
            scanners:
              checkov:
                - { check: CKV_AWS_117, covers: [functions, api], reason: "no VPC needed", expires: 2027-06-30 }
                - { check: CKV_AWS_28, covers: [{ table: Messages }], reason: "copies only", expires: 2027-06-30 }
            """)
        XCTAssertEqual(diagnostics.filter { $0.severity == .error }.map(\.message), [])
        let waivers = try XCTUnwrap(platform?.scannerWaivers)
        XCTAssertEqual(waivers.map(\.check.value), ["CKV_AWS_117", "CKV_AWS_28"])
        XCTAssertTrue(waivers[0].covers(ResourceID(.function, "inbound")))
        XCTAssertTrue(waivers[0].coversAPI)
        XCTAssertTrue(waivers[1].covers(ResourceID(.table, "Messages")))
        XCTAssertFalse(waivers[1].covers(ResourceID(.table, "Other")))
    }

    func testMalformedUnknownAndExpiredWaiversAreLocatedErrors() {
        let (_, diagnostics) = check("""
            scanners:
              checkov:
                - { check: CKV-117, covers: [functions], reason: "r", expires: 2027-06-30 }
                - { check: CKV_AWS_1, covers: [lambdas], reason: "r", expires: 2027-06-30 }
                - { check: CKV_AWS_2, covers: [{ table: Nope }], reason: "r", expires: 2027-06-30 }
                - { check: CKV_AWS_3, covers: [tables], reason: "r", expires: 2020-01-31 }
            """)
        let found = diagnostics.map { "\($0.rule)@\($0.location.line)" }
        XCTAssertTrue(found.contains("\(RuleID.schemaType)@3"), "\(found)")         // not a check id
        XCTAssertTrue(found.contains("\(RuleID.schemaType)@4"), "\(found)")         // not a kind
        XCTAssertTrue(found.contains("\(RuleID.unresolvedReference)@5"), "\(found)") // no such table
        XCTAssertTrue(found.contains("\(RuleID.waiverExpired)@6"), "\(found)")       // expired
    }
}
