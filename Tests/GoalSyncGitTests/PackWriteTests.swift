import Foundation
import GoalSyncGit
import GoalSyncTestSupport
import Testing

/// `Repository.writeBlobs` writes a merge's results as one pack of its own making (stored zlib
/// blocks, a SHA-1 trailer): plain git must read every object and find the pack sound.
@Suite struct PackWriteTests {
    /// Blob sizes around the edges of the formats: the size header's 4 + 7-bit groups, zlib's
    /// 65,535-byte stored blocks, and SHA-1's 64-byte blocks (the pack's length varies with them).
    static let sizes = [0, 1, 15, 16, 55, 56, 63, 64, 127, 128, 2047, 2048, 65_534, 65_535, 65_536, 131_071, 200_003]

    static func blob(_ size: Int, seed: Int) -> [UInt8] {
        var x = UInt64(truncatingIfNeeded: seed &* 2_654_435_761 &+ size)
        return (0..<size).map { _ in
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: x >> 33)
        }
    }

    @Test(arguments: [16, 17, 18, 19, 20, 33]) func aPackOfBlobsIsWhatGitReads(count: Int) throws {
        let repo = try TestRepo(initialize: false)
        try repo.git("init", "-q")
        let git = try Repository.open(at: repo.root)
        // One blob the repository already has, one given twice.
        let existing = Self.blob(40, seed: count)
        let existingID = try git.writeBlob(existing)
        var contents = (0..<count).map { Self.blob(Self.sizes[$0 % Self.sizes.count] + $0 / Self.sizes.count, seed: $0 + 100 * count) }
        contents += [existing, contents[3]]
        let ids = try git.writeBlobs(contents)
        #expect(ids.count == contents.count)
        #expect(ids[count] == existingID)
        let packs = try FileManager.default.contentsOfDirectory(atPath: repo.root + "/.git/objects/pack").filter { $0.hasSuffix(".pack") }
        #expect(packs.count == 1, "the new blobs are one pack, not loose objects")
        for (id, bytes) in zip(ids, contents) {
            let path = repo.base + "/blob"
            #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
            #expect(try repo.gitOutput("hash-object", path) == id.hex)
            #expect(try repo.git("cat-file", "-e", id.hex).status == 0)
            #expect(try repo.gitOutput("cat-file", "-s", id.hex) == String(bytes.count))
        }
        let verify = try repo.git("verify-pack", ".git/objects/pack/" + packs[0].replacingOccurrences(of: ".pack", with: ".idx"))
        #expect(verify.status == 0, "\(verify)")
        let fsck = try repo.git("fsck", "--full", "--strict")
        #expect(fsck.status == 0, "\(fsck)")
    }

    @Test func fewBlobsStayLooseObjects() throws {
        let repo = try TestRepo(initialize: false)
        try repo.git("init", "-q")
        let git = try Repository.open(at: repo.root)
        let ids = try git.writeBlobs([Array("one\n".utf8), Array("two\n".utf8)])
        #expect(try repo.gitOutput("cat-file", "-p", ids[1].hex) == "two")
        #expect(try FileManager.default.contentsOfDirectory(atPath: repo.root + "/.git/objects/pack").isEmpty)
    }
}
