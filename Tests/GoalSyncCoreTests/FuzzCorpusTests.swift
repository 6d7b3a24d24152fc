import Foundation
import GoalSyncCore
import GoalSyncFuzzChecks
import GoalSyncTestSupport
import Testing

/// The fuzz targets' checks (Fuzz/Sources/GoalSyncFuzzChecks) on every seed of Fuzz/corpus and on
/// every reproducer a fuzz run found (Fixtures/fuzz/<target>/), without libFuzzer: what fuzzing once
/// found stays fixed in the ordinary suite.
@Suite("Fuzz corpus and reproducers")
struct FuzzCorpusTests {
    static let corpus = Fixtures.packageRoot.appendingPathComponent("Fuzz/corpus")
    static let reproducers = Fixtures.testsDirectory.appendingPathComponent("Fixtures/fuzz")

    /// The files of `root/target`, sorted by name.
    static func files(_ root: URL, _ target: String) -> [URL] {
        let dir = root.appendingPathComponent(target)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.sorted().map { dir.appendingPathComponent($0) }
    }

    static func check(_ target: String, _ file: URL) throws -> String? {
        let check = try #require(FuzzChecks.targets[target], "no fuzz target \(target)")
        return check(Array(try Data(contentsOf: file)))
    }

    @Test("Every fuzz target has a seed corpus, and every seed passes its checks",
          arguments: ["frontmatter", "merge", "index", "config", "remoteurl"])
    func seeds(target: String) throws {
        let seeds = Self.files(Self.corpus, target)
        #expect(seeds.count >= 5, "Fuzz/corpus/\(target) holds \(seeds.count) seeds")
        for file in seeds {
            #expect(try Self.check(target, file) == nil, "Fuzz/corpus/\(target)/\(file.lastPathComponent)")
        }
    }

    @Test("Every reproducer a fuzz run found passes its target's checks now")
    func reproducers() throws {
        let targets = (try? FileManager.default.contentsOfDirectory(atPath: Self.reproducers.path)) ?? []
        for target in targets.sorted() {
            #expect(FuzzChecks.targets[target] != nil, "Fixtures/fuzz/\(target) names no fuzz target")
            for file in Self.files(Self.reproducers, target) {
                #expect(try Self.check(target, file) == nil, "Fixtures/fuzz/\(target)/\(file.lastPathComponent)")
            }
        }
    }

    @Test("A merge input splits into base, ours and theirs at the separator; missing parts are empty")
    func mergeSplit() {
        let sep = FuzzChecks.mergeSeparator
        #expect(FuzzChecks.split(ArraySlice(Array("a".utf8) + sep + Array("b".utf8) + sep + Array("c".utf8) + sep + Array("d".utf8)))
                == [Array("a".utf8), Array("b".utf8), Array("c".utf8) + sep + Array("d".utf8)])
        #expect(FuzzChecks.split(ArraySlice(Array("only".utf8))) == [Array("only".utf8), [], []])
    }

    // Found by fuzz-frontmatter: a mapping written as a key (`- {sprint: "13"}: done`) became a key
    // made of Swift's description of the Yams node (with a process address in it, so not even the
    // same from one run to the next), which the writer then wrote as a key over YAML's 1024
    // characters: the goal no longer read back.
    @Test("A list or mapping used as a key is an error naming its line, not a field named by Swift's description",
          arguments: [("mapping-as-key-minimal.md", 6), ("list-as-explicit-key.md", 5), ("mapping-as-key-in-flow-list.md", 48)])
    func complexKey(name: String, line: Int) throws {
        let bytes = Array(try Data(contentsOf: Self.reproducers.appendingPathComponent("frontmatter/\(name)")))
        #expect(throws: MarkdownDocument.ParseError.yaml(line: line, message: "a key is a list or mapping; write each field's name as plain text")) {
            try MarkdownDocument.parse(bytes)
        }
        #expect(FuzzChecks.frontMatter(bytes) == nil)
    }
}
