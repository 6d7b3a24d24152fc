import Foundation
import GoalSyncCore
import GoalSyncGit
import GoalSyncTestSupport
import Testing

/// `validateStaged()` (what the pre-commit hook runs) reads the index in place and takes the
/// unchanged part of the tree from a summary of HEAD's `goals/` tree that it carries from commit to
/// commit. Whatever state that summary is in (missing, HEAD's, predicted for a commit that was or
/// was not made, stale after commits made without the hook, damaged), it must give exactly what a
/// full validation of the staged tree gives.
@Suite("Staged validation: the hook's fast path agrees with a full check")
struct StagedValidationTests {
    static func open(_ repo: TestRepo, env: [String: String?] = [:]) throws -> GoalRepository {
        try GoalRepository.open(at: repo.root, environment: repo.merged(env))
    }

    /// Checks the fast path against the full validation of the same index, and returns the
    /// errors as "file: message" lines for the scenario's own expectations.
    @discardableResult
    static func agree(_ repo: TestRepo, env: [String: String?] = [:], sourceLocation: SourceLocation = #_sourceLocation) throws -> [String] {
        let core = try open(repo, env: env)
        let fast = try RepositoryChecks(core).validateStaged()
        let full = try RepositoryChecks(core).validate(tree: RepositoryChecks(core).stagedFiles())
        #expect(fast.diagnostics == full, "fast path and full check differ", sourceLocation: sourceLocation)
        let goalFiles = try RepositoryChecks(core).stagedFiles().filter { $0.path.hasPrefix("goals/") && $0.path.hasSuffix(".md") && !$0.path.dropFirst(6).contains("/") }
        #expect(fast.goalFiles == goalFiles.count, sourceLocation: sourceLocation)
        // Again, now that the summary is HEAD's (or predicted): the same answer.
        #expect(try RepositoryChecks(open(repo, env: env)).validateStaged().diagnostics == full, "second run differs", sourceLocation: sourceLocation)
        return fast.diagnostics.filter { $0.severity == .error }.map { "\($0.file): \($0.message)" }
    }

    /// "path id mode stage" for each entry, in order.
    static func listing(_ index: some IndexEntries) -> [String] {
        var out = [String]()
        index.forEachEntry { e in
            out.append("\(String(cString: e.path)) \(e.objectID.hex) \(String(e.mode, radix: 8)) \(e.stage)")
            return true
        }
        return out
    }

    static func commitWithoutHook(_ repo: TestRepo, _ message: String) throws {
        try repo.git("add", "-A")
        let r = try repo.git("commit", "-q", "--no-verify", "-m", message)
        try #require(r.status == 0, "\(r)")
    }

