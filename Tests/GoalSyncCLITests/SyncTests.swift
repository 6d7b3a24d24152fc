import Foundation
import GoalSyncTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// SPEC §6 end to end: real clones of a shared bare remote, the built binary, plain git as the
/// other teammate.
@Suite("Sync")
struct SyncTests {
    /// Ana founds the repository with one proposed goal; Ben joins.
    func twoMembers(goal: String = "g") throws -> (Team, Member, Member) {
        let team = try Team()
        let ana = try team.founder("Ana")
        try ana.goalsync("new", "Raise activation from 30% to 50%", "--id", goal, "--set", "persona=Admins").requireOK("new")
        try ana.goalsync("add", goal, "metrics", "{id: m, name: Activation, unit: percent, direction: increase, baseline: 30, target: 50}").requireOK("add metric")
        try ana.goalsync("add", goal, "proof", "base proof").requireOK("add proof")
        try ana.goalsync("push").requireOK("push")
        let ben = try team.join("Ben")
        return (team, ana, ben)
    }

    @Test func disjointEditsOfOneGoalMergeWithBothParents() throws {
        let (_, ana, ben) = try twoMembers()
        try ana.goalsync("set", "g", "title", "Raise activation to 55%").requireOK("set")
        try ana.goalsync("push").requireOK("push")
        try ben.goalsync("set", "g", "persona", "New admins").requireOK("set")
        try ben.goalsync("set", "g", "metrics.m.target", "60").requireOK("set")
        let pull = try ben.goalsync("pull").requireOK("pull")
        #expect(pull.stdout.contains("Merged"))
        let text = try ben.text("goals/g.md")
        #expect(text.contains("title: Raise activation to 55%"))
        #expect(text.contains("persona: New admins"))
        #expect(text.contains("target: 60"))
        #expect(try ben.git("rev-list", "--parents", "-n", "1", "HEAD").stdout.split(separator: " ").count == 3)
        // The index stages what HEAD holds, with the stat data of the files as written: git sees
        // them unchanged without refreshing the index.
        #expect(try ben.git("diff-index", "--cached", "--quiet", "HEAD").status == 0)
        #expect(try ben.git("diff-files", "--quiet").status == 0)
        // Pulling again with nothing new changes nothing.
        let before = try ben.state()
        #expect(try ben.goalsync("pull").requireOK("pull again").stdout.contains("Already up to date"))
        #expect(try ben.state() == before)
    }

