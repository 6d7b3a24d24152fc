import Foundation
import GoalSyncTestSupport
import Testing
@testable import GoalSyncCore

/// SPEC §6: content from a remote is untrusted. A commit whose tree holds a hostile entry (made
/// with plain git, `git hash-object --literally`) is refused by a fast-forward, a merge and a clone
/// before anything is written: nothing appears anywhere, the branch and the index stay, the error
/// names the entry; a later good commit pulls and clones as usual.
@Suite("Hostile trees")
struct HostileTreeTests {
    enum Kind: String, CaseIterable, Sendable {
        case dotdot, dot, dotGit, dotGitUpper, dotGitDot, gitTilde, hfsDotGit, backslash, symlink, gitlink, goalsyncSymlink

        /// The entry as the error shows it (escaped).
        var shown: String {
            switch self {
            case .dotdot: return "goals/.."
            case .dot: return "goals/."
            case .dotGit: return "goals/.git"
            case .dotGitUpper: return ".GIT"
            case .dotGitDot: return "goals/.git."
            case .gitTilde: return "goals/git~1"
            case .hfsDotGit: return "goals/.g\\u{200C}it"
            case .backslash: return "goals/..\\\\..\\\\pwn.sh"
            case .symlink: return "goals/x.md"
            case .gitlink: return "goals/sub"
            case .goalsyncSymlink: return ".goalsync"
            }
        }
    }

    /// The root tree of main in the remote, with the hostile entry of `kind` added (or, for
    /// `.goalsync`, put in place of the folder). `sentinel` is the folder a `..` chain reaches.
    func hostileTree(_ kind: Kind, _ b: TreeBuilder) throws -> String {
        var root = try b.entries(of: "refs/heads/main")
        var goals = try b.entries(of: "refs/heads/main:goals")
        let script = try b.blob("#!/bin/sh\necho pwned > /tmp/goalsync-pwned\n")
        let config = try b.blob("[core]\n\tfsmonitor = echo pwned > /tmp/goalsync-pwned\n")
        let gitFolder = try b.tree([.init("100644", "config", config), .init("100644", "HEAD", try b.blob("ref: refs/heads/main\n"))])
        switch kind {
        case .dotdot:
            // goals/../pwn.sh is the work tree's root; goals/../../sentinel/pwn.sh is beside it.
            let sentinel = try b.tree([.init("100755", "pwn.sh", script)])
            let up = try b.tree([.init("40000", "sentinel", sentinel)])
            goals.append(.init("40000", "..", try b.tree([.init("40000", "..", up), .init("100755", "pwn.sh", script)])))
        case .dot: goals.append(.init("40000", ".", try b.tree([.init("100755", "pwn.sh", script)])))
        case .dotGit: goals.append(.init("40000", ".git", gitFolder))
        case .dotGitUpper:
            root.append(.init("40000", ".GIT", try b.tree([.init("40000", "hooks", try b.tree([.init("100755", "pre-commit", script)]))])))
        case .dotGitDot: goals.append(.init("40000", ".git.", gitFolder))
        case .gitTilde: goals.append(.init("40000", "git~1", gitFolder))
        case .hfsDotGit: goals.append(.init("40000", ".g\u{200C}it", gitFolder))
        case .backslash: goals.append(.init("100755", "..\\..\\pwn.sh", script))
        case .symlink: goals.append(.init("120000", "x.md", try b.blob("/etc/passwd")))
        case .gitlink: goals.append(.init("160000", "sub", try b.git(["rev-parse", "refs/heads/main"])))
        case .goalsyncSymlink:
            root.removeAll { $0.name == Array(".goalsync".utf8) }
            root.append(.init("120000", ".goalsync", try b.blob("../sentinel")))
        }
        root.removeAll { $0.name == Array("goals".utf8) }
        root.append(.init("40000", "goals", try b.tree(goals)))
        return try b.tree(root)
    }

    /// Every file and folder under the team's folder, but the clones' `.git` folders.
    static func everything(_ team: Team) -> [String: [UInt8]] {
        TestRepo.files(under: team.base).filter { !$0.key.contains("/.git/") && !$0.key.hasSuffix("/.git/") }
    }

