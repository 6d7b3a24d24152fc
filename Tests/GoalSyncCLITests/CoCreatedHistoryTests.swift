import Foundation
import GoalSyncCore
import GoalSyncTestSupport
import Testing

/// The `co-created` lint reads the history when a goal's file names nobody besides its owner
/// (SPEC §4): real clones, the built binary, plain git as the teammate.
@Suite("co-created from the history")
struct CoCreatedHistoryTests {
    /// The files `goalsync validate --json` reports a `co-created` finding for.
    func coCreatedFindings(_ m: Member) throws -> [String] {
        let json = try parseJSON(try m.goalsync("validate", "--json").stdout) as? [String: Any]
        let diagnostics = try #require(json?["diagnostics"] as? [[String: Any]])
        return diagnostics.filter { $0["code"] as? String == "co-created" }.compactMap { $0["file"] as? String }
    }

    func newGoal(_ m: Member, _ id: String) throws {
        try m.goalsync("new", "Raise activation from 30% to 50%", "--id", id, "--set", "persona=Admins").requireOK("new")
        try m.goalsync("add", id, "metrics", "{id: m, name: Activation, unit: percent, direction: increase, baseline: 30, target: 50}").requireOK("metric")
    }

    @Test func aGoalEditedByATeammateWithPlainGitIsCoCreated() throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        try newGoal(ana, "g")
        try ana.goalsync("push").requireOK("push")
        #expect(try ana.text("goals/g.md").contains("owner: Ana <ana@example.com>"))
        #expect(!(try ana.text("goals/g.md").contains("contributors")))

        // Ben sharpens the draft by hand and commits with plain git (the hook runs validate --staged).
        let ben = try team.join("Ben")
        try ben.write("goals/g.md", try ben.text("goals/g.md").replacingOccurrences(of: "persona: Admins", with: "persona: Admins of new workspaces"))
        try ben.git("commit", "-q", "-am", "Sharpen the persona").requireOK("git commit")
        try ben.git("push", "-q", "origin", "main").requireOK("git push")

        // Ana proposes it after pulling: the write is validated before the file changes, and the
        // history already shows Ben.
        try ana.goalsync("pull").requireOK("pull")
        let propose = try ana.goalsync("set", "g", "status", "proposed").requireOK("propose")
        #expect(propose.stderr.contains("lint warning"), "other lint still speaks: \(propose)")
        #expect(!propose.stderr.contains("co-created"), "\(propose)")
        #expect(try coCreatedFindings(ana).isEmpty)
        try ana.goalsync("push").requireOK("push")
        try ben.goalsync("pull").requireOK("pull")
        #expect(try coCreatedFindings(ben).isEmpty)
        // A plain commit of the proposed goal is checked the same way by the hook.
        try ben.write("goals/g.md", try ben.text("goals/g.md").replacingOccurrences(of: "persona: Admins of new workspaces", with: "persona: New admins"))
        try ben.git("add", "goals/g.md").requireOK("git add")
        let staged = try ben.goalsync("validate", "--staged")
        #expect(staged.status == 0)
        #expect(!staged.stdout.contains("co-created") && !staged.stderr.contains("co-created"), "\(staged)")
    }

    @Test func aGoalOnlyItsOwnerTouchedIsNotCoCreated() throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        try newGoal(ana, "g")
        let propose = try ana.goalsync("set", "g", "status", "proposed").requireOK("propose")
        #expect(propose.stderr.contains("co-created"), "\(propose)")
        #expect(try coCreatedFindings(ana) == ["goals/g.md"])
        // Ana again, under another email: the same name is the same owner.
        try ana.write("goals/g.md", try ana.text("goals/g.md").replacingOccurrences(of: "persona: Admins", with: "persona: New admins"))
        let otherEmail = ["GIT_AUTHOR_EMAIL": "ana@home.example", "GIT_COMMITTER_EMAIL": "ana@home.example"]
        try team.run(TestRepo.gitPath, ["commit", "-q", "-am", "From home"], in: ana.dir, extra: ana.identity.merging(otherEmail) { $1 })
            .requireOK("git commit")
        #expect(try ana.git("log", "-1", "--format=%ae").stdout.contains("ana@home.example"))
        #expect(try coCreatedFindings(ana) == ["goals/g.md"])
        // A contributor named in the file settles it without the history.
        try ana.goalsync("add", "g", "contributors", "Ben Ode <ben@example.com>").requireOK("add contributor")
        #expect(try coCreatedFindings(ana).isEmpty)
    }

    /// A teammate's commit further back than the walk's limit is not seen: the walk is bounded.
    @Test func theWalkStopsAtItsLimit() throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        try newGoal(ana, "g")
        try ana.goalsync("set", "g", "status", "proposed").requireOK("propose")
        try ana.write("goals/g.md", try ana.text("goals/g.md").replacingOccurrences(of: "persona: Admins", with: "persona: New admins"))
        try team.run(TestRepo.gitPath, ["commit", "-q", "-am", "Ben's edit"], in: ana.dir, extra: Member(team: team, name: "Ben").identity)
            .requireOK("git commit as Ben")
        #expect(try coCreatedFindings(ana).isEmpty)
        // Ana's commits of another file, as many as the walk reads, bury Ben's (git fast-import: fast).
        let limit = Auditor.historyContributorsCommitLimit
        let parent = ana.head
        var stream = ""
        for i in 0..<limit {
            let text = "note \(i)\n"
            stream += "commit refs/heads/main\nauthor Ana <ana@example.com> 1767600000 +0000\ncommitter Ana <ana@example.com> 1767600000 +0000\n"
            stream += "data 5\nnote\n" + (i == 0 ? "from \(parent)\n" : "")
            stream += "M 100644 inline notes.txt\ndata \(text.utf8.count)\n\(text)\n"
        }
        let imported = try ProcessRunner.run(
            TestRepo.gitPath, ["fast-import", "--quiet"], in: ana.dir, environment: team.env, stdin: Array(stream.utf8))
        try imported.requireOK("git fast-import")
        try ana.git("reset", "-q", "--hard", "main").requireOK("reset")
        #expect(try ana.git("rev-list", "--count", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "\(limit + 5)")
        #expect(try coCreatedFindings(ana) == ["goals/g.md"])
    }
}