    @Test func concurrentAdditionsToTheSameListBothStay() throws {
        let (_, ana, ben) = try twoMembers()
        try ana.goalsync("add", "g", "proof", "ana's proof").requireOK("add")
        try ana.goalsync("checkin", "g", "m", "33").requireOK("checkin")
        try ana.goalsync("push").requireOK("push")
        try ben.goalsync("add", "g", "proof", "ben's proof").requireOK("add")
        try ben.goalsync("checkin", "g", "m", "35").requireOK("checkin")
        try ben.goalsync("pull").requireOK("pull")
        let text = try ben.text("goals/g.md")
        for item in ["base proof", "ana's proof", "ben's proof", "value: 33", "value: 35"] { #expect(text.contains(item)) }
        // Ana gets the same bytes.
        try ben.goalsync("push").requireOK("push")
        try ana.goalsync("pull").requireOK("pull")
        #expect(try ana.file("goals/g.md") == (try ben.file("goals/g.md")))
    }

    /// Both change the title: the pull stops before committing.
    func conflicted() throws -> (Team, Member, Member) {
        let (team, ana, ben) = try twoMembers()
        try ana.goalsync("set", "g", "title", "Ana's title").requireOK("set")
        try ana.goalsync("push").requireOK("push")
        try ben.goalsync("set", "g", "title", "Ben's title").requireOK("set")
        try ben.goalsync("add", "g", "tags", "bens-tag").requireOK("add")
        return (team, ana, ben)
    }

    @Test func aTrueConflictStopsBeforeCommittingAndIsListed() throws {
        let (_, _, ben) = try conflicted()
        let head = ben.head
        let pull = try ben.goalsync("pull")
        #expect(pull.status == 1)
        #expect(pull.stderr.contains("g title"))
        #expect(ben.head == head)
        // The file is valid, with ours; plain git sees a merge in progress.
        #expect(try ben.goalsync("validate").status == 0)
        #expect(try ben.text("goals/g.md").contains("title: Ben's title"))
        #expect(try ben.git("status").stdout.contains("merging"))
        let status = try ben.goalsync("status")
        #expect(status.status == 1)
        #expect(status.stdout.contains("base:   Raise activation from 30% to 50%"))
        #expect(status.stdout.contains("ours:   Ben's title"))
        #expect(status.stdout.contains("theirs: Ana's title"))
        #expect(status.stdout.contains("Ana <ana@example.com>"))
        let json = try ben.goalsync("status", "--json").stdout
        #expect(json.contains("\"theirs_by\""))
        // The hook refuses a plain commit while the conflict is pending.
        let commit = try ben.git("commit", "-q", "-am", "sneak")
        #expect(commit.status != 0)
        #expect(ben.head == head)
        // --continue refuses too.
        #expect(try ben.goalsync("pull", "--continue").status == 1)
    }

    @Test(arguments: [("--theirs", "Ana's title"), ("--ours", "Ben's title"), ("--base", "Raise activation from 30% to 50%")])
    func aConflictSettledEachWay(flag: String, expected: String) throws {
        let (_, ana, ben) = try conflicted()
        #expect(try ben.goalsync("pull").status == 1)
        try ben.goalsync("resolve", "g", "title", flag).requireOK("resolve")
        try ben.goalsync("pull", "--continue").requireOK("continue")
        let text = try ben.text("goals/g.md")
        #expect(text.contains("title: \(expected)"))
        #expect(text.contains("bens-tag"))
        #expect(try ben.git("rev-list", "--parents", "-n", "1", "HEAD").stdout.split(separator: " ").count == 3)
        #expect(try ben.git("log", "-1", "--format=%B").stdout.contains("Settled by hand"))
        #expect(!(try ben.git("status").stdout.contains("merging")))
        try ben.goalsync("push").requireOK("push")
        try ana.goalsync("pull").requireOK("pull")
        #expect(try ana.file("goals/g.md") == (try ben.file("goals/g.md")))
    }

    @Test func aConflictSettledWithAValue() throws {
        let (_, _, ben) = try conflicted()
        #expect(try ben.goalsync("pull").status == 1)
        try ben.goalsync("resolve", "g", "title", "--value", "A title we agreed on").requireOK("resolve")
        try ben.goalsync("pull", "--continue").requireOK("continue")
        #expect(try ben.text("goals/g.md").contains("title: A title we agreed on"))
    }

    @Test func abortReturnsExactlyToBeforeThePull() throws {
        let (_, _, ben) = try conflicted()
        let before = try ben.state()
        #expect(try ben.goalsync("pull").status == 1)
        try ben.goalsync("pull", "--abort").requireOK("abort")
        #expect(try ben.state() == before)
        #expect(!FileManager.default.fileExists(atPath: ben.dir + "/.git/MERGE_HEAD"))
    }

    #if canImport(Glibc)
    /// The pull trusts stat data as git does, so an edit that keeps the file's size, inode and
    /// modification time (to the nanosecond) must still be seen: the change time gives it away, and
    /// the content decides.
    @Test(arguments: [false, true])
    func anUncommittedEditIsNeverOverwrittenEvenWithItsOldModificationTime(benCommitsFirst: Bool) throws {
        let (_, ana, ben) = try twoMembers()
        try ana.goalsync("set", "g", "title", "Raise activation to 55%").requireOK("set")
        try ana.goalsync("push").requireOK("push")
        if benCommitsFirst { try ben.goalsync("new", "Cut churn", "--id", "h").requireOK("new") }
        let path = ben.dir + "/goals/g.md"
        var before = stat()
        #expect(lstat(path, &before) == 0)
        let original = try ben.text("goals/g.md")
        let edited = original.replacingOccurrences(of: "persona: Admins", with: "persona: Adminz")
        #expect(edited != original && edited.utf8.count == original.utf8.count)
        // Rewritten in place (same inode), then its times put back.
        let fd = open(path, O_WRONLY | O_TRUNC)
        #expect(fd >= 0)
        #expect(Array(edited.utf8).withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) } == edited.utf8.count)
        close(fd)
        var times = [before.st_atim, before.st_mtim]
        #expect(utimensat(AT_FDCWD, path, &times, AT_SYMLINK_NOFOLLOW) == 0)
        var after = stat()
        #expect(lstat(path, &after) == 0)
        #expect(after.st_ino == before.st_ino && after.st_size == before.st_size)
        #expect(after.st_mtim.tv_sec == before.st_mtim.tv_sec && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec)
        let head = ben.head
        let pull = try ben.goalsync("pull")
        #expect(pull.status != 0)
        #expect(pull.stderr.contains("your uncommitted changes to goals/g.md would be overwritten"), "\(pull)")
        #expect(try ben.text("goals/g.md") == edited)
        #expect(ben.head == head)
    }
    #endif

    @Test func resolveAllTakesOneSideEverywhere() throws {
        let (_, _, ben) = try conflicted()
        #expect(try ben.goalsync("pull").status == 1)
        try ben.goalsync("resolve", "--all", "--theirs").requireOK("resolve --all")
        try ben.goalsync("pull", "--continue").requireOK("continue")
        #expect(try ben.text("goals/g.md").contains("title: Ana's title"))
    }

    @Test func twoConcurrentActivationsAreAConflictNeverASilentPick() throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        for id in ["a", "b"] {
            try ana.goalsync("new", "Goal \(id)", "--id", id).requireOK("new")
            try ana.goalsync("set", id, "status", "proposed").requireOK("propose")
        }
        try ana.goalsync("push").requireOK("push")
        let ben = try team.join("Ben")
        try ana.goalsync("activate", "a").requireOK("activate a")
        try ana.goalsync("push").requireOK("push")
        try ben.goalsync("activate", "b").requireOK("activate b")
        let pull = try ben.goalsync("pull")
        #expect(pull.status == 1)
        #expect(pull.stderr.contains("activated concurrently"))
        let status = try ben.goalsync("status").stdout
        #expect(status.contains("goals activated concurrently: a, b"))
        // Status shows the goal Ben activated (HEAD's side) while the other waits in active_conflict.
        let json = try #require(try parseJSON(ben.goalsync("status", "--json").stdout) as? [String: Any])
        #expect((json["active"] as? [String: Any])?["id"] as? String == "b")
        #expect(((json["active_conflict"] as? [String: Any])?["goals"] as? [String]) == ["a", "b"])
        try ben.goalsync("resolve", "--active", "a").requireOK("resolve --active")
        try ben.goalsync("pull", "--continue").requireOK("continue")
        #expect(try ben.text("goals/a.md").contains("status: active"))
        #expect(try ben.text("goals/b.md").contains("status: proposed"))
        #expect(try ben.goalsync("validate").status == 0)
    }

