#if os(Linux) && (arch(x86_64) || arch(arm64))
import Glibc
@testable import LambdaRuntime
import XCTest

/// The stand-ins the Lambda bundle links instead of glibc 2.35/2.36 functions, against the real ones
/// where this host's glibc has them.
final class AL2023GlibcTests: XCTestCase {
    private typealias FindObject = @convention(c) (UnsafeRawPointer?, UnsafeMutableRawPointer?) -> Int32

    /// Runs a `_dl_find_object` and returns (map start, map end, eh_frame), or nil for "not found".
    private func find(_ function: FindObject, _ pc: UnsafeRawPointer) -> (UInt, UInt, UInt)? {
        let result = UnsafeMutableRawPointer.allocate(byteCount: 96, alignment: 8)
        defer { result.deallocate() }
        guard function(pc, result) == 0 else { return nil }
        return (result.load(fromByteOffset: 8, as: UInt.self), result.load(fromByteOffset: 16, as: UInt.self),
                result.load(fromByteOffset: 32, as: UInt.self))
    }

    func testFindObjectAgreesWithGlibcOnTheUnwindData() throws {
        let ours: FindObject = { wrappedDLFindObject($0, $1) }
        // Code in libc, in the Swift runtime and in this test bundle.
        let names: [String] = ["printf", "swift_retain", "__wrap__dl_find_object"]
        let addresses = names.compactMap { name in dlsym(nil, name) }.map { UnsafeRawPointer($0) }
        XCTAssertGreaterThanOrEqual(addresses.count, 2)
        for pc in addresses {
            let found = try XCTUnwrap(find(ours, pc), "\(pc)")
            XCTAssertTrue((found.0..<found.1).contains(UInt(bitPattern: pc)), "\(pc) outside \(found)")
            XCTAssertNotEqual(found.2, 0, "every object here has a PT_GNU_EH_FRAME")
            // This host's glibc (2.36) has the real one: the unwinder reads only eh_frame, and it must match.
            if let real = dlsym(nil, "_dl_find_object").map({ unsafeBitCast($0, to: FindObject.self) }) {
                let expected = try XCTUnwrap(find(real, pc))
                XCTAssertEqual(found.2, expected.2, "eh_frame of \(pc)")
                XCTAssertTrue((expected.0..<expected.1).contains(UInt(bitPattern: pc)))
            }
        }
        XCTAssertNil(find(ours, UnsafeRawPointer(bitPattern: 16)!), "no object at address 16")
    }

    func testHypotIsLibmsOriginal() {
        XCTAssertNotNil(AL2023Glibc.originalHypot, "libm's hypot at its base version")
        XCTAssertNotNil(AL2023Glibc.originalHypotf)
        let cases: [(Double, Double)] = [(3, 4), (1e300, 1e300), (1e-300, 1e-300), (-5, 12), (0, 0), (.infinity, .nan), (2, .ulpOfOne)]
        for (x, y) in cases {
            // The original and the 2.35 version both round correctly enough to agree on these.
            XCTAssertEqual(wrappedHypot(x, y), Glibc.hypot(x, y), "hypot(\(x), \(y))")
            let expected = Glibc.hypot(x, y)
            if expected.isFinite {
                XCTAssertEqual(AL2023Glibc.scaledHypot(x, y), expected, accuracy: expected.ulp * 2, "scaled (\(x), \(y))")
            } else {
                XCTAssertEqual(AL2023Glibc.scaledHypot(x, y), expected, "scaled (\(x), \(y))")
            }
        }
        XCTAssertEqual(wrappedHypotf(3, 4), 5)
        XCTAssertEqual(wrappedHypot(.nan, 1).isNaN, true)
    }

    func testArc4randomIsRandom() {
        let values = Set((0..<64).map { _ in wrappedArc4random() })
        XCTAssertGreaterThan(values.count, 60)
    }
}
#endif