    @Test("A hostile entry is refused by a fast-forward, a merge and a clone, and a later good commit pulls", arguments: Kind.allCases)
    func refused(_ kind: Kind) throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        try ana.goalsync("new", "Raise activation from 30% to 50%", "--id", "g").requireOK("new")
        try ana.goalsync("push").requireOK("push")
        let cy = try team.join("Cy")  // pulls by fast-forward
        let ben = try team.join("Ben")  // has a commit of his own, so pulls by merging
        try ben.goalsync("set", "g", "persona", "New admins").requireOK("set")
        try FileManager.default.createDirectory(atPath: team.base + "/sentinel", withIntermediateDirectories: true)
        let remote = TreeBuilder(dir: team.remote, environment: team.env.merging(ana.identity) { $1 })
        let good = try remote.git(["rev-parse", "refs/heads/main"])
        let hostile = try remote.commit(tree: try hostileTree(kind, remote), parent: good, message: "hostile")
        try remote.setBranch("refs/heads/main", to: hostile)

        let files = Self.everything(team)
        let (cyBefore, benBefore) = (try cy.state(), try ben.state())
        for (member, how) in [(cy, "fast-forward"), (ben, "merge")] {
            let r = try member.goalsync("pull")
            expectCleanFailure(r, exit: 2, mentioning: "because of \(kind.shown):")
            #expect(r.stderr.contains("was not applied") && r.stderr.contains("Nothing was written"), "\(how): \(r)")
        }
        let clone = try team.run(team.binary, ["clone", team.remote, "fresh"], in: team.base)
        expectCleanFailure(clone, exit: 2, mentioning: "because of \(kind.shown) in its commit")
        #expect(!FileSystem.exists(team.base + "/fresh"))
        // Nothing written anywhere; branches and indexes as they were; nothing for git to show.
        let after = Self.everything(team)
        #expect(after == files, "changed: \(Set(after.keys).symmetricDifference(files.keys).sorted())")
        #expect(try cy.state() == cyBefore)
        #expect(try ben.state() == benBefore)
        for m in [cy, ben] { #expect(try m.git("status", "--porcelain", "--ignored").stdout.isEmpty) }
        #expect(!FileSystem.exists("/tmp/goalsync-pwned"))

        // A good commit on top: Ana's change, made on the good commit, committed onto the hostile one.
        try ana.goalsync("set", "g", "title", "Raise activation from 30% to 55%").requireOK("set")
        try ana.git("push", "-q", "origin", "HEAD:refs/heads/fix").requireOK("push fix source")
        let fix = try remote.commit(tree: try remote.git(["rev-parse", "refs/heads/fix^{tree}"]), parent: hostile, message: "fix")
        try remote.setBranch("refs/heads/main", to: fix)
        #expect(try cy.goalsync("pull").requireOK("good pull").stdout.contains("Fast-forwarded"))
        #expect(cy.head == fix)
        try ben.goalsync("pull").requireOK("good merge")
        let merged = try ben.text("goals/g.md")
        #expect(merged.contains("55%") && merged.contains("persona: New admins"))
        try team.run(team.binary, ["clone", team.remote, "fresh"], in: team.base).requireOK("good clone")
        #expect(try String(contentsOfFile: team.base + "/fresh/goals/g.md", encoding: .utf8).contains("55%"))
        for dir in [cy.dir, ben.dir, team.base + "/fresh"] {
            let status = try team.run(TestRepo.gitPath, ["status", "--porcelain", "--ignored"], in: dir)
            #expect(status.status == 0 && status.stdout.isEmpty, "\(dir): \(status)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: team.base + "/sentinel").isEmpty)
    }

    @Test("An object that is not the blob its tree says: the pull fails, the files written so far are put back, and a later pull works")
    func aFailedWriteIsRolledBack() throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        for id in ["g", "h"] { try ana.goalsync("new", "Raise activation from 30% to 50%", "--id", id).requireOK("new") }
        try ana.goalsync("push").requireOK("push")
        let cy = try team.join("Cy")
        // goals/h.md deleted (done first), then zzz/evil.txt, a "file" whose object is a tree.
        let remote = TreeBuilder(dir: team.remote, environment: team.env.merging(ana.identity) { $1 })
        let good = try remote.git(["rev-parse", "refs/heads/main"])
        let goals = try remote.entries(of: "refs/heads/main:goals").filter { $0.name != Array("h.md".utf8) }
        var root = try remote.entries(of: "refs/heads/main").filter { $0.name != Array("goals".utf8) }
        root.append(.init("40000", "goals", try remote.tree(goals)))
        root.append(.init("40000", "zzz", try remote.tree([.init("100644", "evil.txt", try remote.git(["rev-parse", "refs/heads/main^{tree}"]))])))
        let bad = try remote.commit(tree: try remote.tree(root), parent: good, message: "bad object")
        try remote.setBranch("refs/heads/main", to: bad)
        let before = try cy.state()
        let r = try cy.goalsync("pull")
        expectCleanFailure(r, exit: 2, mentioning: "the pull could not write the work tree")
        #expect(r.stderr.contains("its files were put back and your branch did not move"), "\(r)")
        #expect(try cy.state() == before)
        #expect(!FileSystem.exists(cy.dir + "/.git/goalsync/pull.json"))
        // The remote fixed: the next pull works.
        try remote.setBranch("refs/heads/main", to: try remote.commit(tree: try remote.git(["rev-parse", "\(good)^{tree}"]), parent: bad, message: "fix"))
        try cy.goalsync("pull").requireOK("pull after the fix")
        #expect(try cy.git("status", "--porcelain", "--ignored").stdout.isEmpty)
    }

