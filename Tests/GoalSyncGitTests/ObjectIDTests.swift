import GoalSyncGit
import GoalSyncTestSupport
import Testing

/// ``ObjectID`` holds its 20 bytes inline: hex text round-trips, and equality, hashing and order
/// agree with the hex text's.
@Suite struct ObjectIDTests {
    static func hexes(_ count: Int) -> [String] {
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        let digits = Array("0123456789abcdef")
        var out = ["0000000000000000000000000000000000000000", "ffffffffffffffffffffffffffffffffffffffff",
                   "0000000000000000000000000000000000000001", "1000000000000000000000000000000000000000",
                   "00000000000000000000000000000000000000ff", "00000000000000000000000000000000ff000000"]
        while out.count < count {
            out.append(String((0..<40).map { _ in
                x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return digits[Int(x >> 60)]
            }))
        }
        return out
    }

    @Test func hexRoundTripsAndBytesAgree() throws {
        for hex in Self.hexes(200) {
            let id = try #require(ObjectID(hex: hex))
            #expect(id.hex == hex)
            #expect(id.description == hex)
            #expect(id.short == String(hex.prefix(8)))
            #expect(id.bytes.count == 20)
            #expect(id.bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined() == hex)
            #expect(ObjectID(hex: hex.uppercased()) == id)
        }
    }

    @Test func equalityHashingAndOrderFollowTheHexText() throws {
        let hexes = Self.hexes(120)
        let ids = try hexes.map { try #require(ObjectID(hex: $0)) }
        #expect(Set(ids).count == Set(hexes).count)
        for (a, ha) in zip(ids, hexes) {
            for (b, hb) in zip(ids, hexes) {
                #expect((a == b) == (ha == hb))
                #expect((a < b) == (ha < hb), "\(ha) \(hb)")
                if a == b { #expect(a.hashValue == b.hashValue) }
            }
        }
        // Ids that differ only in the last word are told apart.
        let last = try #require(ObjectID(hex: "0000000000000000000000000000000000000001"))
        let zero = try #require(ObjectID(hex: "0000000000000000000000000000000000000000"))
        #expect(last != zero && zero < last)
    }

    @Test(arguments: ["", "abc", String(repeating: "g", count: 40), String(repeating: "a", count: 39), String(repeating: "a", count: 41), " " + String(repeating: "a", count: 39)])
    func notAnIdIsNil(text: String) {
        #expect(ObjectID(hex: text) == nil)
    }
}
