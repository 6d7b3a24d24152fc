import CLibgit2

/// A git object id (SHA-1), copied out of libgit2 as plain bytes.
public struct ObjectID: Hashable, Sendable, CustomStringConvertible, Comparable {
    /// The 20 raw bytes.
    public let bytes: [UInt8]

    init(_ oid: git_oid) {
        var copy = oid
        bytes = withUnsafeBytes(of: &copy.id) { Array($0) }
    }

    init(_ pointer: UnsafePointer<git_oid>) { self.init(pointer.pointee) }

    /// Parses 40 hex digits (`git_oid_fromstrn`).
    public init?(hex: String) {
        guard hex.utf8.count == 40 else { return nil }
        var oid = git_oid()
        let ok = hex.withCString { git_oid_fromstrn(&oid, $0, 40) } == 0
        guard ok else { return nil }
        self.init(oid)
    }

    var raw: git_oid {
        var oid = git_oid()
        withUnsafeMutableBytes(of: &oid.id) { buffer in
            for (i, b) in bytes.enumerated() { buffer[i] = b }
        }
        return oid
    }

    /// Runs `body` with a pointer to a temporary `git_oid` holding this id.
    @discardableResult
    func withRaw<R>(_ body: (UnsafePointer<git_oid>) throws -> R) rethrows -> R {
        var oid = raw
        return try body(&oid)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    public var hex: String {
        var out = [UInt8]()
        out.reserveCapacity(40)
        for b in bytes {
            out.append(Self.hexDigits[Int(b >> 4)])
            out.append(Self.hexDigits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public var short: String { String(hex.prefix(8)) }
    public var description: String { hex }

    public static func < (a: ObjectID, b: ObjectID) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
}