    @Test func pushWhenTheRemoteMovedPullsMergesAndPushes() throws {
        let (team, ana, ben) = try twoMembers()
        try ana.goalsync("add", "g", "tags", "from-ana").requireOK("add")
        try ana.goalsync("push").requireOK("push")
        try ben.goalsync("add", "g", "tags", "from-ben").requireOK("add")
        let push = try ben.goalsync("push").requireOK("push")
        #expect(push.stdout.contains("after merging"))
        let remoteHead = try team.run(TestRepo.gitPath, ["--git-dir", team.remote, "rev-parse", "main"], in: team.base).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(remoteHead == ben.head)
        try ana.goalsync("pull").requireOK("pull")
        let text = try ana.text("goals/g.md")
        #expect(text.contains("from-ana") && text.contains("from-ben"))
    }

    @Test func sameTitleGoalsCreatedOfflineBothStay() throws {
        let (_, ana, ben) = try twoMembers()
        let a = try ana.goalsync("new", "Cut churn in half").requireOK("new").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try ana.goalsync("push").requireOK("push")
        let b = try ben.goalsync("new", "Cut churn in half").requireOK("new").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(a != b)
        try ben.goalsync("sync").requireOK("sync")
        #expect(FileManager.default.fileExists(atPath: ben.dir + "/goals/\(a).md"))
        #expect(FileManager.default.fileExists(atPath: ben.dir + "/goals/\(b).md"))
    }