    @Test("Every path of a plan is checked, deletions included")
    func planPathsAreCheckedDeletionsIncluded() throws {
        // The plan is checked too, deletions included: were HEAD to hold goals/../VISION.md, a pull
        // that drops it must not delete the work tree's VISION.md.
        let plan = [TreeMerge.Update(path: "goals/../VISION.md", blob: nil, executable: false)]
        #expect(throws: TreePathCheck.Refusal.self) { try TreePathCheck.plan(plan, workTree: "/nonexistent") }
    }

    @Test("A folder on the way that is a symbolic link in the work tree is refused; nothing is written through it")
    func symlinkedFolderInTheWorkTree() throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        try ana.goalsync("new", "Raise activation from 30% to 50%", "--id", "g").requireOK("new")
        try ana.goalsync("push").requireOK("push")
        let ben = try team.join("Ben")
        try ana.goalsync("set", "g", "persona", "Admins").requireOK("set")
        try ana.goalsync("push").requireOK("push")
        // Ben's goals folder is a link to a folder outside his clone.
        let outside = team.base + "/outside"
        try FileManager.default.moveItem(atPath: ben.dir + "/goals", toPath: outside)
        try FileManager.default.createSymbolicLink(atPath: ben.dir + "/goals", withDestinationPath: outside)
        let before = TestRepo.files(under: outside)
        let head = ben.head
        let r = try ben.goalsync("pull")
        expectCleanFailure(r, exit: 2, mentioning: "because of goals: this folder is a symbolic link in your work tree")
        #expect(TestRepo.files(under: outside) == before)
        #expect(ben.head == head)
    }

    @Test("A fast-forward that brings invalid goal files names every one, says the pull completed, and status names every active goal")
    func invalidContentIsReportedAtOnce() throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        for id in ["a", "b"] {
            try ana.goalsync("new", "Raise activation from 30% to 50%", "--id", id).requireOK("new")
            try ana.goalsync("set", id, "status", "proposed").requireOK("propose")
        }
        try ana.goalsync("activate", "a").requireOK("activate")
        try ana.goalsync("push").requireOK("push")
        let cy = try team.join("Cy")
        // A commit made with plain git, without the hook: b active too, a file that is not UTF-8,
        // a copy of b under another name (a duplicate id), a status the schema does not know.
        let remote = TreeBuilder(dir: team.remote, environment: team.env.merging(ana.identity) { $1 })
        let b = try remote.git(["cat-file", "blob", "refs/heads/main:goals/b.md"])
        var goals = try remote.entries(of: "refs/heads/main:goals").filter { $0.name != Array("b.md".utf8) }
        goals.append(.init("100644", "b.md", try remote.blob(b.replacingOccurrences(of: "status: proposed", with: "status: active") + "\n")))
        var notUTF8 = Array((b.replacingOccurrences(of: "id: b", with: "id: bad-utf8") + "\n").utf8)
        notUTF8.insert(contentsOf: [0xFF, 0xFE], at: notUTF8.count - 1)
        goals.append(.init("100644", "bad-utf8.md", try remote.blob(notUTF8)))
        goals.append(.init("100644", "dup.md", try remote.blob(b + "\n")))
        goals.append(.init("100644", "schema.md", try remote.blob(b.replacingOccurrences(of: "id: b", with: "id: schema").replacingOccurrences(of: "status: proposed", with: "status: bogus") + "\n")))
        var root = try remote.entries(of: "refs/heads/main").filter { $0.name != Array("goals".utf8) }
        root.append(.init("40000", "goals", try remote.tree(goals)))
        let tip = try remote.commit(tree: try remote.tree(root), parent: try remote.git(["rev-parse", "refs/heads/main"]), message: "no hook")
        try remote.setBranch("refs/heads/main", to: tip)

        let r = try cy.goalsync("pull")
        #expect(r.status == 1, "\(r)")
        #expect(r.stdout.contains("Fast-forwarded to \(tip.prefix(8))"))
        #expect(cy.head == tip)
        for file in ["goals/a.md", "goals/b.md", "goals/bad-utf8.md", "goals/dup.md", "goals/schema.md"] {
            #expect(r.stderrLines.contains { $0.hasPrefix(file + ":") }, "\(file) not named: \(r)")
        }
        let last = try #require(r.stderrLines.last)
        #expect(last.contains("the pull completed") && last.contains("5 goal files breaking the rules"), "\(r)")
        expectNoCrash(r)
        // Every active goal is named, with the way to keep one.
        let status = try cy.goalsync("status")
        #expect(status.stdout.contains("2 goals are active: a, b."), "\(status)")
        #expect(status.stdout.contains("goalsync activate ID --close"))
        let json = try cy.goalsync("status", "--json")
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["active_goals"] as? [String] == ["a", "b"], "\(json)")
        // Pulling again with nothing new says so and changes nothing.
        #expect(try cy.goalsync("pull").stdout.contains("Already up to date"))
    }

    @Test("activate ID --close keeps an active goal and closes the others a pull made active")
    func activateKeepsOneOfSeveralActives() throws {
        let repo = try TestRepo()
        for id in ["a", "b"] {
            try repo.newGoal(id: id)
            _ = try repo.ok("set", id, "status", "proposed")
        }
        _ = try repo.ok("activate", "a")
        // b made active with plain git, past the hook (as a pull could bring it).
        let text = try repo.read("goals/b.md").replacingOccurrences(of: "status: proposed", with: "status: active")
        try repo.write("goals/b.md", text)
        #expect(try repo.commitAll("b active", verify: false).status == 0)
        let refused = try repo.goalsync("activate", "a")
        #expect(refused.status == 1 && refused.stderr.contains("--close"), "\(refused)")
        _ = try repo.ok("activate", "a", "--close", "abandoned", "--reason", "two were active")
        #expect(try repo.read("goals/a.md").contains("status: active"))
        #expect(try repo.read("goals/b.md").contains("status: abandoned"))
        #expect(try repo.lastMessage().contains("a stays active; b active -> abandoned"))
    }
}

