import Foundation
import GoalSyncTestSupport
import Testing

/// Criss-cross histories end to end: Ana and Ben each change something, each merges the other's
/// commit with plain git (through the merge driver), then both go on. Their tips then have two
/// merge bases, and `goalsync pull` merges against a virtual base made of both, as git does.
@Suite("Criss-cross merges")
struct CrissCrossTests {
    /// Ana founds the repository with goals `g` and `h`; Ben joins; `first` runs in Ana's clone and
    /// `second` in Ben's; each merges the other's commit with `git merge`, and when that stops
    /// on a conflict, `settle` (given the member) settles it and the merge is committed with git.
    /// Ana pushes her merge to `main`; Ben's stays local.
    func crissCross(ana first: (Member) throws -> Void, ben second: (Member) throws -> Void,
                    settle: (Member) throws -> Void = { _ in }) throws -> (Team, Member, Member) {
        let team = try Team()
        let ana = try team.founder("Ana")
        try ana.goalsync("new", "Goal G", "--id", "g", "--set", "persona=Persona 0").requireOK("new g")
        try ana.goalsync("new", "Goal H", "--id", "h", "--set", "persona=Persona 0").requireOK("new h")
        try ana.goalsync("push").requireOK("push")
        let ben = try team.join("Ben")
        try first(ana)
        try second(ben)
        try ana.git("push", "-q", "origin", "main").requireOK("push main")
        try ben.git("push", "-q", "origin", "main:ben").requireOK("push ben")
        for (m, branch) in [(ana, "origin/ben"), (ben, "origin/main")] {
            try m.git("fetch", "-q", "origin").requireOK("fetch")
            if try m.git("merge", "-q", "--no-edit", branch).status != 0 {
                try settle(m)
                try m.git("commit", "-q", "--no-edit").requireOK("commit the settled merge")
            }
        }
        try ana.git("push", "-q", "origin", "main").requireOK("push the merge")
        return (team, ana, ben)
    }

