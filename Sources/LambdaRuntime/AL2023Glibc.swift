#if os(Linux) && (arch(x86_64) || arch(arm64))
import Glibc

/// Stand-ins for the glibc functions newer than Amazon Linux 2023's glibc (2.34) that a binary built
/// on Debian 12 (glibc 2.36) calls: `arc4random` (2.36; libstdc++'s `std::random_device`),
/// `_dl_find_object` (2.35; libgcc's unwinder), and `hypot`/`hypotf`, which code compiled against
/// glibc 2.35+ binds to their new 2.35 versions (swift-numerics, Foundation's CGFloat, the Glibc
/// overlay). `scripts/bundle` links with `--wrap=` for each, which sends those calls to the `__wrap_`
/// functions below; nothing else calls them, and other builds leave them unused.
public enum AL2023Glibc {
    /// A uniformly random 32-bit value from the kernel (`getrandom`, glibc 2.25), as arc4random returns.
    public static func arc4random() -> UInt32 {
        var generator = SystemRandomNumberGenerator()
        return generator.next()
    }

    /// `_dl_find_object` on `dl_iterate_phdr` (glibc 2.2.5): the loaded object containing `pc`, its
    /// mapping and its PT_GNU_EH_FRAME segment, which is all the unwinder reads. Fills `result` as
    /// glibc lays out `struct dl_find_object` on 64-bit targets (no link map: nobody reads it) and
    /// returns 0, or -1 when no object contains `pc`.
    public static func findObject(_ pc: UnsafeRawPointer?, _ result: UnsafeMutableRawPointer?) -> Int32 {
        guard let pc, let result, let iterate = dlIteratePhdr else { return -1 }
        var search = Search(pc: UInt(bitPattern: pc))
        _ = withUnsafeMutablePointer(to: &search) { iterate(inspect, $0) }
        guard let found = search.found else { return -1 }
        result.initializeMemory(as: UInt8.self, repeating: 0, count: 96)  // the struct, reserved words included
        result.storeBytes(of: found.start, toByteOffset: 8, as: UInt.self)
        result.storeBytes(of: found.end, toByteOffset: 16, as: UInt.self)
        result.storeBytes(of: found.ehFrame, toByteOffset: 32, as: UInt.self)
        return 0
    }

    /// `hypot` as AL2023's libm has it: the original version, which glibc 2.35 kept beside the new one.
    public static func hypot(_ x: Double, _ y: Double) -> Double {
        if let original = originalHypot { return original(x, y) }
        return scaledHypot(x, y)
    }

    public static func hypotf(_ x: Float, _ y: Float) -> Float {
        if let original = originalHypotf { return original(x, y) }
        return Float(scaledHypot(Double(x), Double(y)))
    }

    /// Without overflow or underflow in the squares; used only if libm lacks the original version.
    static func scaledHypot(_ x: Double, _ y: Double) -> Double {
        let (a, b) = (abs(x), abs(y))
        if a.isInfinite || b.isInfinite { return .infinity }
        if a.isNaN || b.isNaN { return .nan }
        let (large, small) = a >= b ? (a, b) : (b, a)
        guard large > 0 else { return 0 }
        let ratio = small / large
        return large * (1 + ratio * ratio).squareRoot()
    }

    /// The libm base version every glibc has: the one the originals carry.
    #if arch(x86_64)
    private static let baseVersion = "GLIBC_2.2.5"
    #else
    private static let baseVersion = "GLIBC_2.17"
    #endif

    private typealias VersionedLookup = @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>, UnsafePointer<CChar>) -> UnsafeMutableRawPointer?
    private static let dlvsym: VersionedLookup? = dlsym(nil, "dlvsym").map { unsafeBitCast($0, to: VersionedLookup.self) }
    static let originalHypot = dlvsym?(nil, "hypot", baseVersion)
        .map { unsafeBitCast($0, to: (@convention(c) (Double, Double) -> Double).self) }
    static let originalHypotf = dlvsym?(nil, "hypotf", baseVersion)
        .map { unsafeBitCast($0, to: (@convention(c) (Float, Float) -> Float).self) }

    private struct Search {
        var pc: UInt
        var found: (start: UInt, end: UInt, ehFrame: UInt)?
    }

    private typealias Callback = @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Int32
    private typealias Iterate = @convention(c) (Callback, UnsafeMutableRawPointer?) -> Int32

    /// Looked up rather than declared: the Glibc module does not export <link.h>.
    private static let dlIteratePhdr: Iterate? = dlsym(nil, "dl_iterate_phdr").map { unsafeBitCast($0, to: Iterate.self) }

    /// Called once per loaded object with its `struct dl_phdr_info`: `dlpi_addr` (load bias) at 0,
    /// `dlpi_phdr` at 16, `dlpi_phnum` at 24; each Elf64_Phdr is 56 bytes with `p_type` at 0,
    /// `p_vaddr` at 16 and `p_memsz` at 40. Returns 1 (stop) at the object containing the pc.
    private static let inspect: Callback = { info, _, data in
        guard let info, let data,
              let headers = info.load(fromByteOffset: 16, as: UnsafeRawPointer?.self) else { return 0 }
        let search = data.assumingMemoryBound(to: Search.self)
        let bias = info.load(as: UInt.self)
        let count = Int(info.load(fromByteOffset: 24, as: UInt16.self))
        var start = UInt.max, end: UInt = 0, ehFrame: UInt = 0, contains = false
        for index in 0..<count {
            let header = headers + index * 56
            let address = bias &+ header.load(fromByteOffset: 16, as: UInt.self)
            switch header.load(as: UInt32.self) {
            case 1:  // PT_LOAD
                let limit = address &+ header.load(fromByteOffset: 40, as: UInt.self)
                start = min(start, address)
                end = max(end, limit)
                if (address..<limit).contains(search.pointee.pc) { contains = true }
            case 0x6474_E550:  // PT_GNU_EH_FRAME
                ehFrame = address
            default:
                break
            }
        }
        guard contains else { return 0 }
        search.pointee.found = (start, end, ehFrame)
        return 1
    }
}

@_cdecl("__wrap_arc4random")
public func wrappedArc4random() -> UInt32 {
    AL2023Glibc.arc4random()
}

@_cdecl("__wrap_hypot")
public func wrappedHypot(_ x: Double, _ y: Double) -> Double {
    AL2023Glibc.hypot(x, y)
}

@_cdecl("__wrap_hypotf")
public func wrappedHypotf(_ x: Float, _ y: Float) -> Float {
    AL2023Glibc.hypotf(x, y)
}

@_cdecl("__wrap__dl_find_object")
public func wrappedDLFindObject(_ pc: UnsafeRawPointer?, _ result: UnsafeMutableRawPointer?) -> Int32 {
    AL2023Glibc.findObject(pc, result)
}
#endif