/// git's rules for one name (git's t1450-fsck and t0060-path-utils cases), and what goalsync adds.
@Suite("Git path names")
struct GitPathNameTests {
    static let refused: [String] = [
        "", ".", "..", ".git", ".GIT", ".Git", ".gIt", ".git.", ".git ", ".git. . .", ".git::$INDEX_ALLOCATION", ".git:stream",
        "git~1", "GIT~1", "git~1.", "git~1 ", ".g\u{200C}it", ".\u{200D}git", ".gi\u{FEFF}t\u{200E}", "\u{206F}.GIT",
        "a/b", "a\\b", "..\\x", ".git\\foobar", "a\0b", "...", ".. ", ". .",
    ]
    static let allowed: [String] = [
        "a", "x.md", "goals", ".gitattributes", ".gitmodules", ".gitignore", ".goalsync", ".github", ".git-x", ".gitx",
        "git~2", "git~10", "git", "..a", "a..", "git~", ".g\u{0130}t", "ünï.md", "\u{200C}", ".mailmap",
    ]

    @Test(arguments: refused)
    func refusedName(_ name: String) {
        #expect(GitPathName.refusal(Array(name.utf8)) != nil, "\(GitPathName.display(name.utf8)) should be refused")
    }

    @Test(arguments: allowed)
    func allowedName(_ name: String) {
        #expect(GitPathName.refusal(Array(name.utf8)) == nil, "\(GitPathName.display(name.utf8)) should be allowed")
    }

    @Test func bytesThatAreNotUTF8AreRefused() {
        for bad: [UInt8] in [[0xFF], [0x61, 0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]] {
            #expect(GitPathName.refusal(bad) != nil)
        }
    }

    @Test func symbolicLinksNamedLikeGitFilesAreRefused() {
        for name in [".gitmodules", ".GITMODULES", "gitmod~1", "GI7EBA~1", "gi7eba~9", ".gitmodules ", ".gitattributes", "gitatt~1", ".gitignore", ".mailmap", ".g\u{200C}itmodules"] {
            #expect(GitPathName.refusal(Array(name.utf8), isSymlink: true) != nil, "\(name)")
            #expect(GitPathName.refusal(Array(name.utf8), isSymlink: false) == nil, "\(name)")
        }
    }

    @Test func displayEscapesWhatCouldHide() {
        #expect(GitPathName.display(".g\u{200C}it".utf8) == ".g\\u{200C}it")
        #expect(GitPathName.display([0x61, 0xFF, 0x0A, 0x5C]) == "a\\xFF\\x0A\\\\")
        #expect(GitPathName.display("goals/x.md".utf8) == "goals/x.md")
    }
}
