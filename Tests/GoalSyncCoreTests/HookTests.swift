import Foundation
import GoalSyncCore
import GoalSyncTestSupport
import Testing

/// SPEC §2, §4, §6: the pre-commit hook holds a plain `git commit` to goalsync's rules, and
/// `goalsync hooks install` keeps (and runs) a hook the team already had.
@Suite("Pre-commit hook")
struct HookTests {
    /// Commits with plain git; returns git's result.
    static func plainCommit(_ repo: TestRepo, _ arguments: [String] = [], message: String = "plain commit", env: [String: String?] = [:]) throws -> ProcessResult {
        try repo.git(["commit", "-q", "-m", message] + arguments, env: env)
    }

    @Test("A plain git commit of an invalid goal is refused and commits nothing")
    func invalidGoalRefused() throws {
        let repo = try TestRepo()
        try repo.write("goals/bad.md", GoalText.clean(id: "bad").setting("status", "someday").text)
        try repo.git("add", "goals/bad.md")
        let head = repo.head
        let r = try Self.plainCommit(repo)
        #expect(r.status != 0, "\(r)")
        #expect(r.stderr.contains("goals/bad.md:4: error: status: status 'someday' is not one of") || r.stdout.contains("goals/bad.md:4: error: status:"), "\(r)")
        #expect(repo.head == head)
        #expect(try repo.gitOutput("diff", "--cached", "--name-only") == "goals/bad.md", "the change stays staged")
    }

    @Test("Two active goals staged are refused")
    func twoActiveRefused() throws {
        let repo = try TestRepo()
        try repo.commitGoal("first", GoalText.clean(id: "first", status: "active").text)
        try repo.write("goals/second.md", GoalText.clean(id: "second", status: "active").text)
        try repo.git("add", "goals/second.md")
        let head = repo.head
        let r = try Self.plainCommit(repo)
        #expect(r.status != 0)
        #expect((r.stdout + r.stderr).contains("2 goals are active (first, second)"), "\(r)")
        #expect(repo.head == head)
    }

    @Test("A valid change and a commit that touches no goal pass")
    func validChangesPass() throws {
        let repo = try TestRepo()
        var count = try repo.commitCount()
        try repo.commitGoal("g", GoalText.clean(id: "g").text)
        #expect(try repo.commitCount() == count + 1)
        try repo.write("goals/g.md", GoalText.clean(id: "g").setting("why", "Retention triples").text)
        try repo.git("add", "goals/g.md")
        #expect(try Self.plainCommit(repo).status == 0)
        // An invalid goal file that is not staged does not block an unrelated commit.
        try repo.write("goals/wip.md", "---\nid: wip\ntitle: [unfinished\n")
        try repo.write("README.md", "# Goals of the team\n")
        try repo.git("add", "README.md")
        count = try repo.commitCount()
        let r = try Self.plainCommit(repo)
        #expect(r.status == 0, "\(r)")
        #expect(try repo.commitCount() == count + 1)
    }

    @Test("git commit -a is held to the same rules (the hook checks the index git commits)")
    func commitAllRefused() throws {
        let repo = try TestRepo()
        try repo.commitGoal("g", GoalText.clean(id: "g").text)
        try repo.write("goals/g.md", GoalText.clean(id: "g").setting("status", "someday").text)
        let head = repo.head
        let r = try Self.plainCommit(repo, ["-a"])
        #expect(r.status != 0, "git commit -a committed an invalid goal: \(r)")
        #expect(repo.head == head)
    }

    @Test("git commit PATH (a partial commit) is held to the same rules")
    func partialCommitRefused() throws {
        let repo = try TestRepo()
        try repo.commitGoal("g", GoalText.clean(id: "g").text)
        try repo.write("goals/g.md", GoalText.clean(id: "g").setting("status", "someday").text)
        let head = repo.head
        let r = try Self.plainCommit(repo, ["--", "goals/g.md"])
        #expect(r.status != 0, "git commit PATH committed an invalid goal: \(r)")
        #expect(repo.head == head)
    }

    @Test("A staged goal file that is a symbolic link is refused")
    func symlinkRefused() throws {
        let repo = try TestRepo()
        try GoalText.clean(id: "link").text.write(toFile: repo.base + "/outside.md", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: repo.path("goals/link.md"), withDestinationPath: "../../outside.md")
        try repo.git("add", "goals/link.md")
        let head = repo.head
        let r = try Self.plainCommit(repo)
        #expect(r.status != 0)
        #expect((r.stdout + r.stderr).contains("symbolic link"), "\(r)")
        #expect(repo.head == head)
    }

