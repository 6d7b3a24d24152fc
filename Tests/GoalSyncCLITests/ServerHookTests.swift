import Foundation
import GoalSyncTestSupport
import Testing
import Yams

/// `goalsync hooks install --server`: the bare repository teammates push to refuses, through git's
/// own `git-receive-pack` and its `pre-receive` hook, a push whose new commits break the rules, with
/// the reasons shown to the pusher as `remote:` lines; and `goalsync validate --rev/--range`, the
/// same rules for CI.
@Suite("Server hook and validate --rev/--range")
struct ServerHookTests {
    // MARK: Helpers

    /// A team whose remote has goalsync's pre-receive hook, and Ana's clone of it.
    static func hookedTeam(branch: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> (Team, Member) {
        let team = try Team(sourceLocation: sourceLocation)
        let ana = try team.founder("Ana")
        let install = try team.run(team.binary, ["-C", team.remote, "hooks", "install", "--server"] + (branch.map { ["--branch", $0] } ?? []), in: team.base)
        try #require(install.status == 0, "\(install)", sourceLocation: sourceLocation)
        try #require(install.stdout.contains("pre-receive hook installed: \(team.remote)/hooks/pre-receive"), "\(install)", sourceLocation: sourceLocation)
        return (team, ana)
    }

    /// Writes goal files and commits them with plain git, skipping the pre-commit hook.
    @discardableResult
    static func commitNoVerify(_ member: Member, _ files: [String: String], message: String = "plain commit") throws -> String {
        for (path, text) in files { try member.write(path, text) }
        try member.git("add", "-A").requireOK("add")
        try member.git("commit", "-q", "--no-verify", "-m", message).requireOK("commit")
        return member.head
    }

    static func active(_ id: String) -> String { GoalText.clean(id: id, status: "active").text }

    /// The lines git shows from the server.
    static func remoteLines(_ r: ProcessResult) -> [String] {
        r.stderrLines.filter { $0.hasPrefix("remote: ") }.map { String($0.dropFirst(8)).trimmingCharacters(in: .whitespaces) }
    }

    /// Builds, with plain git in `member`'s clone, a commit on HEAD whose tree adds `entry`
    /// (`MODE TYPE ID\tNAME`) inside the folder `folder` (made when missing); returns its id.
    @discardableResult
    static func hostileCommit(_ member: Member, folder: String, entry: String) throws -> String {
        let sub = try member.git("ls-tree", "HEAD:\(folder)")
        let lines = (sub.status == 0 ? sub.stdout.split(separator: "\n").map(String.init) : []) + [entry]
        let subtree = try mktree(member, lines)
        var root = try member.git("ls-tree", "HEAD").requireOK("ls-tree").stdout.split(separator: "\n").map(String.init)
        root.removeAll { $0.hasSuffix("\t" + folder) }
        root.append("040000 tree \(subtree)\t\(folder)")
        let tree = try mktree(member, root)
        let commit = try member.git("commit-tree", tree, "-p", "HEAD", "-m", "hostile tree").requireOK("commit-tree").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try member.git("update-ref", "refs/heads/main", commit).requireOK("update-ref")
        return commit
    }

    static func mktree(_ member: Member, _ lines: [String]) throws -> String {
        let r = try ProcessRunner.run(TestRepo.gitPath, ["mktree", "--missing"], in: member.dir, environment: member.team.env,
                                      stdin: Array((lines.joined(separator: "\n") + "\n").utf8))
        try r.requireOK("mktree")
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func blob(_ member: Member, _ text: String) throws -> String {
        let r = try ProcessRunner.run(TestRepo.gitPath, ["hash-object", "-w", "--stdin"], in: member.dir, environment: member.team.env, stdin: Array(text.utf8))
        try r.requireOK("hash-object")
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: The server's hook, plain git pushing

    @Test func aPlainPushOfTwoActiveGoalsIsRefusedWithTheReasonAsRemoteLines() throws {
        let (team, ana) = try Self.hookedTeam()
        let before = try team.remoteHead()
        let commit = try Self.commitNoVerify(ana, ["goals/a.md": Self.active("a"), "goals/b.md": Self.active("b")], message: "two at once")
        let push = try ana.git("push", "origin", "main")
        #expect(push.status != 0, "\(push)")
        let remote = Self.remoteLines(push)
        #expect(remote.contains { $0.contains("commit \(commit.prefix(8)) \"two at once\": goals/a.md:4: error: status: 2 goals are active (a, b)") }, "\(push)")
        #expect(remote.contains { $0.contains("goals/b.md:4: error: status: 2 goals are active (a, b)") }, "\(push)")
        #expect(remote.contains { $0.contains("push refused") }, "\(push)")
        // The refusal names the command that lists the same problems in the pusher's clone.
        let listing = "goalsync validate --range \(before.prefix(12))..\(commit.prefix(12))"
        #expect(remote.contains { $0.contains(listing) }, "\(push)")
        let local = try ana.goalsync(["validate", "--range", "\(before.prefix(12))..\(commit.prefix(12))"])
        #expect(local.status == 1 && local.stdout.contains("2 goals are active (a, b)"), "\(local)")
        #expect(push.stderr.contains("pre-receive hook declined"), "\(push)")
        #expect(try team.remoteHead() == before)
        #expect(try team.git(["--git-dir", team.remote, "cat-file", "-e", commit]).status != 0, "the refused commit stayed on the server")
    }

    @Test func aPlainPushOfAnInvalidGoalIsRefused() throws {
        let (team, ana) = try Self.hookedTeam()
        let before = try team.remoteHead()
        try Self.commitNoVerify(ana, ["goals/bad.md": GoalText.clean(id: "bad").setting("status", "someday").text])
        let push = try ana.git("push", "origin", "main")
        #expect(push.status != 0, "\(push)")
        #expect(Self.remoteLines(push).contains { $0.contains("goals/bad.md:4: error: status: status 'someday' is not one of") }, "\(push)")
        #expect(try team.remoteHead() == before)
    }

    @Test func everyNewCommitIsCheckedNotOnlyTheTip() throws {
        let (team, ana) = try Self.hookedTeam()
        let before = try team.remoteHead()
        let bad = try Self.commitNoVerify(ana, ["goals/a.md": Self.active("a"), "goals/b.md": Self.active("b")], message: "bad")
        try Self.commitNoVerify(ana, ["goals/b.md": GoalText.clean(id: "b").text], message: "fixed")
        let push = try ana.git("push", "origin", "main")
        #expect(push.status != 0, "\(push)")
        #expect(Self.remoteLines(push).contains { $0.contains("commit \(bad.prefix(8)) \"bad\"") }, "\(push)")
        #expect(!Self.remoteLines(push).contains { $0.contains("\"fixed\"") }, "\(push)")
        #expect(try team.remoteHead() == before)
    }

    @Test(arguments: [
        ("docs", ".git", "a folder named .git"),
        ("goals", "link.md", "a symbolic link as a goal file"),
        ("docs", "..", "a name that climbs out"),
    ])
    func aPlainPushOfAHostileTreeIsRefused(folder: String, name: String, what: String) throws {
        let (team, ana) = try Self.hookedTeam()
        let before = try team.remoteHead()
        let entry: String
        if name == "link.md" {
            entry = "120000 blob \(try Self.blob(ana, "../../etc/passwd"))\t\(name)"
        } else if name == ".git" {
            entry = "040000 tree \(try Self.mktree(ana, ["100644 blob \(try Self.blob(ana, "#!/bin/sh\necho owned\n"))\tconfig"]))\t\(name)"
        } else {
            entry = "100644 blob \(try Self.blob(ana, "x"))\t\(name)"
        }
        try Self.hostileCommit(ana, folder: folder, entry: entry)
        let push = try ana.git("push", "origin", "main")
        #expect(push.status != 0, "\(what): \(push)")
        #expect(Self.remoteLines(push).contains { $0.contains("\(folder)/\(name)") && $0.contains("goalsync refuses to check out") }, "\(what): \(push)")
        #expect(try team.remoteHead() == before, "\(what)")
    }

    /// Every hostile tree a goalsync pull or clone refuses, the server refuses too.
    @Test(arguments: HostileTreeTests.Kind.allCases)
    func everyTreeACloneRefusesIsRefusedByTheServer(_ kind: HostileTreeTests.Kind) throws {
        let (team, ana) = try Self.hookedTeam()
        let b = TreeBuilder(dir: ana.dir, environment: team.env.merging(ana.identity) { $1 })
        let good = try b.git(["rev-parse", "refs/heads/main"])
        let hostile = try b.commit(tree: try HostileTreeTests().hostileTree(kind, b), parent: good, message: "hostile")
        try b.setBranch("refs/heads/main", to: hostile)
        let before = try team.remoteHead()
        let push = try ana.git("push", "origin", "main")
        #expect(push.status != 0, "\(kind): \(push)")
        #expect(Self.remoteLines(push).contains { $0.contains("\(kind.shown): ") && $0.contains("goalsync refuses to check out") }, "\(kind): \(push)")
        #expect(try team.remoteHead() == before)
    }

    /// A pushed folder that git would not write (a name twice, a file with a folder's name, entries
    /// out of order) is refused, also when what breaks the rule is an entry left as the parent had it.
    @Test(arguments: ["twice", "file and folder", "out of order"])
    func aFolderGitWouldNotWriteIsRefused(_ kind: String) throws {
        let (team, ana) = try Self.hookedTeam()
        try Self.commitNoVerify(ana, ["goals/a.md": GoalText.clean(id: "a").text, "goals/b.md": GoalText.clean(id: "b").text])
        let b = TreeBuilder(dir: ana.dir, environment: team.env.merging(ana.identity) { $1 })
        // The parent holds the folder goals/sub too.
        let blob = try b.blob(GoalText.clean(id: "c").text)
        var goals = try b.entries(of: "HEAD:goals") + [.init("40000", "sub", try b.tree([.init("100644", "c.md", blob)]))]
        func commit(_ goalsTree: String, _ message: String) throws -> String {
            var root = try b.entries(of: "HEAD")
            root.removeAll { $0.name == Array("goals".utf8) }
            root.append(.init("40000", "goals", goalsTree))
            let commit = try b.commit(tree: try b.tree(root), parent: try b.git(["rev-parse", "HEAD"]), message: message)
            try b.setBranch("refs/heads/main", to: commit)
            return commit
        }
        _ = try commit(try b.tree(goals), "a folder in goals/")
        try ana.git("push", "-q", "origin", "main").requireOK("push")
        goals = try b.entries(of: "HEAD:goals")
        // Written byte for byte in the order given (TreeBuilder would sort it).
        func rawTree(_ entries: [TreeBuilder.Entry]) throws -> String {
            var bytes = [UInt8]()
            for e in entries {
                var raw = [UInt8]()
                var hex = Array(e.id.utf8)[...]
                while hex.count >= 2 { raw.append(UInt8(String(decoding: hex.prefix(2), as: UTF8.self), radix: 16) ?? 0); hex = hex.dropFirst(2) }
                bytes += Array("\(e.mode) ".utf8) + e.name + [0] + raw
            }
            return try b.git(["hash-object", "-t", "tree", "-w", "--literally", "--stdin"], stdin: bytes)
        }
        switch kind {
        case "twice":  // b.md twice, both as the parent had it
            let i = try #require(goals.firstIndex { $0.name == Array("b.md".utf8) })
            goals.insert(goals[i], at: i)
        case "file and folder":  // a new file named like the parent's folder
            goals.insert(.init("100644", "sub", blob), at: goals.count - 1)
        default:  // a new goal after the parent's entries, out of order
            goals.append(.init("100644", "ab.md", blob))
        }
        _ = try commit(try rawTree(goals), kind)
        let before = try team.remoteHead()
        let push = try ana.git("push", "origin", "main")
        #expect(push.status != 0, "\(kind): \(push)")
        let said = kind == "out of order" ? "out of git's order" : "the name appears twice in its folder"
        #expect(Self.remoteLines(push).contains { $0.contains("goals/") && $0.contains(said) }, "\(kind): \(push)")
        #expect(try team.remoteHead() == before)
    }

    @Test func aValidPlainPushPassesAndTheNextOneCarriesTheSummaryForward() throws {
        let (team, ana) = try Self.hookedTeam()
        try Self.commitNoVerify(ana, ["goals/a.md": Self.active("a"), "goals/c.md": GoalText.clean(id: "c").text])
        try ana.git("push", "-q", "origin", "main").requireOK("valid push")
        #expect(try team.remoteHead() == ana.head)
        // The server kept the summary of the tree it accepted: a second active goal is still seen.
        try Self.commitNoVerify(ana, ["goals/c.md": Self.active("c")], message: "second active")
        let push = try ana.git("push", "origin", "main")
        #expect(push.status != 0)
        #expect(Self.remoteLines(push).contains { $0.contains("2 goals are active (a, c)") }, "\(push)")
    }

    @Test func newBranchesAreCheckedTagsAndDeletionsPass() throws {
        let (team, ana) = try Self.hookedTeam()
        try ana.git("switch", "-q", "-c", "feature").requireOK("switch")
        try Self.commitNoVerify(ana, ["goals/f.md": GoalText.clean(id: "f").text])
        try ana.git("push", "-q", "origin", "feature").requireOK("a valid new branch")
        try ana.git("switch", "-q", "-c", "bad").requireOK("switch")
        let bad = try Self.commitNoVerify(ana, ["goals/a.md": Self.active("a"), "goals/b.md": Self.active("b")])
        let push = try ana.git("push", "origin", "bad")
        #expect(push.status != 0, "\(push)")
        #expect(Self.remoteLines(push).contains { $0.contains("refs/heads/bad: 1 new commit breaks the goal rules") }, "\(push)")
        #expect(try team.git(["--git-dir", team.remote, "rev-parse", "-q", "--verify", "refs/heads/bad"]).status != 0)
        // Tags are not goal branches: passed over.
        try ana.git("tag", "broken", bad).requireOK("tag")
        try ana.git("push", "-q", "origin", "refs/tags/broken").requireOK("a tag passes")
        // ...but its commits are checked when they come to a branch.
        let toMain = try ana.git("push", "origin", "broken^{commit}:refs/heads/main")
        #expect(toMain.status != 0, "\(toMain)")
        #expect(Self.remoteLines(toMain).contains { $0.contains("refs/heads/main: 1 new commit breaks the goal rules") }, "\(toMain)")
        // A deletion has nothing to check.
        try ana.git("push", "-q", "origin", ":feature").requireOK("a deletion passes")
        #expect(try team.git(["--git-dir", team.remote, "rev-parse", "-q", "--verify", "refs/heads/feature"]).status != 0)
    }

    @Test func withBranchOnlyThatBranchIsChecked() throws {
        let (team, ana) = try Self.hookedTeam(branch: "main")
        try ana.git("switch", "-q", "-c", "scratch").requireOK("switch")
        try Self.commitNoVerify(ana, ["goals/a.md": Self.active("a"), "goals/b.md": Self.active("b")])
        try ana.git("push", "-q", "origin", "scratch").requireOK("another branch passes")
        let push = try ana.git("push", "origin", "scratch:main")
        #expect(push.status != 0, "\(push)")
        #expect(Self.remoteLines(push).contains { $0.contains("refs/heads/main: 1 new commit breaks") }, "\(push)")
        _ = team
    }

    @Test func goalsyncPushShowsTheServersReasonAndKeepsTheLocalCommit() throws {
        let (team, ana) = try Self.hookedTeam()
        let before = try team.remoteHead()
        try Self.commitNoVerify(ana, ["goals/a.md": Self.active("a"), "goals/b.md": Self.active("b")])
        let local = ana.head
        let push = try ana.goalsync("push", "--allow-invalid")
        #expect(push.status == 2, "\(push)")
        #expect(push.stderr.contains("2 goals are active (a, b)"), "\(push)")
        #expect(push.stderr.contains("pre-receive hook declined"), "\(push)")
        #expect(!push.stdout.contains("Pushed"))
        #expect(try team.remoteHead() == before)
        #expect(ana.head == local)
        #expect(try ana.git("status", "--porcelain").stdout.isEmpty)
    }

    @Test func aForeignHookIsChainedAndRunsInGitsQuarantine() throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        try writeExecutable("#!/bin/sh\ncat > chained.input\necho \"$GIT_QUARANTINE_PATH\" > chained.quarantine\nexit 0\n", to: team.remote + "/hooks/pre-receive")
        let install = try team.run(team.binary, ["-C", team.remote, "hooks", "install", "--server"], in: team.base)
        #expect(install.status == 0, "\(install)")
        #expect(install.stdout.contains("the hook that was there runs after it, from \(team.remote)/hooks/pre-receive.goalsync-chained"), "\(install)")
        let again = try team.run(team.binary, ["-C", team.remote, "hooks", "install", "--server"], in: team.base)
        #expect(again.stdout.contains("pre-receive hook updated"), "\(again)")
        let before = try team.remoteHead()
        try Self.commitNoVerify(ana, ["goals/g.md": GoalText.clean(id: "g").text])
        try ana.git("push", "-q", "origin", "main").requireOK("valid push")
        let input = try String(contentsOfFile: team.remote + "/chained.input", encoding: .utf8)
        #expect(input == "\(before) \(ana.head) refs/heads/main\n")
        let quarantine = try String(contentsOfFile: team.remote + "/chained.quarantine", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(quarantine.contains("/objects/"), "git ran the hooks without a quarantine: '\(quarantine)'")
        // An invalid push stops at goalsync's check; the chained hook does not run.
        try FileManager.default.removeItem(atPath: team.remote + "/chained.input")
        try Self.commitNoVerify(ana, ["goals/g.md": GoalText.clean(id: "g").setting("status", "someday").text])
        #expect(try ana.git("push", "origin", "main").status != 0)
        #expect(!FileManager.default.fileExists(atPath: team.remote + "/chained.input"))
    }

    /// On a shared drive the hook runs on each pusher's machine: without the installed binary there,
    /// the goalsync on the pusher's PATH runs; without either, every push is refused.
    @Test func withoutTheInstalledBinaryTheHookUsesPATHOrRefuses() throws {
        let (team, ana) = try Self.hookedTeam()
        let hook = team.remote + "/hooks/pre-receive"
        let script = try String(contentsOfFile: hook, encoding: .utf8)
        let installed = "goalsync_bin='\(team.binary)'"
        #expect(script.contains(installed), "\(script)")
        try writeExecutable(script.replacingOccurrences(of: installed, with: "goalsync_bin='/nonexistent/goalsync'"), to: hook)
        try Self.commitNoVerify(ana, ["goals/a.md": Self.active("a"), "goals/b.md": Self.active("b")])
        let viaPath = try ana.git("push", "origin", "main")
        #expect(viaPath.status != 0 && Self.remoteLines(viaPath).contains { $0.contains("2 goals are active (a, b)") }, "\(viaPath)")
        let before = try team.remoteHead()
        let noGoalsync = try team.run(TestRepo.gitPath, ["push", "origin", "main"], in: ana.dir, extra: ana.identity.merging(["PATH": "/usr/local/bin:/usr/bin:/bin"]) { $1 })
        #expect(noGoalsync.status != 0, "\(noGoalsync)")
        #expect(Self.remoteLines(noGoalsync).contains { $0.contains("is missing and goalsync is not on PATH; pushes are refused") }, "\(noGoalsync)")
        #expect(try team.remoteHead() == before)
    }

    @Test func installingTheServerHookInACloneIsRefused() throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        let r = try ana.goalsync("hooks", "install", "--server")
        #expect(r.status == 64, "\(r)")
        #expect(r.stderr.contains("has a work tree; --server installs the hook of the bare repository"), "\(r)")
        #expect(!FileManager.default.fileExists(atPath: ana.dir + "/.git/hooks/pre-receive"))
    }

    // MARK: validate --rev / --range

    @Test func validateRevAndRangeInAWorkTreeAndABareRepository() throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        let good = try Self.commitNoVerify(ana, ["goals/a.md": Self.active("a")], message: "good")
        let bad = try Self.commitNoVerify(ana, ["goals/b.md": Self.active("b")], message: "bad")
        let fixed = try Self.commitNoVerify(ana, ["goals/b.md": GoalText.clean(id: "b").text], message: "fixed")
        try ana.git("push", "-q", "origin", "main").requireOK("push")
        for dir in [ana.dir, team.remote] {
            let ok = try team.run(team.binary, ["-C", dir, "validate", "--rev", fixed], in: team.base)
            #expect(ok.status == 0, "\(ok)")
            #expect(ok.stdout.contains("1 commit checked: 0 with errors, 0 errors"), "\(ok)")
            let one = try team.run(team.binary, ["-C", dir, "validate", "--rev", bad], in: team.base)
            #expect(one.status == 1, "\(one)")
            #expect(one.stdout.contains("commit \(bad.prefix(8)) \"bad\": goals/a.md:4: error: status: 2 goals are active (a, b)"), "\(one)")
            // The bad commit in the middle is reported, though a later one fixes it.
            let range = try team.run(team.binary, ["-C", dir, "validate", "--range", "\(good)..main"], in: team.base)
            #expect(range.status == 1, "\(range)")
            #expect(range.stdout.contains("2 commits checked: 1 with errors, 2 errors"), "\(range)")
            #expect(!range.stdout.contains("\"fixed\""))
            let json = try team.run(team.binary, ["-C", dir, "validate", "--range", "\(good)..\(fixed)", "--json"], in: team.base)
            let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            #expect(parsed?["commits"] as? Int == 2 && parsed?["errors"] as? Int == 2 && parsed?["files"] as? Int == 2, "\(json)")
            let diagnostics = parsed?["diagnostics"] as? [[String: Any]] ?? []
            #expect(diagnostics.count == 2 && diagnostics.allSatisfy { $0["commit"] as? String == bad && $0["field"] as? String == "status" && $0["line"] as? Int == 4 }, "\(json)")
            // Every commit reachable from a revision.
            let all = try team.run(team.binary, ["-C", dir, "validate", "--range", "main"], in: team.base)
            #expect(all.status == 1 && all.stdout.contains("commits checked: 1 with errors"), "\(all)")
        }
    }

    @Test(arguments: [
        (["--rev", "nope"], Int32(2), "unknown revision 'nope'"),
        (["--range", "main..nope"], Int32(2), "unknown revision 'nope'"),
        (["--range", "main...HEAD"], Int32(64), "not A...B"),
        (["--rev", "HEAD", "--range", "HEAD"], Int32(64), "not both"),
        (["--rev", "HEAD", "--staged"], Int32(64), "give no PATH and no --staged"),
    ])
    func validateRevisionMistakes(arguments: [String], status: Int32, message: String) throws {
        let repo = try TestRepo()
        let r = try repo.goalsync(["validate"] + arguments)
        #expect(r.status == status, "\(r)")
        #expect(r.stderr.contains(message), "\(r)")
        #expect(r.stderrLines.count == 1, "\(r)")
    }

    @Test func validateRevChecksEveryPathOfTheTree() throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        let hostile = try Self.hostileCommit(ana, folder: "docs", entry: "100644 blob \(try Self.blob(ana, "x"))\t.git")
        let r = try ana.goalsync("validate", "--rev", hostile)
        #expect(r.status == 1, "\(r)")
        #expect(r.stdout.contains("docs/.git"), "\(r)")
    }

