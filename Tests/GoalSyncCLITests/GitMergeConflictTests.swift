import Foundation
import GoalSyncTestSupport
import Testing

/// A conflict reached through plain `git pull` (git's merge stopped; the merge driver, or git's own
/// line merge, left markers) is shown and settled as after `goalsync pull`: `status` lists each
/// conflicting field with base, ours, theirs and who wrote each, `resolve`, `pull --continue` and
/// `pull --abort` work on it, and the hook's advice and `status` agree.
@Suite("Conflicts from plain git pull")
struct GitMergeConflictTests {
    /// Ana and Ben both change goal g's persona; Ana pushes. `ben` is a goalsync clone; with
    /// `plainClone`, Ben cloned with plain git (no merge driver configured, no hook).
    func personaConflict(plainClone: Bool = false) throws -> (Team, Member, Member) {
        let (team, ana, _) = try SyncTests().twoMembers()
        let ben = Member(team: team, name: "Cy")
        if plainClone {
            try team.run(TestRepo.gitPath, ["clone", "-q", team.remote, ben.dir], in: team.base, extra: ben.identity).requireOK("git clone")
        } else {
            try team.run(team.binary, ["clone", team.remote, ben.dir], in: team.base, extra: ben.identity).requireOK("clone")
        }
        try ana.goalsync("set", "g", "persona", "Admins of new workspaces").requireOK("set")
        try ana.goalsync("set", "g", "title", "Raise activation from 30% to 55%").requireOK("set")
        try ana.goalsync("push").requireOK("push")
        try ben.goalsync("set", "g", "persona", "Admins of teams of five").requireOK("set")
        return (team, ana, ben)
    }

    func gitPull(_ m: Member) throws -> ProcessResult {
        try m.git("-c", "pull.rebase=false", "pull", "-q", "origin", "main")
    }

