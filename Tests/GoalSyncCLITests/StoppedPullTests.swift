import Foundation
import GoalSyncTestSupport
import Testing

/// A stopped pull can always be finished or undone: `resolve` never writes a goal that breaks the
/// rules, `pull --abort` returns exactly to before from any stop, and every command refused while
/// the pull waits says both ways out.
@Suite("Getting out of a stopped pull")
struct StoppedPullTests {
    /// Goal `g` is proposed; one member closes it (abandoned, with a reason, so `closed` is added),
    /// the other moves it back to draft: `status` conflicts, and `closed` merges cleanly from the
    /// closing side. Ben pulls. `benCloses`: Ben's side is the closing one.
    func statusConflict(benCloses: Bool) throws -> (Team, Member, Member) {
        let team = try Team()
        let ana = try team.founder("Ana")
        try ana.goalsync("new", "Goal G", "--id", "g").requireOK("new")
        try ana.goalsync("set", "g", "status", "proposed").requireOK("propose")
        try ana.goalsync("push").requireOK("push")
        let ben = try team.join("Ben")
        let (closer, other) = benCloses ? (ben, ana) : (ana, ben)  // Ana pushes, Ben pulls
        try closer.goalsync("set", "g", "status", "abandoned", "--reason", "No longer needed").requireOK("abandon")
        try other.goalsync("set", "g", "status", "draft").requireOK("draft")
        try ana.goalsync("push").requireOK("push")
        return (team, ana, ben)
    }

    @Test(arguments: [(false, "--ours"), (false, "--theirs"), (true, "--ours"), (true, "--theirs")])
    func resolveAllNeverWritesAGoalThatIsClosedButNotFinal(benCloses: Bool, flag: String) throws {
        let (_, _, ben) = try statusConflict(benCloses: benCloses)
        #expect(try ben.goalsync("pull").status == 1)
        try ben.goalsync("resolve", "--all", flag).requireOK("resolve --all")
        let text = try ben.text("goals/g.md")
        let closing = benCloses == (flag == "--ours")
        #expect(text.contains(closing ? "status: abandoned" : "status: draft"), "\(text)")
        #expect(text.contains("closed:") == closing, "\(text)")
        #expect(try ben.goalsync("validate", "goals/g.md").status == 0)
        try ben.goalsync("pull", "--continue").requireOK("continue")
        #expect(try ben.git("status", "--porcelain").stdout.isEmpty)
    }

