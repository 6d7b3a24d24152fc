/// Takes `thin-pack` out of the capabilities `git-upload-pack` advertises, on their way from the server
/// to libgit2, so that libgit2 does not ask for a thin pack and the server sends a pack whose deltas all
/// have their bases inside it.
///
/// Why: libgit2 1.5 asks for a thin pack whenever the server offers one, and completes it
/// (`fix_thin_pack` in `indexer.c`) one missing base at a time, trying every remaining delta again after
/// each: quadratic in the number of changed files. A pull of 1,000 changed goals spent about 0.4 s
/// there, over https and ssh alike (a fetch from a path is not affected: libgit2's local transport
/// builds its own pack). git's own `index-pack` has no such cost, which is why the https pull was slower
/// than `git pull`. The price is a larger download: the changed files' new versions whole (zlib
/// compressed) instead of as deltas against the versions the client has.
///
/// The advertisement is pkt-lines: over http first `# service=git-upload-pack` and a flush, then (as
/// over ssh, git:// and a local service) the first reference, whose line holds the capabilities after
/// a NUL byte. Only that line is rewritten (its length too); everything before and after it passes
/// unchanged, as do answers that are not an advertisement (an error page, `ERR` lines, protocol v2).
package struct ThinPackRefusal {
    private var pending = [UInt8]()
    /// The capability line was rewritten, or what arrives is not an advertisement: pass the rest as is.
    package private(set) var isDone = false

    package init() {}

    /// Takes the next bytes the server sent; returns the bytes to hand on now (fewer than given while
    /// a pkt-line is incomplete; the rest comes with later calls or ``end()``).
    package mutating func pass(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        if isDone { return Array(bytes) }
        pending.append(contentsOf: bytes)
        var out = [UInt8]()
        var start = 0
        while !isDone, pending.count - start >= 4 {
            guard let length = Self.length(pending[start..<(start + 4)]) else {
                isDone = true
                break
            }
            if length < 4 {  // flush (0000), delimiter (0001), response end (0002): no payload
                out += pending[start..<(start + 4)]
                start += 4
                continue
            }
            guard pending.count - start >= length else { break }
            let payload = pending[(start + 4)..<(start + length)]
            if let nul = payload.firstIndex(of: 0) {
                out += Self.withoutThinPack(payload, nul: nul)
                start += length
                isDone = true
            } else if payload.starts(with: Self.serviceLine) {
                out += pending[start..<(start + length)]
                start += length
            } else {
                isDone = true
            }
        }
        if isDone {
            out += pending[start...]
            pending = []
        } else {
            pending.removeFirst(start)
        }
        return out
    }

    /// The bytes held back when the answer ended (an incomplete pkt-line, handed on for libgit2 to
    /// report).
    package mutating func end() -> [UInt8] {
        defer {
            pending = []
            isDone = true
        }
        return pending
    }

    private static let serviceLine = Array("# service=".utf8)

    /// A pkt-line's length from its 4 hex digits; nil when they are not hex.
    private static func length(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for d in digits {
            switch d {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = value * 16 + Int(d - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = value * 16 + Int(d - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = value * 16 + Int(d - UInt8(ascii: "A")) + 10
            default: return nil
            }
        }
        return value
    }

    /// The pkt-line of `payload` (a reference, NUL at `nul`, the capabilities) without `thin-pack`.
    private static func withoutThinPack(_ payload: ArraySlice<UInt8>, nul: Int) -> [UInt8] {
        var capabilities = payload[(nul + 1)...]
        let newline = capabilities.last == UInt8(ascii: "\n")
        if newline { capabilities = capabilities.dropLast() }
        let kept = capabilities.split(separator: UInt8(ascii: " ")).filter { !$0.elementsEqual("thin-pack".utf8) }
        var line = Array(payload[...nul])
        for (i, word) in kept.enumerated() {
            if i > 0 { line.append(UInt8(ascii: " ")) }
            line += word
        }
        if newline { line.append(UInt8(ascii: "\n")) }
        let length = line.count + 4
        return [12, 8, 4, 0].map { ObjectID.hexDigits[(length >> $0) & 0xF] } + line
    }
}