    @Test("One active goal, errors in unchanged files, symlinks and duplicate ids, across commits")
    func scenarios() throws {
        let repo = try TestRepo()
        try repo.commitGoal("a", GoalText.clean(id: "a", status: "active").text)
        try repo.commitGoal("b", GoalText.clean(id: "b").text)
        #expect(try Self.agree(repo).isEmpty)

        // A second active goal staged: the unchanged active one comes from the summary.
        try repo.write("goals/c.md", GoalText.clean(id: "c", status: "active").text)
        try repo.git("add", "goals/c.md")
        let twoActive = try Self.agree(repo)
        #expect(twoActive.count == 2 && twoActive.allSatisfy { $0.contains("2 goals are active") }, "\(twoActive)")
        try repo.git("reset", "-q", "goals/c.md")
        try FileManager.default.removeItem(atPath: repo.path("goals/c.md"))

        // A broken file committed without the hook is reported while it stays broken.
        try repo.write("goals/broken.md", "---\nid: broken\ntitle: [unclosed\n---\n")
        try Self.commitWithoutHook(repo, "broken, past the hook")
        try repo.write("goals/b.md", GoalText.clean(id: "b").setting("why", "Retention triples").text)
        try repo.git("add", "goals/b.md")
        #expect(try Self.agree(repo).contains { $0.hasPrefix("goals/broken.md:") })

        // A symbolic link among the goals, committed without the hook.
        try FileManager.default.createSymbolicLink(atPath: repo.path("goals/link.md"), withDestinationPath: "b.md")
        try Self.commitWithoutHook(repo, "link, past the hook")
        try repo.write("goals/b.md", GoalText.clean(id: "b").setting("why", "Retention quadruples").text)
        try repo.git("add", "goals/b.md")
        let withLink = try Self.agree(repo)
        #expect(withLink.contains { $0.hasPrefix("goals/link.md:") && $0.contains("symbolic link") }, "\(withLink)")

        // A new file that takes an unchanged goal's id: the owner is looked up in the index.
        try repo.write("goals/copy.md", GoalText.clean(id: "a").text)
        try repo.git("add", "goals/copy.md")
        let duplicate = try Self.agree(repo)
        #expect(duplicate.contains { $0.hasPrefix("goals/copy.md:") && $0.contains("already used by goals/a.md") }, "\(duplicate)")

        // Broken file, link and copy gone; the active goal removed while another is activated.
        for name in ["broken", "link", "copy"] { try FileManager.default.removeItem(atPath: repo.path("goals/\(name).md")) }
        try Self.commitWithoutHook(repo, "clean up")
        try FileManager.default.removeItem(atPath: repo.path("goals/a.md"))
        try repo.write("goals/c.md", GoalText.clean(id: "c", status: "active").text)
        try repo.git("add", "-A")
        #expect(try Self.agree(repo).isEmpty)
    }

    @Test("The summary predicted for a commit is used when the commit is made, and ignored when it is not")
    func prediction() throws {
        let repo = try TestRepo()
        try repo.commitGoal("a", GoalText.clean(id: "a", status: "active").text)
        try repo.write("goals/b.md", GoalText.clean(id: "b").text)
        try repo.git("add", "goals/b.md")
        try Self.agree(repo)
        // The staged goals tree's id is known before git writes it.
        let staged = try repo.gitOutput("write-tree", "--prefix=goals/")
        let summaryPath = repo.path(".git/goalsync/tree-summary")
        #expect(try String(contentsOfFile: summaryPath, encoding: .utf8).contains("tree \(staged)\n"))
        try #require(try repo.git("commit", "-q", "-m", "b").status == 0)
        #expect(try repo.gitOutput("rev-parse", "HEAD:goals") == staged)

        // Predicted for a commit that is then not made; HEAD moves another way, without the hook.
        try repo.write("goals/c.md", GoalText.clean(id: "c").text)
        try repo.git("add", "goals/c.md")
        try Self.agree(repo)
        try repo.git("reset", "-q", "goals/c.md")
        try repo.write("goals/d.md", GoalText.clean(id: "d", status: "active").text)
        try Self.commitWithoutHook(repo, "d, a second active goal, past the hook")
        let errors = try Self.agree(repo)
        #expect(errors.filter { $0.contains("2 goals are active") }.count == 2, "\(errors)")

        // A damaged summary is rebuilt.
        try "goalsync-tree-summary 2\ntree 0000\n".write(toFile: summaryPath, atomically: true, encoding: .utf8)
        #expect(try Self.agree(repo).count == 2)
    }