    @Test func aSettlementThatWouldBreakARuleIsRefusedAndSaysWhatGoesTogether() throws {
        let (_, _, ben) = try statusConflict(benCloses: false)
        #expect(try ben.goalsync("pull").status == 1)
        let stopped = try ben.state()
        let r = try ben.goalsync("resolve", "g", "status", "--value", "proposed")
        expectCleanFailure(r, exit: 1, mentioning: "status and closed go together")
        #expect(r.stderr.contains("goalsync pull --abort"))
        #expect(try ben.state() == stopped)
        // One side's choice takes closed along, and says so.
        let base = try ben.goalsync("resolve", "g", "status", "--base").requireOK("resolve --base")
        #expect(base.stdout.contains("also took closed of g from base"))
        #expect(!(try ben.text("goals/g.md").contains("closed:")))
        // A value after the tied field was edited by hand goes through.
        try ben.goalsync("pull", "--abort").requireOK("abort")
        #expect(try ben.goalsync("pull").status == 1)
        let edited = try ben.text("goals/g.md").split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("closed:") }.joined(separator: "\n")
        try ben.write("goals/g.md", edited)
        try ben.goalsync("resolve", "g", "status", "--value", "proposed").requireOK("resolve --value after the edit")
        try ben.goalsync("pull", "--continue").requireOK("continue")
        #expect(try ben.text("goals/g.md").contains("status: proposed"))
    }

    /// Ana turns the metric around (decrease from 50 to 30); Ben raises its target to 60. The
    /// target conflicts; taking Ben's alone would leave a decrease whose target is above its
    /// baseline, so his direction and baseline come along, and the note says so.
    @Test func aMetricsDirectionAndNumbersAreSettledTogether() throws {
        let (_, ana, ben) = try SyncTests().twoMembers()
        try ana.goalsync("remove", "g", "metrics", "m").requireOK("remove")
        try ana.goalsync("add", "g", "metrics", "{id: m, name: Activation, unit: percent, direction: decrease, baseline: 50, target: 30}").requireOK("add")
        try ana.goalsync("push").requireOK("push")
        try ben.goalsync("set", "g", "metrics.m.target", "60").requireOK("set")
        #expect(try ben.goalsync("pull").status == 1)
        let r = try ben.goalsync("resolve", "g", "metrics.m.target", "--ours").requireOK("resolve")
        #expect(r.stdout.contains("also took metrics.m.direction and metrics.m.baseline of g from ours"), "\(r)")
        let text = try ben.text("goals/g.md")
        for line in ["direction: increase", "baseline: 30", "target: 60"] { #expect(text.contains(line), "\(text)") }
        try ben.goalsync("pull", "--continue").requireOK("continue")
    }

    /// Whatever happened since the pull stopped, `pull --abort` restores HEAD, the index (blob ids)
    /// and every file, and the clone works again.
    @Test(arguments: ["stopped", "settled one", "settled all", "refused", "damaged state", "killed while stopping"])
    func abortReturnsExactlyToBeforeAfterAnyStop(_ kind: String) throws {
        let (_, _, ben) = try statusConflict(benCloses: false)
        let before = try ben.state()
        let index = try ben.git("ls-files", "--stage").stdout
        let pull = try ben.goalsync(["pull"], extra: kind == "killed while stopping" ? ["GOALSYNC_CRASH_AT": "merge-after-worktree"] : [:])
        #expect(pull.status == (kind == "killed while stopping" ? 137 : 1))
        switch kind {
        case "settled one": try ben.goalsync("resolve", "g", "status", "--theirs").requireOK("resolve")
        case "settled all": try ben.goalsync("resolve", "--all", "--ours").requireOK("resolve")
        case "refused": #expect(try ben.goalsync("resolve", "g", "status", "--value", "proposed").status == 1)
        case "damaged state": try ben.write(".git/goalsync/merge.json", "{ not json")
        default: break
        }
        let abort = try ben.goalsync("pull", "--abort")
        #expect(abort.status == 0, "\(abort)")
        #expect(try ben.state() == before)
        #expect(try ben.git("ls-files", "--stage").stdout == index)
        #expect(try ben.git("status", "--porcelain").stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: ben.dir + "/.git/MERGE_HEAD"))
        try ben.goalsync("set", "g", "persona", "Works again").requireOK("set after abort")
    }

    @Test func everyCommandRefusedWhileAPullWaitsSaysBothWaysOut() throws {
        let (_, _, ben) = try statusConflict(benCloses: false)
        #expect(try ben.goalsync("pull").status == 1)
        for args in [["set", "g", "persona", "x"], ["pull"], ["push"], ["new", "Another"]] {
            let r = try ben.goalsync(args)
            #expect(r.status != 0, "\(args): \(r)")
            #expect(r.stderr.contains("goalsync pull --continue") && r.stderr.contains("goalsync pull --abort"), "\(args): \(r)")
        }
        let status = try ben.goalsync("status")
        #expect(status.stdout.contains("goalsync pull --continue") && status.stdout.contains("goalsync pull --abort"))
        let continued = try ben.goalsync("pull", "--continue")
        #expect(continued.status == 1)
        #expect(continued.stderr.contains("goalsync pull --abort"))
        // The branch moved since (here by plain git): --abort clears the stopped pull, touches no file.
        try ben.git("reset", "-q", "--hard", "HEAD~1").requireOK("reset")
        let state = try ben.state()
        let abort = try ben.goalsync("pull", "--abort").requireOK("abort")
        #expect(abort.stdout.contains("only its state was cleared"))
        #expect(try ben.state() == state)
        try ben.goalsync("set", "g", "persona", "Works again").requireOK("set")
    }

    @Test func aMergeStartedByPlainGitIsNamedWithGitsWaysOut() throws {
        let (_, _, ben) = try statusConflict(benCloses: false)
        try ben.git("fetch", "-q", "origin").requireOK("fetch")
        #expect(try ben.git("merge", "-q", "--no-edit", "origin/main").status != 0)
        let r = try ben.goalsync("new", "Another goal")
        #expect(r.status == 2)
        #expect(r.stderr.contains("git merge --abort"), "\(r)")
        #expect(try ben.goalsync("status").stdout.contains("git merge --abort"))
    }
}