    func conflicts(_ json: String) throws -> [[String: String]] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let list = try #require(object["conflicts"] as? [[String: Any]])
        return list.map { c in
            var out = [String: String]()
            for key in ["goal", "path", "field", "base", "ours", "theirs", "resolution"] { out[key] = c[key].map { "\($0)" } }
            for key in ["ours_by", "theirs_by"] {
                if let p = c[key] as? [String: Any] { out[key] = "\(p["name"] ?? "") \(p["email"] ?? "") \(p["date"] ?? "")" }
            }
            return out
        }
    }

    /// `status` after `git pull` shows what it shows after `goalsync pull` of the same histories.
    @Test func statusShowsEachFieldAsAfterGoalsyncPull() throws {
        let (team, _, ben) = try personaConflict()
        // A twin of Ben's clone, made before his pull: it pulls with goalsync.
        let twin = Member(team: team, name: "Twin")
        try team.run(TestRepo.gitPath, ["clone", "-q", ben.dir, twin.dir], in: team.base).requireOK("copy")
        try twin.git("remote", "set-url", "origin", team.remote).requireOK("set-url")
        try twin.git("fetch", "-q", "origin").requireOK("fetch")
        try twin.git("branch", "-q", "--set-upstream-to=origin/main").requireOK("upstream")
        try twin.git("config", "merge.goalsync.driver", "goalsync merge-driver %O %A %B %P").requireOK("config")
        #expect(try twin.goalsync("pull").status == 1)

        #expect(try gitPull(ben).status != 0)
        #expect(try ben.text("goals/g.md").contains("<<<<<<<"))
        let status = try ben.goalsync("status")
        #expect(status.status == 1, "\(status)")
        #expect(status.stdout.contains("CONFLICT: g persona"), "\(status)")
        #expect(status.stdout.contains("theirs: Admins of new workspaces   — Ana <ana@example.com>"), "\(status)")
        #expect(status.stdout.contains("ours:   Admins of teams of five   — Cy <cy@example.com>"), "\(status)")
        #expect(!status.stdout.contains("No conflicts."), "\(status)")
        #expect(!status.stderr.contains("cannot be read") && !status.stderr.contains("conflict markers"), "\(status)")
        let fromGit = try conflicts(try ben.goalsync("status", "--json").stdout)
        let fromGoalsync = try conflicts(try twin.goalsync("status", "--json").stdout)
        #expect(!fromGit.isEmpty)
        #expect(fromGit == fromGoalsync)
        #expect(fromGit.first?["ours_by"]?.hasPrefix("Cy cy@example.com") == true)
        // Status wrote nothing: git's conflict is as git left it.
        #expect(try ben.git("status", "--porcelain").stdout.contains("UU goals/g.md"))
    }

    /// resolve, then `pull --continue`: one merge commit with both parents, git's message without
    /// its "# Conflicts" lines, the settlement in it, and no merge state left.
    @Test func resolveAndContinueFinishTheMergeGitStarted() throws {
        let (_, _, ben) = try personaConflict()
        #expect(try gitPull(ben).status != 0)
        let theirs = try ben.git("rev-parse", "MERGE_HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let ours = ben.head
        let r = try ben.goalsync("resolve", "g", "persona", "--theirs").requireOK("resolve")
        #expect(r.stdout.contains("All conflicts settled"), "\(r)")
        let text = try ben.text("goals/g.md")
        #expect(text.contains("persona: Admins of new workspaces") && text.contains("55%") && !text.contains("<<<<<<<"), "\(text)")
        try ben.goalsync("pull", "--continue").requireOK("continue")
        #expect(try ben.git("rev-parse", "HEAD^1").stdout.hasPrefix(ours))
        #expect(try ben.git("rev-parse", "HEAD^2").stdout.hasPrefix(theirs))
        let message = try ben.git("log", "-1", "--format=%B").stdout
        #expect(message.hasPrefix("Merge branch 'main'") && !message.contains("#") && message.contains("g persona: theirs"), "\(message)")
        #expect(try ben.git("status", "--porcelain").stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: ben.dir + "/.git/goalsync/merge.json"))
        #expect(try ben.goalsync("status").stdout.contains("No conflicts."))
        try ben.goalsync("push").requireOK("push after the merge")
    }

    /// The hook refuses a commit of the marked file and points at goalsync resolve, which then
    /// works on it (the file was staged with its markers); `git commit` finishes the merge, and
    /// goalsync carries on without a stale stopped pull.
    @Test func theHooksAdviceWorksAndGitCommitFinishes() throws {
        let (_, _, ben) = try personaConflict()
        #expect(try gitPull(ben).status != 0)
        try ben.git("add", "goals/g.md").requireOK("add")
        let refused = try ben.git("commit", "--no-edit")
        #expect(refused.status != 0)
        #expect((refused.stdout + refused.stderr).contains("goalsync resolve"), "\(refused)")
        let status = try ben.goalsync("status")
        #expect(status.stdout.contains("CONFLICT: g persona"), "\(status)")
        try ben.goalsync("resolve", "g", "persona", "--ours").requireOK("resolve")
        #expect(try ben.text("goals/g.md").contains("persona: Admins of teams of five"))
        try ben.git("commit", "-q", "--no-edit").requireOK("git commit through the hook")
        #expect(try ben.git("rev-list", "--parents", "-1", "HEAD").stdout.split(separator: " ").count == 3)
        try ben.goalsync("set", "g", "owner", "Cy <cy@example.com>").requireOK("a write after git commit")
        #expect(try ben.goalsync("status").stdout.contains("No conflicts."))
    }

    /// `pull --abort` on git's stopped merge (taken over or not) puts back HEAD, the index and
    /// every file as they were before `git pull`.
    @Test(arguments: ["as git left it", "after a resolve"])
    func abortReturnsToBeforeGitPull(_ when: String) throws {
        let (_, _, ben) = try personaConflict()
        let before = try ben.state()
        #expect(try gitPull(ben).status != 0)
        if when == "after a resolve" { try ben.goalsync("resolve", "g", "persona", "--theirs").requireOK("resolve") }
        let abort = try ben.goalsync("pull", "--abort")
        #expect(abort.status == 0, "\(abort)")
        #expect(try ben.state() == before)
        #expect(!FileManager.default.fileExists(atPath: ben.dir + "/.git/MERGE_HEAD"))
        try ben.goalsync("set", "g", "owner", "Cy <cy@example.com>").requireOK("works again")
    }

    /// A clone made with plain git has no merge driver: git's line merge leaves its own markers.
    /// goalsync still reads the conflict field by field (the title merges cleanly), keeps git's
    /// marked file as a blob it names, and settles it.
    @Test func withoutTheDriverGitsOwnMarkersAreReadFieldByField() throws {
        let (_, _, ben) = try personaConflict(plainClone: true)
        #expect(try gitPull(ben).status != 0)
        let marked = try ben.text("goals/g.md")
        #expect(marked.contains("<<<<<<< HEAD"), "\(marked)")
        let status = try ben.goalsync("status")
        #expect(status.stdout.contains("CONFLICT: g persona") && !status.stdout.contains("CONFLICT: g title"), "\(status)")
        try ben.goalsync("resolve", "g", "persona", "--theirs").requireOK("resolve")
        let status2 = try ben.goalsync("status").stdout
        let blob = try #require(status2.split(separator: "\n").first { $0.contains("git show") }.flatMap { $0.split(separator: " ").last?.dropLast() })
        #expect(try ben.git("show", String(blob)).stdout == marked)
        try ben.goalsync("pull", "--continue").requireOK("continue")
        let text = try ben.text("goals/g.md")
        #expect(text.contains("persona: Admins of new workspaces") && text.contains("55%"), "\(text)")
    }

    /// A file settled by hand (markers removed) but not staged is taken as it stands.
    @Test func aFileSettledByHandIsTakenAsItStands() throws {
        let (_, _, ben) = try personaConflict()
        #expect(try gitPull(ben).status != 0)
        let lines = try ben.text("goals/g.md").split(separator: "\n", omittingEmptySubsequences: false)
        var out = [Substring](), skip = false
        for l in lines {
            if l.hasPrefix("<<<<<<<") { skip = false; continue }
            if l.hasPrefix("|||||||") || l.hasPrefix("=======") { skip = true; continue }
            if l.hasPrefix(">>>>>>>") { skip = false; continue }
            if !skip { out.append(l) }
        }
        try ben.write("goals/g.md", out.joined(separator: "\n"))
        let status = try ben.goalsync("status")
        #expect(status.status == 0 && status.stdout.contains("All settled"), "\(status)")
        try ben.goalsync("pull", "--continue").requireOK("continue")
        #expect(try ben.text("goals/g.md").contains("persona: Admins of teams of five"))
        #expect(try ben.git("status", "--porcelain").stdout.isEmpty)
    }
}