    @Test func anUnreachableRemoteChangesNothingLocal() throws {
        let (_, _, ben) = try twoMembers()
        try ben.goalsync("set", "g", "persona", "Offline edit").requireOK("set")
        let port = try freePort()
        try ben.git("remote", "set-url", "origin", "git://127.0.0.1:\(port)/remote.git").requireOK("set-url")
        let before = try ben.state()
        let pull = try ben.goalsync("pull")
        #expect(pull.status == 2)
        #expect(pull.stderr.contains("fetch from git://127.0.0.1:\(port)/remote.git failed"))
        #expect(pull.stderr.split(separator: "\n").count == 1)
        let push = try ben.goalsync("push")
        #expect(push.status == 2)
        #expect(try ben.state() == before)
    }

    @Test func plainGitPullWithTheDriverGivesTheSameBytesAsGoalsyncPull() throws {
        let (team, ana, ben) = try twoMembers()
        try ana.goalsync("set", "g", "title", "Ana's title").requireOK("set")
        try ana.goalsync("add", "g", "proof", "ana's proof").requireOK("add")
        try ana.goalsync("push").requireOK("push")
        try ben.goalsync("set", "g", "persona", "Ben's persona").requireOK("set")
        try ben.goalsync("add", "g", "proof", "ben's proof").requireOK("add")
        // An identical copy of Ben's clone uses plain git.
        let copy = Member(team: team, name: "Ben")
        let gitDir = team.base + "/ben-git"
        try team.run("/bin/cp", ["-a", ben.dir, gitDir], in: team.base).requireOK("cp")
        try ben.goalsync("pull").requireOK("goalsync pull")
        let plain = try team.run(TestRepo.gitPath, ["pull", "-q", "--no-rebase", "--no-edit", "origin", "main"], in: gitDir, extra: copy.identity)
        try plain.requireOK("git pull")
        let viaGit = Array(try Data(contentsOf: URL(fileURLWithPath: gitDir + "/goals/g.md")))
        #expect(viaGit == (try ben.file("goals/g.md")))
    }

