import Foundation
import GoalSyncTestSupport
import Testing

/// A write killed at any step leaves no staged, uncommitted edit that nothing reports: the next
/// goalsync command rolls it back (or, when the files changed since, says exactly what is left);
/// and writers that meet wait for each other instead of failing.
@Suite("Killed and concurrent writes")
struct WriteSafetyTests {
    static let command = ["set", "g", "why", "Retention triples"]

    /// Killed before its commit: the next command (a reading one) rolls the write back, says so in
    /// one line, and the repository is exactly as before, the person's staged and unstaged work included.
    @Test(arguments: ["commit-after-journal", "commit-after-file", "commit-after-worktree", "commit-after-hooks"])
    func aWriteKilledBeforeItsCommitIsRolledBack(point: String) throws {
        let repo = try AtomicityTests.repoWithWork()
        let before = try repo.snapshot()
        let count = try repo.commitCount()
        #expect(try repo.goalsync(Self.command, env: ["GOALSYNC_CRASH_AT": point]).status == 137)
        #expect(try repo.git("fsck", "--no-progress").status == 0)
        let next = try repo.ok("list")
        if point == "commit-after-journal" {
            #expect(next.stderr.isEmpty, "nothing was written, nothing to say: \(next)")
        } else {
            #expect(next.stderr.contains("rolled back “set(g): why"), "\(next)")
            #expect(next.stderr.split(separator: "\n").count == 1)
        }
        let after = try repo.snapshot()
        #expect(after == before, "changed: \(after.changedFiles(since: before)) \(after.index) \(after.status)")
        #expect(try repo.commitCount() == count)
        #expect(!repo.exists(".git/goalsync/write.json"))
        // Nothing more to say the next time, and the write goes through.
        #expect(try repo.ok("list").stderr.isEmpty)
        try repo.ok(Self.command)
        #expect(try repo.commitCount() == count + 1)
    }

    /// Killed after its commit: the write is complete, and nothing is said.
    @Test func aWriteKilledAfterItsCommitIsComplete() throws {
        let reference = try AtomicityTests.repoWithWork()
        try reference.ok(Self.command)
        let repo = try AtomicityTests.repoWithWork()
        #expect(try repo.goalsync(Self.command, env: ["GOALSYNC_CRASH_AT": "commit-after-commit"]).status == 137)
        #expect(try repo.ok("list").stderr.isEmpty)
        #expect(!repo.exists(".git/goalsync/write.json"))
        #expect(try repo.lastMessage() == (try reference.lastMessage()))
        #expect(try repo.gitOutput("status", "--porcelain") == (try reference.gitOutput("status", "--porcelain")))
        #expect(try repo.readBytes("goals/g.md") == (try reference.readBytes("goals/g.md")))
    }

    /// The person edited the file after the kill: it is left as it is, and the note names it and
    /// says how to see and drop the staged edit.
    @Test func aFileChangedSinceTheKillIsLeftAndNamed() throws {
        let repo = try TestRepo()
        try repo.newGoal(id: "g")
        #expect(try repo.goalsync(Self.command, env: ["GOALSYNC_CRASH_AT": "commit-after-worktree"]).status == 137)
        let mine = try repo.read("goals/g.md") + "\nMy own edit, made after the kill.\n"
        try repo.write("goals/g.md", mine)
        let status = try repo.goalsync("status")
        #expect(status.stderr.contains("goals/g.md changed since"), "\(status)")
        #expect(status.stderr.contains("git diff --cached goals/g.md"))
        #expect(try repo.read("goals/g.md") == mine)
        #expect(!repo.exists(".git/goalsync/write.json"))
        #expect(try repo.ok("list").stderr.isEmpty)
    }

    /// The journal of a write whose process still holds the lock is its own: another command
    /// leaves it alone, and rolls it back once the lock is free.
    @Test func aLiveWritersJournalIsLeftAlone() throws {
        let repo = try TestRepo()
        try repo.newGoal(id: "g")
        #expect(try repo.goalsync(Self.command, env: ["GOALSYNC_CRASH_AT": "commit-after-worktree"]).status == 137)
        let held = try HeldLock(repo.path(".git/goalsync/lock"))
        let staged = try repo.gitOutput("diff", "--cached", "--name-only")
        #expect(staged == "goals/g.md")
        #expect(try repo.ok("list").stderr.isEmpty)
        #expect(repo.exists(".git/goalsync/write.json"))
        #expect(try repo.gitOutput("diff", "--cached", "--name-only") == staged)
        held.release()
        #expect(try repo.ok("list").stderr.contains("rolled back"))
        #expect(try repo.gitOutput("status", "--porcelain").isEmpty)
    }

    /// Six writers at once, twelve `set`s each on their own goal: every one succeeds (each waits
    /// its turn for the lock), and all 72 commits are there.
    @Test func sixConcurrentWritersAllSucceed() throws {
        let repo = try TestRepo()
        for n in 1...6 { try repo.newGoal(id: "g\(n)") }
        let count = try repo.commitCount()
        let script = """
            for n in 1 2 3 4 5 6; do
              ( for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
                  goalsync set g$n why "Reason $i of writer $n" >/dev/null || echo "writer $n set $i failed"
                done ) &
            done
            wait
            """
        let start = Date()
        let r = try ProcessRunner.run("/bin/sh", ["-c", script], in: repo.root, environment: repo.environment)
        let seconds = Date().timeIntervalSince(start)
        #expect(r.status == 0)
        #expect(!r.stdout.contains("failed"), "\(r)")
        #expect(!r.stderr.contains("another goalsync process"), "\(r)")
        #expect(try repo.commitCount() == count + 72)
        for n in 1...6 { #expect(try repo.read("goals/g\(n).md").contains("why: Reason 12 of writer \(n)")) }
        #expect(try repo.gitOutput("status", "--porcelain").isEmpty)
        #expect(try repo.git("fsck", "--no-progress").status == 0)
        print("six writers x 12 sets: \(String(format: "%.1f", seconds)) s")
    }
}