    @Test("Index formats 2, 3 and 4 and GIT_INDEX_FILE read as libgit2 reads them")
    func indexFormats() throws {
        let repo = try TestRepo()
        try repo.commitGoal("a", GoalText.clean(id: "a", status: "active").text)
        try repo.write("goals/b.md", GoalText.clean(id: "b", status: "active").text)
        try repo.write("goals/sub/x.md", "not a goal: in a subfolder\n")
        try repo.write("goals/notes.txt", "not a goal: not Markdown\n")
        try repo.git("add", "goals/b.md", "goals/sub/x.md", "goals/notes.txt")
        // Intent to add sets the extended flags (version 3).
        try repo.write("goals/later.md", GoalText.clean(id: "later").text)
        try repo.git("add", "-N", "goals/later.md")
        for version in ["3", "4", "2"] {
            try repo.git("update-index", "--index-version", version)
            let core = try Self.open(repo)
            let file = try #require(IndexFile.open(path: core.git.gitDir + "index"), "version \(version) not read")
            #expect(Self.listing(file) == Self.listing(try core.git.index()), "version \(version)")
            #expect(file.entry(at: "goals/b.md")?.id == (try core.git.index().entry(at: "goals/b.md"))?.id)
            #expect(file.entry(at: "goals/none.md") == nil)
            try Self.agree(repo)
        }
        // `git add -N` puts later.md in the index but not in the next commit: not checked.
        #expect(!(try Self.agree(repo)).contains { $0.hasPrefix("goals/later.md") })
        try repo.write("goals/empty.md", "")
        try repo.git("add", "-N", "goals/empty.md")
        #expect(!(try Self.agree(repo)).contains { $0.hasPrefix("goals/empty.md") }, "an intent-to-add file is not in the commit")
        try repo.git("rm", "-q", "--cached", "goals/empty.md")
        // Another index file, as `git commit -a` hands the hook: only b is there.
        let other = repo.base + "/other-index"
        try repo.git(["read-tree", "HEAD"], env: ["GIT_INDEX_FILE": other])
        try repo.git(["add", "goals/b.md"], env: ["GIT_INDEX_FILE": other])
        #expect(try Self.agree(repo, env: ["GIT_INDEX_FILE": other]).count == 2)
        try repo.git(["rm", "-q", "--cached", "goals/b.md"], env: ["GIT_INDEX_FILE": other])
        #expect(try Self.agree(repo, env: ["GIT_INDEX_FILE": other]).isEmpty)
    }

    @Test("A committed goal with errors, a copy of a goal under another name, a mode-only change: counted once, as the full check does")
    func errorsCountedOnce() throws {
        let repo = try TestRepo()
        try repo.commitGoal("a", GoalText.clean(id: "a").text)
        // Active, with a timeframe that ends before it starts (an error), past the hook.
        try repo.write("goals/bad.md", GoalText.clean(id: "bad", status: "active").setting("timeframe", "{start: 2026-03-01, end: 2026-01-01}").text)
        try Self.commitWithoutHook(repo, "bad, past the hook")
        try repo.write("goals/c.md", GoalText.clean(id: "c").text)
        try repo.git("add", "goals/c.md")
        for _ in 0..<2 {  // the second time through the caches
            let errors = try Self.agree(repo)
            #expect(errors.contains { $0.hasPrefix("goals/bad.md:") && $0.contains("timeframe") }, "\(errors)")
            #expect(!errors.contains { $0.contains("already used") || $0.contains("goals are active") }, "\(errors)")
        }
        // The same bytes under another name: the copy's id is not its name, and only the copy is wrong.
        try FileManager.default.removeItem(atPath: repo.path("goals/bad.md"))
        try FileManager.default.copyItem(atPath: repo.path("goals/a.md"), toPath: repo.path("goals/copy.md"))
        try repo.git("add", "-A")
        let copy = try Self.agree(repo)
        #expect(!copy.contains { $0.hasPrefix("goals/a.md:") }, "\(copy)")
        #expect(copy.contains { $0.hasPrefix("goals/copy.md:") && $0.contains("already used by goals/a.md") }, "\(copy)")
        try repo.git("reset", "-q", "goals/copy.md")
        try FileManager.default.removeItem(atPath: repo.path("goals/copy.md"))
        // A goal that lacks proof (a lint warning) made executable: unchanged content, same answer.
        try repo.write("goals/d.md", GoalText.clean(id: "d").removing("proof").text)
        try Self.commitWithoutHook(repo, "d")
        try repo.git("update-index", "--chmod=+x", "goals/d.md")
        try Self.agree(repo)
    }