    @Test("The hook finds goalsync by the path it was installed from when goalsync is not on PATH")
    func hookWithoutPath() throws {
        let repo = try TestRepo()
        try repo.write("goals/bad.md", GoalText.clean(id: "bad").setting("status", "someday").text)
        try repo.git("add", "goals/bad.md")
        let head = repo.head
        let r = try Self.plainCommit(repo, env: ["PATH": "/usr/local/bin:/usr/bin:/bin"])
        #expect(r.status != 0, "\(r)")
        #expect(!r.stderr.contains("not on PATH"), "\(r)")
        #expect((r.stdout + r.stderr).contains("status 'someday'"))
        #expect(repo.head == head)
    }

    // MARK: hooks install

    /// Replaces goalsync's hook by a team hook that logs each run to `.git/hook.log` and exits
    /// with `status`, then runs `goalsync hooks install`.
    static func chainTeamHook(_ repo: TestRepo, exit status: Int) throws -> ProcessResult {
        let hook = repo.root + "/.git/hooks/pre-commit"
        try FileManager.default.removeItem(atPath: hook)
        let script = "#!/bin/sh\n# team hook\necho \"ran in-process=${GOALSYNC_IN_PROCESS:-no}\" >> \"\(repo.root)/.git/hook.log\"\necho 'team check says no' >&2\nexit \(status)\n"
        try writeExecutable(script, to: hook)
        return try repo.ok("hooks", "install")
    }

    static func hookLog(_ repo: TestRepo) -> [String] {
        ((try? String(contentsOfFile: repo.root + "/.git/hook.log", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    @Test("hooks install keeps an existing hook and runs it after goalsync's checks, for git and goalsync commits")
    func chainsExistingHook() throws {
        let repo = try TestRepo()
        let r = try Self.chainTeamHook(repo, exit: 0)
        #expect(r.stdout.contains("the hook that was there runs after it"))
        let chained = repo.root + "/.git/hooks/pre-commit.goalsync-chained"
        #expect(try String(contentsOfFile: chained, encoding: .utf8).contains("# team hook"))
        #expect(try repo.read(".git/hooks/pre-commit").contains("goalsync pre-commit hook"))

        try repo.commitGoal("g", GoalText.clean(id: "g").text)
        #expect(Self.hookLog(repo) == ["ran in-process=no"])
        try repo.ok("set", "g", "why", "Retention triples")
        #expect(Self.hookLog(repo) == ["ran in-process=no", "ran in-process=1"])
        // goalsync's own check fails first: the team hook does not run.
        try repo.write("goals/g.md", GoalText.clean(id: "g").setting("status", "someday").text)
        try repo.git("add", "goals/g.md")
        #expect(try Self.plainCommit(repo).status != 0)
        #expect(Self.hookLog(repo).count == 2)

        // Installing again updates goalsync's hook and leaves the chained one alone.
        let again = try repo.ok("hooks", "install")
        #expect(again.stdout.contains("pre-commit hook updated"))
        #expect(try String(contentsOfFile: chained, encoding: .utf8).contains("# team hook"))
    }

    @Test("A failing chained hook blocks goalsync's commits and leaves everything as it was; --no-verify skips it")
    func failingChainedHookBlocks() throws {
        let repo = try TestRepo()
        try repo.commitGoal("g", GoalText.clean(id: "g").text)
        _ = try Self.chainTeamHook(repo, exit: 1)
        let before = try repo.snapshot()
        let r = try repo.goalsync("set", "g", "why", "Retention triples")
        #expect(r.status == 1, "\(r)")
        #expect(r.stderr.contains("the pre-commit hook refused the commit (exit 1)"))
        #expect(r.stderr.contains("team check says no"))
        #expect(!r.stderr.contains("Fatal error"))
        let after = try repo.snapshot()
        #expect(after == before, "changed: \(after.changedFiles(since: before))")
        #expect(Self.hookLog(repo) == ["ran in-process=1"])

        let count = try repo.commitCount()
        try repo.ok("set", "g", "why", "Retention triples", "--no-verify")
        try repo.expectOneCommit(since: count, subject: "set(g): why Activated workspaces retain at 3x the rate -> Retention triples", ids: ["g"], fields: ["why"])
        #expect(Self.hookLog(repo).count == 1, "--no-verify runs no hook")
    }

    @Test("hooks install honours core.hooksPath")
    func hooksPath() throws {
        let repo = try TestRepo()
        try repo.git("config", "core.hooksPath", ".githooks")
        try repo.ok("hooks", "install")
        #expect(FileManager.default.isExecutableFile(atPath: repo.path(".githooks/pre-commit")))
        try repo.write("goals/bad.md", GoalText.clean(id: "bad").setting("status", "someday").text)
        try repo.git("add", "goals/bad.md")
        let head = repo.head
        #expect(try Self.plainCommit(repo).status != 0)
        #expect(repo.head == head)
    }
}
