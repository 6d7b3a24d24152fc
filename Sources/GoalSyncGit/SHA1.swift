/// SHA-1 (RFC 3174): for the checksum that ends a pack file goalsync writes (git's pack format).
/// Not used for anything that needs collision resistance.
enum SHA1 {
    /// The 20-byte SHA-1 digest of `message`.
    static func hash(_ message: [UInt8]) -> [UInt8] {
        message.withUnsafeBytes { hash($0) }
    }

    /// The 20-byte SHA-1 digest of `message`, read in place, 64-byte block by block.
    static func hash(_ message: UnsafeRawBufferPointer) -> [UInt8] {
        var h: (UInt32, UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0)
        var w = [UInt32](repeating: 0, count: 80)
        w.withUnsafeMutableBufferPointer { w in
            func block(_ p: UnsafeRawPointer) {
                for i in 0..<16 { w[i] = UInt32(bigEndian: p.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)) }
                for i in 16..<80 { w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1) }
                var (a, b, c, d, e) = h
                for i in 0..<20 { let t = rotl(a, 5) &+ ((b & c) | (~b & d)) &+ e &+ 0x5A82_7999 &+ w[i]; (e, d, c, b, a) = (d, c, rotl(b, 30), a, t) }
                for i in 20..<40 { let t = rotl(a, 5) &+ (b ^ c ^ d) &+ e &+ 0x6ED9_EBA1 &+ w[i]; (e, d, c, b, a) = (d, c, rotl(b, 30), a, t) }
                for i in 40..<60 { let t = rotl(a, 5) &+ ((b & c) | (b & d) | (c & d)) &+ e &+ 0x8F1B_BCDC &+ w[i]; (e, d, c, b, a) = (d, c, rotl(b, 30), a, t) }
                for i in 60..<80 { let t = rotl(a, 5) &+ (b ^ c ^ d) &+ e &+ 0xCA62_C1D6 &+ w[i]; (e, d, c, b, a) = (d, c, rotl(b, 30), a, t) }
                h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e)
            }
            let n = message.count
            var offset = 0
            while offset + 64 <= n {
                block(message.baseAddress! + offset)
                offset += 64
            }
            // The last bytes, 0x80, zeros, and the length in bits: one or two more blocks.
            var tail = [UInt8](repeating: 0, count: n - offset + 9 <= 64 ? 64 : 128)
            for i in 0..<(n - offset) { tail[i] = message[offset + i] }
            tail[n - offset] = 0x80
            let bits = UInt64(n) &* 8
            for i in 0..<8 { tail[tail.count - 1 - i] = UInt8(truncatingIfNeeded: bits >> UInt64(8 * i)) }
            tail.withUnsafeBytes { t in
                block(t.baseAddress!)
                if t.count == 128 { block(t.baseAddress! + 64) }
            }
        }
        return [h.0, h.1, h.2, h.3, h.4].flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> UInt32(24 - 8 * $0)) } }
    }

    private static func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 { x << n | x >> (32 - n) }
}