    // MARK: The CI examples

    /// The validation step of each example, run as written (with the CI's variables filled in) in a
    /// repository made here: the examples cannot go stale.
    static func exampleScript(_ file: String) throws -> String {
        let text = try String(contentsOfFile: Fixtures.packageRoot.appendingPathComponent("examples/" + file).path, encoding: .utf8)
        let yaml = try #require(try Yams.load(yaml: text) as? [String: Any], "\(file) is not a YAML mapping")
        var scripts = [String]()
        func collect(_ value: Any) {
            if let s = value as? String, s.contains("goalsync validate") { scripts.append(s) }
            if let m = value as? [String: Any] { m.values.forEach(collect) }
            if let l = value as? [Any] { l.forEach(collect) }
        }
        collect(yaml)
        try #require(scripts.count == 1, "\(file) should hold one script running goalsync validate: \(scripts)")
        return scripts[0]
    }

    @Test func theCIExamplesCheckTheRightCommits() throws {
        let github = try Self.exampleScript("github-actions.yml")
        let gitlab = try Self.exampleScript("gitlab-ci.yml")
        #expect(github.contains("goalsync validate --range \"$range\""))
        #expect(gitlab.contains("goalsync validate --range \"$range\""))
        let team = try Team()
        let ana = try team.founder("Ana")
        let base = ana.head
        let good = try Self.commitNoVerify(ana, ["goals/a.md": Self.active("a")], message: "good")
        try ana.git("push", "-q", "origin", "main").requireOK("push")
        try ana.git("fetch", "-q", "origin").requireOK("fetch")
        try ana.git("switch", "-q", "-c", "topic").requireOK("switch")
        let bad = try Self.commitNoVerify(ana, ["goals/b.md": Self.active("b")], message: "bad")
        let fixed = try Self.commitNoVerify(ana, ["goals/b.md": GoalText.clean(id: "b").text], message: "fixed")
        let zero = String(repeating: "0", count: 40)

        func run(_ script: String, _ env: [String: String]) throws -> ProcessResult {
            try team.run("/bin/bash", ["-e", "-c", script], in: ana.dir, extra: env)
        }
        // (variables, whether the bad commit is among those checked)
        let githubCases: [([String: String], Bool)] = [
            (["EVENT": "push", "BEFORE": good, "AFTER": fixed, "DEFAULT_BRANCH": "main"], true),
            (["EVENT": "push", "BEFORE": zero, "AFTER": fixed, "DEFAULT_BRANCH": "main"], true),
            (["EVENT": "push", "BEFORE": base, "AFTER": good, "DEFAULT_BRANCH": "main"], false),
            (["EVENT": "push", "BEFORE": zero, "AFTER": good, "DEFAULT_BRANCH": "main"], false),
            (["EVENT": "pull_request", "PR_BASE": good, "PR_HEAD": fixed, "DEFAULT_BRANCH": "main"], true),
            (["EVENT": "push", "BEFORE": bad, "AFTER": fixed, "DEFAULT_BRANCH": "main"], false),
        ]
        for (env, failing) in githubCases {
            let r = try run(github, env)
            #expect(r.status == (failing ? 1 : 0), "github-actions.yml with \(env): \(r)")
            #expect(r.stdout.contains("commit \(bad.prefix(8)) \"bad\"") == failing, "github-actions.yml with \(env): \(r)")
        }
        let gitlabCases: [([String: String], Bool)] = [
            (["CI_COMMIT_BEFORE_SHA": good, "CI_COMMIT_SHA": fixed, "CI_DEFAULT_BRANCH": "main"], true),
            (["CI_COMMIT_BEFORE_SHA": zero, "CI_COMMIT_SHA": fixed, "CI_DEFAULT_BRANCH": "main"], true),
            (["CI_COMMIT_BEFORE_SHA": zero, "CI_COMMIT_SHA": good, "CI_DEFAULT_BRANCH": "main"], false),
            (["CI_MERGE_REQUEST_DIFF_BASE_SHA": good, "CI_COMMIT_SHA": fixed, "CI_DEFAULT_BRANCH": "main"], true),
            (["CI_COMMIT_BEFORE_SHA": bad, "CI_COMMIT_SHA": fixed, "CI_DEFAULT_BRANCH": "main"], false),
        ]
        for (env, failing) in gitlabCases {
            let r = try run(gitlab, env)
            #expect(r.status == (failing ? 1 : 0), "gitlab-ci.yml with \(env): \(r)")
            #expect(r.stdout.contains("commit \(bad.prefix(8)) \"bad\"") == failing, "gitlab-ci.yml with \(env): \(r)")
        }
    }
}
