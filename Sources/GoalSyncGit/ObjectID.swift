import CLibgit2

/// A git object id (SHA-1): libgit2's `git_oid`, 20 bytes held inline (no allocation to make, copy,
/// hash or compare one).
public struct ObjectID: Hashable, Sendable, CustomStringConvertible, Comparable {
    private let oid: git_oid

    init(_ oid: git_oid) { self.oid = oid }

    init(_ pointer: UnsafePointer<git_oid>) { self.init(pointer.pointee) }

    /// Parses 40 hex digits, either case, as `git_oid_fromstrn` does; nil for anything else. In Swift,
    /// not through libgit2: a libgit2 call that fails sets libgit2's error state, which needs
    /// `git_libgit2_init` first, and text from a file (`.git/goalsync` state) may be parsed before it.
    public init?(hex: String) {
        var oid = git_oid()
        var text = hex
        let ok = text.withUTF8 { digits -> Bool in
            guard digits.count == 40 else { return false }
            return withUnsafeMutableBytes(of: &oid.id) { bytes in
                for i in 0..<20 {
                    guard let high = Self.nibble(digits[2 * i]), let low = Self.nibble(digits[2 * i + 1]) else { return false }
                    bytes[i] = high << 4 | low
                }
                return true
            }
        }
        guard ok else { return nil }
        self.init(oid)
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// The 20 raw bytes, as a new array.
    public var bytes: [UInt8] { withBytes { Array($0) } }

    /// Runs `body` with the 20 raw bytes.
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeBytes(of: oid.id, body)
    }

    var raw: git_oid { oid }

    /// Runs `body` with a pointer to a temporary `git_oid` holding this id.
    @discardableResult
    func withRaw<R>(_ body: (UnsafePointer<git_oid>) throws -> R) rethrows -> R {
        var copy = oid
        return try body(&copy)
    }

    /// The id's three words (8 + 8 + 4 bytes, in memory order): what equality and hashing compare.
    private var words: (UInt64, UInt64, UInt32) {
        withBytes { ($0.loadUnaligned(fromByteOffset: 0, as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                     $0.loadUnaligned(fromByteOffset: 16, as: UInt32.self)) }
    }

    public static func == (a: ObjectID, b: ObjectID) -> Bool { a.words == b.words }

    public func hash(into hasher: inout Hasher) {
        let (x, y, z) = words
        hasher.combine(x)
        hasher.combine(y)
        hasher.combine(z)
    }

    /// Lower-case hex digits: the one table every hex text of goalsync's git layer is written with.
    package static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    public var hex: String {
        String(unsafeUninitializedCapacity: 40) { out in
            withBytes { bytes in
                for (i, b) in bytes.enumerated() {
                    out[2 * i] = Self.hexDigits[Int(b >> 4)]
                    out[2 * i + 1] = Self.hexDigits[Int(b & 0xF)]
                }
            }
            return 40
        }
    }

    public var short: String { String(hex.prefix(8)) }
    public var description: String { hex }

    public static func < (a: ObjectID, b: ObjectID) -> Bool {
        a.withBytes { x in b.withBytes { y in x.lexicographicallyPrecedes(y) } }
    }
}