    /// Settles a conflicted `git merge` of goals/g.md by writing ours with `title` and staging it.
    func settleTitle(_ title: String) -> (Member) throws -> Void {
        { m in
            let ours = try m.git("show", "HEAD:goals/g.md").requireOK("show").stdout
            try m.write("goals/g.md", ours.replacingOccurrences(of: #"(?m)^title: .*$"#, with: "title: \(title)", options: .regularExpression))
            try m.git("add", "goals/g.md").requireOK("add")
        }
    }

    func mergeBaseCount(_ m: Member) throws -> Int {
        try m.git("fetch", "-q", "origin").requireOK("fetch")
        return try m.git("merge-base", "--all", "HEAD", "origin/main").requireOK("merge-base").stdout.split(separator: "\n").count
    }

    /// Ana changed g and Ben h before the cross merges; after them, Ana changes Ben's field and
    /// Ben Ana's. Against either merge base alone, one of those is a false conflict.
    @Test func aCrissCrossHistoryMergesWithNoFalseConflict() throws {
        let (_, ana, ben) = try crissCross(
            ana: { try $0.goalsync("set", "g", "persona", "Ana's persona").requireOK("set") },
            ben: { try $0.goalsync("set", "h", "persona", "Ben's persona").requireOK("set") })
        try ana.goalsync("set", "h", "persona", "Ana later").requireOK("set")
        try ana.goalsync("push").requireOK("push")
        try ben.goalsync("set", "g", "persona", "Ben later").requireOK("set")
        #expect(try mergeBaseCount(ben) == 2)
        let pull = try ben.goalsync("pull")
        #expect(pull.status == 0, "\(pull)")
        #expect(try ben.text("goals/g.md").contains("persona: Ben later"))
        #expect(try ben.text("goals/h.md").contains("persona: Ana later"))
        #expect(try ben.git("rev-list", "--parents", "-n", "1", "HEAD").stdout.split(separator: " ").count == 3)
        #expect(try ben.git("status", "--porcelain").stdout.isEmpty)
        // Ana gets the same bytes.
        try ben.goalsync("push").requireOK("push")
        try ana.goalsync("pull").requireOK("pull")
        #expect(try ana.file("goals/g.md") == (try ben.file("goals/g.md")))
        #expect(try ana.file("goals/h.md") == (try ben.file("goals/h.md")))
    }

    @Test func aTrueConflictInACrissCrossHistoryIsStillReported() throws {
        let (_, ana, ben) = try crissCross(
            ana: { try $0.goalsync("set", "g", "persona", "Ana's persona").requireOK("set") },
            ben: { try $0.goalsync("set", "h", "persona", "Ben's persona").requireOK("set") })
        try ana.goalsync("set", "g", "title", "Ana's title").requireOK("set")
        try ana.goalsync("push").requireOK("push")
        try ben.goalsync("set", "g", "title", "Ben's title").requireOK("set")
        try ben.goalsync("set", "h", "why", "Ben's why").requireOK("set")
        let pull = try ben.goalsync("pull")
        #expect(pull.status == 1)
        let conflicts = pull.stderrLines.filter { $0.hasPrefix("  ") && $0.contains(": ours ") }
        #expect(conflicts == ["  g title: ours Ben's title, theirs Ana's title"], "exactly the one true conflict: \(pull)")
        try ben.goalsync("resolve", "g", "title", "--theirs").requireOK("resolve")
        try ben.goalsync("pull", "--continue").requireOK("continue")
        #expect(try ben.text("goals/g.md").contains("title: Ana's title"))
        #expect(try ben.text("goals/h.md").contains("why: Ben's why"))
    }

    /// The two cross merges settled a title conflict differently: each clone's settlement is a
    /// change against the virtual base (where the title is the original one), so the pull reports
    /// the conflict instead of taking one of them silently; --base gives the original title, and
    /// --abort returns exactly to before.
    @Test func conflictsSettledDifferentlyInTheCrossMergesConflictAgain() throws {
        let (_, ana, ben) = try crissCross(
            ana: { try $0.goalsync("set", "g", "title", "Title A").requireOK("set") },
            ben: { try $0.goalsync("set", "g", "title", "Title B").requireOK("set") },
            settle: { m in try settleTitle(m.name == "Ana" ? "Title A" : "Title B")(m) })
        try ana.goalsync("set", "h", "persona", "Ana later").requireOK("set")
        try ana.goalsync("push").requireOK("push")
        try ben.goalsync("set", "h", "why", "Ben's why").requireOK("set")
        #expect(try mergeBaseCount(ben) == 2)
        let before = try ben.state()
        let pull = try ben.goalsync("pull")
        #expect(pull.status == 1)
        #expect(pull.stderr.contains("g title: ours Title B, theirs Title A"), "\(pull)")
        #expect(try ben.goalsync("status").stdout.contains("base:   Goal G"))
        // The base's file is the virtual base's, an object nothing references; --base reads it.
        try ben.goalsync("resolve", "g", "title", "--base").requireOK("resolve --base")
        #expect(try ben.text("goals/g.md").contains("title: Goal G"))
        try ben.goalsync("pull", "--abort").requireOK("abort")
        #expect(try ben.state() == before)
        #expect(try ben.goalsync("pull").status == 1)
    }

    /// The cross merges settled a title conflict alike; later Ben changes the lines next to it.
    /// Plain `git merge` (git makes the virtual base with `goalsync merge-driver --virtual-base`,
    /// configured as merge.goalsync.recursive) gives the very tree `goalsync pull` gives.
    @Test func plainGitMergeWithTheDriverGivesTheSameBytesInACrissCrossHistory() throws {
        let (team, ana, ben) = try crissCross(
            ana: { try $0.goalsync("set", "g", "title", "Title A").requireOK("set") },
            ben: { try $0.goalsync("set", "g", "title", "Title B").requireOK("set") },
            settle: settleTitle("Agreed"))
        #expect(try ben.git("config", "merge.goalsync.recursive").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "goalsync-virtual-base")
        try ana.goalsync("set", "h", "persona", "Ana later").requireOK("set")
        try ana.goalsync("push").requireOK("push")
        try ben.goalsync("set", "g", "persona", "Ben later").requireOK("set")
        try ben.goalsync("set", "g", "status", "proposed").requireOK("set")
        #expect(try mergeBaseCount(ben) == 2)
        let copy = Member(team: team, name: "Ben-git")
        try team.run("/bin/cp", ["-a", ben.dir, copy.dir], in: team.base).requireOK("cp")
        try ben.goalsync("pull").requireOK("goalsync pull")
        try copy.git("merge", "--no-edit", "origin/main").requireOK("git merge")
        #expect(try copy.git("rev-parse", "HEAD^{tree}").stdout == (try ben.git("rev-parse", "HEAD^{tree}").stdout))
        #expect(try copy.file("goals/g.md") == (try ben.file("goals/g.md")))
        let g = try ben.text("goals/g.md")
        for line in ["title: Agreed", "status: proposed", "persona: Ben later"] { #expect(g.contains(line)) }
    }
}
