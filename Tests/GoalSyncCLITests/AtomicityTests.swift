import Foundation
import GoalSyncCore
import GoalSyncTestSupport
import Testing

/// SPEC §5 and §6: a write refused by validation or by a failing pre-commit hook leaves the working
/// files, the index and HEAD exactly as they were, including changes the person had not committed.
@Suite("Atomic writes")
struct AtomicityTests {
    /// A repository with goal `g` (active) and `next` (proposed) committed, plus work in progress:
    /// a staged README and an unstaged edit of g's body.
    static func repoWithWork() throws -> TestRepo {
        let repo = try TestRepo()
        try repo.commitGoal("g", GoalText.clean(id: "g", status: "active").text)
        try repo.commitGoal("next", GoalText.clean(id: "next").text)
        try repo.write("README.md", "# Staged, not committed\n")
        try repo.git("add", "README.md")
        try repo.write("goals/g.md", GoalText.clean(id: "g", status: "active").withBody("# Why now\nAn unstaged edit.\n").text)
        return repo
    }

    static let refusedByValidation: [[String]] = [
        ["set", "g", "timeframe.end", "2025-12-31"],
        ["set", "g", "metrics.activation.target", "30"],
        ["add", "g", "metrics", "{id: churn, name: Churn, unit: percent, direction: decrease, baseline: 5, target: 9}"],
        ["set", "next", "closed.reason", "x"],
    ]

    @Test("A write refused by validation changes no file, no index entry and no ref", arguments: refusedByValidation)
    func validationRefusal(_ arguments: [String]) throws {
        let repo = try Self.repoWithWork()
        let before = try repo.snapshot()
        let r = try repo.goalsync(arguments)
        #expect(r.status == 1, "\(r)")
        expectNoCrash(r)
        let after = try repo.snapshot()
        #expect(after == before, "changed: \(after.changedFiles(since: before))")
        #expect(try repo.gitOutput("diff", "--cached", "--name-only") == "README.md")
        #expect(try repo.read("goals/g.md").contains("An unstaged edit."))
    }

    /// Puts a failing team hook behind goalsync's.
    static func failingHook(_ repo: TestRepo) throws {
        let hook = repo.root + "/.git/hooks/pre-commit"
        try FileManager.default.removeItem(atPath: hook)
        try writeExecutable("#!/bin/sh\necho 'blocked by the team hook' >&2\nexit 1\n", to: hook)
        try repo.ok("hooks", "install")
    }

    static let refusedByHook: [[String]] = [
        ["set", "g", "why", "Retention triples"],
        ["new", "A new goal", "--id", "brand-new"],
        ["add", "g", "tags", "onboarding"],
        ["checkin", "g", "activation", "40"],
        ["activate", "next", "--close", "abandoned", "--reason", "Priorities changed"],
    ]

    @Test("A write refused by a failing chained hook puts every file and the index back", arguments: refusedByHook)
    func hookRefusal(_ arguments: [String]) throws {
        let repo = try Self.repoWithWork()
        try Self.failingHook(repo)
        let before = try repo.snapshot()
        let r = try repo.goalsync(arguments)
        #expect(r.status == 1, "\(r)")
        #expect(r.stderr.contains("blocked by the team hook"))
        expectNoCrash(r)
        let after = try repo.snapshot()
        #expect(after == before, "changed: \(after.changedFiles(since: before))")
        #expect(!repo.exists("goals/brand-new.md"))
        #expect(!FileManager.default.fileExists(atPath: repo.root + "/.git/goalsync/lock"), "the lock is released")
        // The same write succeeds without the hook, as one commit.
        let count = try repo.commitCount()
        try repo.ok(arguments + ["--no-verify"])
        #expect(try repo.commitCount() == count + 1)
    }

    @Test("A refused edit leaves the work tree, the index and HEAD as they were")
    func editRefusal() throws {
        let repo = try Self.repoWithWork()
        let editor = repo.base + "/editor.sh"
        try writeExecutable("#!/bin/sh\nsed -i 's/^status: .*/status: someday/' \"$1\"\n", to: editor)
        let before = try repo.snapshot()
        let r = try repo.goalsync(["edit", "g"], env: ["EDITOR": editor])
        #expect(r.status == 1)
        #expect(try repo.snapshot() == before)
    }

    @Test("A stale lock from a process that is gone is taken over; a live one refuses with exit 2")
    func repositoryLock() throws {
        let repo = try TestRepo()
        try repo.newGoal(id: "g")
        let lock = repo.root + "/.git/goalsync/lock"
        try "999999999\n".write(toFile: lock, atomically: true, encoding: .utf8)
        try repo.ok("set", "g", "why", "Because")
        #expect(!FileManager.default.fileExists(atPath: lock))
        // Our own test process holds the lock, as a live goalsync does: refused after the wait.
        let held = try HeldLock(lock)
        let before = try repo.snapshot()
        expectCleanFailure(try repo.goalsync(["set", "g", "why", "Again"], env: ["GOALSYNC_LOCK_TIMEOUT": "0.2"]), exit: 2, mentioning: "another goalsync process (pid \(getpid()))")
        #expect(try repo.snapshot() == before)
        held.release()
        try FileManager.default.removeItem(atPath: lock)
        // Once it is released, the write goes through.
        try repo.ok("set", "g", "why", "Again")
    }
}