    @Test("A malformed version-4 index is not read in place (libgit2 says what is wrong), never a crash")
    func malformedIndex() throws {
        let repo = try TestRepo()
        try repo.commitGoal("a", GoalText.clean(id: "a").text)
        try repo.git("update-index", "--index-version", "4")
        let path = repo.path(".git/index")
        let good = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(IndexFile.open(path: path) != nil)
        // The first entry's prefix varint (one 0 byte after the 62 fixed bytes): an overflowing
        // varint, then one that drops more than the (empty) previous path has.
        for varint: [UInt8] in [[0xFE, 0xFE, 0xFE, 0xFE, 0xFE, 0xFE, 0xFE, 0xFE, 0xFE, 0xFF, 0x00], [0x05]] {
            var bad = good
            #expect(bad[12 + 62] == 0)
            bad.replaceSubrange((12 + 62)...(12 + 62), with: varint)
            try Data(bad).write(to: URL(fileURLWithPath: path))
            #expect(IndexFile.open(path: path) == nil)
        }
        // Cut short anywhere: nil (the entries, extensions and checksum no longer add up), not a crash.
        for cut in stride(from: 0, to: good.count, by: 7) {
            try Data(good.prefix(cut)).write(to: URL(fileURLWithPath: path))
            #expect(IndexFile.open(path: path) == nil, "cut at \(cut) of \(good.count) bytes")
        }
    }

    @Test("The binary's check reads the same from the top of the work tree (as git runs hooks) and from a subfolder")
    func fromTopAndSubfolder() throws {
        let repo = try TestRepo()
        try repo.commitGoal("a", GoalText.clean(id: "a", status: "active").text)
        try repo.write("goals/b.md", GoalText.clean(id: "b", status: "active").text)
        try repo.git("add", "goals/b.md")
        let top = try repo.goalsync(["validate", "--staged", "--quiet"])
        let sub = try repo.goalsync(["validate", "--staged", "--quiet"], in: repo.path("goals"))
        #expect(top.status == 1 && sub.status == 1)
        #expect(top.stdout == sub.stdout)
        #expect(top.stdout.contains("2 goals are active (a, b)"))
        // With git's GIT_INDEX_FILE naming an index where b is not staged: nothing to refuse.
        let other = repo.base + "/index-without-b"
        try repo.git(["read-tree", "HEAD"], env: ["GIT_INDEX_FILE": other])
        #expect(try repo.goalsync(["validate", "--staged", "--quiet"], env: ["GIT_INDEX_FILE": other]).status == 0)
    }

    @Test("A merge in conflict: the entries of each side are read, and the index is read like libgit2's")
    func conflictStages() throws {
        let repo = try TestRepo()
        try repo.commitGoal("a", GoalText.clean(id: "a").text)
        try repo.git("config", "--remove-section", "merge.goalsync")  // git's text merge: a conflict
        try repo.git("checkout", "-q", "-b", "side")
        try repo.write("goals/a.md", GoalText.clean(id: "a").setting("title", "Raise activation to 60%").text)
        try Self.commitWithoutHook(repo, "side")
        try repo.git("checkout", "-q", "-")
        try repo.write("goals/a.md", GoalText.clean(id: "a").setting("title", "Raise activation to 70%").text)
        try Self.commitWithoutHook(repo, "main")
        #expect(try repo.git("merge", "-q", "--no-edit", "side").status != 0)
        let core = try Self.open(repo)
        let file = try #require(IndexFile.open(path: core.git.gitDir + "index"))
        let seen = Self.listing(file)
        #expect(seen.filter { $0.hasPrefix("goals/a.md ") }.map { $0.suffix(1) } == ["1", "2", "3"])
        #expect(seen == Self.listing(try core.git.index()))
        try Self.agree(repo)
    }
}
