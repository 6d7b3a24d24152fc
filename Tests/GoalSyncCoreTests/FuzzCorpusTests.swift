import Foundation
import GoalSyncFuzzChecks
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
}
