import Foundation
import GoalSyncGit
import GoalSyncTestSupport
import Testing

/// ``ThinPackRefusal`` takes `thin-pack` out of upload-pack's advertised capabilities and leaves every
/// other byte as the server sent it, however the bytes arrive.
@Suite struct ThinPackRefusalTests {
    static func pkt(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        return Array(String(format: "%04x", bytes.count + 4).utf8) + bytes
    }

    static let id = String(repeating: "ab", count: 20)
    static let refs = pkt("\(id) refs/heads/main\n") + pkt("\(id) refs/tags/v1\n") + Array("0000".utf8)

    static func advertisement(_ capabilities: String, http: Bool) -> [UInt8] {
        (http ? pkt("# service=git-upload-pack\n") + Array("0000".utf8) : [])
            + pkt("\(id) HEAD\u{0}\(capabilities)\n") + refs
    }

    /// Runs `input` through a refusal in pieces of `piece` bytes, then ends it.
    static func filtered(_ input: [UInt8], piece: Int) -> [UInt8] {
        var refusal = ThinPackRefusal()
        var out = [UInt8]()
        var offset = 0
        while offset < input.count {
            let end = min(input.count, offset + piece)
            out += input[offset..<end].withUnsafeBytes { refusal.pass($0) }
            offset = end
        }
        return out + refusal.end()
    }

    @Test(arguments: [true, false], [1, 3, 4, 7, 64, 100_000])
    func thinPackIsTakenOutAndNothingElseChanges(http: Bool, piece: Int) {
        let given = Self.advertisement("multi_ack thin-pack side-band side-band-64k ofs-delta shallow agent=git/2.39.5", http: http)
        let wanted = Self.advertisement("multi_ack side-band side-band-64k ofs-delta shallow agent=git/2.39.5", http: http)
        #expect(Self.filtered(given, piece: piece) == wanted)
    }

    @Test(arguments: ["thin-pack", "thin-pack ofs-delta", "ofs-delta thin-pack", "ofs-delta thin-packs no-thin"])
    func whereverItStands(capabilities: String) {
        let given = Self.advertisement(capabilities, http: true)
        let kept = capabilities.split(separator: " ").filter { $0 != "thin-pack" }.joined(separator: " ")
        #expect(Self.filtered(given, piece: 5) == Self.advertisement(kept, http: true))
    }

    /// What is not an advertisement passes unchanged: no `thin-pack` offered, an empty repository's
    /// `capabilities^{}` line still loses it, an `ERR` line, an error page, protocol v2, a cut answer.
    @Test func whatIsNotAnAdvertisementPassesUnchanged() {
        let unchanged: [[UInt8]] = [
            Self.advertisement("multi_ack ofs-delta", http: true),
            Self.pkt("ERR access denied\n"),
            Array("<html><body>404 Not Found</body></html>".utf8),
            Self.pkt("version 2\n") + Self.pkt("agent=git/2.39.5\n") + Self.pkt("fetch=shallow thin-pack\n") + Array("0000".utf8),
            Array(Self.advertisement("thin-pack ofs-delta", http: true).prefix(40)),
            [],
        ]
        for input in unchanged {
            for piece in [1, 6, 1000] {
                #expect(Self.filtered(input, piece: piece) == input, "\(String(decoding: input, as: UTF8.self))")
            }
        }
        let empty = Self.pkt("\(String(repeating: "0", count: 40)) capabilities^{}\u{0}thin-pack ofs-delta\n") + Array("0000".utf8)
        #expect(Self.filtered(empty, piece: 3) == Self.pkt("\(String(repeating: "0", count: 40)) capabilities^{}\u{0}ofs-delta\n") + Array("0000".utf8))
    }
}