    /// Enough goals changed on both sides that goalsync merges them on several threads (each with
    /// its own libgit2 handle): still the bytes of plain git with the driver, file by file.
    @Test func manyGoalsMergedOnBothSidesGiveTheSameTreeAsPlainGitWithTheDriver() throws {
        let (team, ana, ben) = try twoMembers()
        let template = try ana.text("goals/g.md")
        let count = 80
        for i in 0..<count {
            try ana.write("goals/g-\(i).md", template.replacingOccurrences(of: "\nid: g\n", with: "\nid: g-\(i)\n"))
        }
        try ana.git("add", "-A").requireOK("add")
        try ana.git("commit", "-q", "-m", "\(count) goals").requireOK("commit")
        try ana.goalsync("push").requireOK("push")
        try ben.goalsync("pull").requireOK("pull")
        for i in 0..<count {
            let ana1 = try ana.text("goals/g-\(i).md")
            try ana.write("goals/g-\(i).md", ana1.replacingOccurrences(of: "\ntitle: ", with: "\ntitle: Ana \(i) "))
            let ben1 = try ben.text("goals/g-\(i).md")
            try ben.write("goals/g-\(i).md", ben1.replacingOccurrences(of: "\npersona: Admins\n", with: "\npersona: Ben \(i)\n"))
        }
        try ana.git("commit", "-q", "-a", "-m", "titles").requireOK("commit titles")
        try ana.goalsync("push").requireOK("push titles")
        try ben.git("commit", "-q", "-a", "-m", "personas").requireOK("commit personas")
        let gitDir = team.base + "/ben-git"
        try team.run("/bin/cp", ["-a", ben.dir, gitDir], in: team.base).requireOK("cp")
        let pull = try ben.goalsync("pull").requireOK("goalsync pull")
        #expect(pull.stdout.contains("Merged"))
        try team.run(TestRepo.gitPath, ["pull", "-q", "--no-rebase", "--no-edit", "origin", "main"], in: gitDir, extra: ben.identity)
            .requireOK("git pull")
        let tree = { (dir: String) in try team.run(TestRepo.gitPath, ["rev-parse", "HEAD^{tree}"], in: dir).stdout }
        #expect(try tree(ben.dir) == (try tree(gitDir)))
        let merged = try ben.text("goals/g-\(count - 1).md")
        #expect(merged.contains("title: Ana \(count - 1) ") && merged.contains("persona: Ben \(count - 1)\n"))
    }

    @Test func goalsyncPullsWhatPlainGitCommitted() throws {
        let (_, ana, ben) = try twoMembers()
        // Ana edits by hand and commits with plain git (the hook validates).
        var text = try ana.text("goals/g.md")
        text = text.replacingOccurrences(of: "persona: Admins", with: "persona: Hand-edited admins")
        try ana.write("goals/g.md", text)
        try ana.git("commit", "-q", "-am", "hand edit").requireOK("git commit")
        try ana.git("push", "-q", "origin", "main").requireOK("git push")
        try ben.goalsync("add", "g", "tags", "bens").requireOK("add")
        try ben.goalsync("pull").requireOK("pull")
        let merged = try ben.text("goals/g.md")
        #expect(merged.contains("persona: Hand-edited admins") && merged.contains("- bens"))
    }

    @Test func anInvalidHandEditIsRefusedByTheHook() throws {
        let (_, ana, _) = try twoMembers()
        let text = try ana.text("goals/g.md").replacingOccurrences(of: "status: draft", with: "status: active\nstatus: draft")
        try ana.write("goals/g.md", text)
        #expect(try ana.git("commit", "-q", "-am", "broken").status != 0)
    }

    @Test(.tags(.server)) func syncOverGitDaemon() throws {
        let team = try Team()
        let daemon = try DaemonServer(basePath: team.base)
        let url = "git://127.0.0.1:\(daemon.port)/remote.git"
        let ana = Member(team: team, name: "Ana")
        try ana.goalsync("init", ana.dir).requireOK("init")
        try ana.git("remote", "add", "origin", url).requireOK("remote add")
        try ana.goalsync("new", "Raise activation", "--id", "g").requireOK("new")
        try ana.goalsync("push").requireOK("push over git://")
        let ben = try team.join("Ben", url: url)
        try ben.goalsync("add", "g", "tags", "ben").requireOK("add")
        try ben.goalsync("push").requireOK("push")
        try ana.goalsync("add", "g", "tags", "ana").requireOK("add")
        try ana.goalsync("sync").requireOK("sync")
        try ben.goalsync("pull").requireOK("pull")
        #expect(try ana.file("goals/g.md") == (try ben.file("goals/g.md")))
        withExtendedLifetime(daemon) {}
    }

    @Test func aSecondProcessIsToldThatTheFirstHoldsTheLock() throws {
        let (_, ana, _) = try twoMembers()
        let lock = ana.dir + "/.git/goalsync/lock"
        // This test process holds the lock, as a running goalsync does; the second one waits for
        // it (here 0.3 s), then refuses, naming the holder.
        let held = try HeldLock(lock)
        let r = try ana.goalsync(["set", "g", "persona", "x"], extra: ["GOALSYNC_LOCK_TIMEOUT": "0.3"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("another goalsync process (pid \(getpid()))"))
        #expect(r.stderr.contains("after 0.3 s"))
        held.release()
        // A lock file left by a process that is gone holds nothing: it is taken over.
        try Data("999999\n".utf8).write(to: URL(fileURLWithPath: lock))
        try ana.goalsync("set", "g", "persona", "x").requireOK("set after stale lock")
    }
}

/// A goalsync process killed at each step of a pull or a write leaves a repository that `git fsck`
/// accepts, and running it again (or `pull --abort`, then again) reaches the same result.
@Suite("Kill safety")
struct KillSafetyTests {
    @Test(arguments: ["pull-after-journal", "pull-after-worktree"])
    func aKilledMergingPullFinishesOnTheNextRun(point: String) throws {
        let (_, ana, ben) = try SyncTests().twoMembers()
        try ana.goalsync("add", "g", "tags", "a").requireOK("add")
        try ana.goalsync("push").requireOK("push")
        try ben.goalsync("add", "g", "tags", "b").requireOK("add")
        let reference = try makeReferenceMerge(ben)
        let killed = try ben.goalsync(["pull"], extra: ["GOALSYNC_CRASH_AT": point])
        #expect(killed.status == 137)
        #expect(try ben.git("fsck", "--no-progress").status == 0)
        try ben.goalsync("pull").requireOK("pull again")
        #expect(try ben.file("goals/g.md") == reference)
        #expect(try ben.git("status", "--porcelain").stdout.isEmpty)
    }

    @Test(arguments: ["merge-after-state", "merge-after-worktree"])
    func aKilledConflictedPullIsAbortedAndRedone(point: String) throws {
        let (_, ana, ben) = try SyncTests().conflicted()
        _ = ana
        let before = try ben.state()
        #expect(try ben.goalsync(["pull"], extra: ["GOALSYNC_CRASH_AT": point]).status == 137)
        #expect(try ben.git("fsck", "--no-progress").status == 0)
        try ben.goalsync("pull", "--abort").requireOK("abort")
        #expect(try ben.state() == before)
        #expect(try ben.goalsync("pull").status == 1)
        #expect(try ben.goalsync("status").stdout.contains("g title"))
    }

    @Test func aKilledWriteIsFinishedByRunningItAgain() throws {
        let (_, ana, _) = try SyncTests().twoMembers()
        let count = try ana.git("rev-list", "--count", "HEAD").stdout
        #expect(try ana.goalsync(["set", "g", "persona", "Killed"], extra: ["GOALSYNC_CRASH_AT": "commit-after-worktree"]).status == 137)
        #expect(try ana.git("fsck", "--no-progress").status == 0)
        #expect(try ana.git("rev-list", "--count", "HEAD").stdout == count)
        try ana.goalsync("set", "g", "persona", "Killed").requireOK("set again")
        #expect(try ana.git("log", "-1", "--format=%s").stdout.contains("set(g): persona Admins -> Killed"))
        #expect(try ana.git("status", "--porcelain").stdout.isEmpty)
    }

    /// The result an uninterrupted pull gives, from a copy of the clone.
    func makeReferenceMerge(_ m: Member) throws -> [UInt8] {
        let copy = m.dir + "-reference"
        try m.team.run("/bin/cp", ["-a", m.dir, copy], in: m.team.base).requireOK("cp")
        defer { try? FileManager.default.removeItem(atPath: copy) }
        try m.team.run(m.team.binary, ["pull"], in: copy, extra: m.identity).requireOK("reference pull")
        return Array(try Data(contentsOf: URL(fileURLWithPath: copy + "/goals/g.md")))
    }
}
