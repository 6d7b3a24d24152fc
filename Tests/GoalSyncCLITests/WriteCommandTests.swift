import Foundation
import GoalSyncCore
import GoalSyncTestSupport
import Testing

/// SPEC §5 and §7 through the built binary: the commands that write. Each write is exactly one
/// commit `verb(id): summary` with `Goal-Id:` and `Goal-Fields:` trailers; each refusal changes
/// nothing.
@Suite("Commands: set, add, remove, checkin, edit, activate")
struct WriteCommandTests {
    /// Runs a refused command and checks its exit code, its one stderr line and that nothing changed.
    static func expectRefused(
        _ repo: TestRepo, _ arguments: [String], exit code: Int32, mentioning needle: String,
        env: [String: String?] = [:], diagnostics: Bool = false, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let before = try repo.snapshot()
        let r = try repo.goalsync(arguments, env: env)
        expectCleanFailure(r, exit: code, mentioning: needle, allowDiagnostics: diagnostics, sourceLocation: sourceLocation)
        if diagnostics {
            #expect(r.stderrLines.last == "goalsync: error: the change breaks the rules above; nothing was committed", sourceLocation: sourceLocation)
        }
        let after = try repo.snapshot()
        #expect(after == before, "\(arguments.joined(separator: " ")) changed \(after.changedFiles(since: before))", sourceLocation: sourceLocation)
    }

    // MARK: set

    @Test("set changes a scalar, a dotted field, a metric's field, and removes with an empty value")
    func setFields() throws {
        let repo = try TestRepo()
        try repo.commitGoal("g", GoalText.clean(id: "g").text)

        var count = try repo.commitCount()
        try repo.ok("set", "g", "title", "Raise activation to 55%")
        try repo.expectOneCommit(since: count, subject: "set(g): title Raise new-admin activation from 30% to 50% -> Raise activation to 55%", ids: ["g"], fields: ["title"])
        #expect(try repo.frontMatter("g")["title"] == .string("Raise activation to 55%"))

        count = try repo.commitCount()
        try repo.ok("set", "g", "timeframe.end", "2026-04-30")
        try repo.expectOneCommit(since: count, subject: "set(g): timeframe.end 2026-03-31 -> 2026-04-30", ids: ["g"], fields: ["timeframe.end"])
        #expect(try repo.frontMatter("g")["timeframe"] == .map(YAMLMap([("start", .plain("2026-01-05")), ("end", .plain("2026-04-30"))])))

        count = try repo.commitCount()
        try repo.ok("set", "g", "metrics.activation.target", "55")
        try repo.expectOneCommit(since: count, subject: "set(g): metrics.activation.target 50 -> 55", ids: ["g"], fields: ["metrics.activation.target"])
        #expect(try repo.frontMatter("g")["metrics"]?.list?.first?.map?["target"] == .plain("55"))

        count = try repo.commitCount()
        try repo.ok("set", "g", "persona", "")
        try repo.expectOneCommit(since: count, subject: "set(g): persona - …", ids: ["g"], fields: ["persona"])
        #expect(try repo.frontMatter("g")["persona"] == nil)
        #expect(!(try repo.read("goals/g.md")).contains("persona:"))

        count = try repo.commitCount()
        try repo.ok("set", "g", "x-squad", "Growth: EMEA")
        try repo.expectOneCommit(since: count, subject: "set(g): x-squad + …", ids: ["g"], fields: ["x-squad"])
        #expect(try repo.frontMatter("g")["x-squad"] == .string("Growth: EMEA"))

        // The same value again: nothing to commit.
        count = try repo.commitCount()
        let same = try repo.ok("set", "g", "x-squad", "Growth: EMEA")
        #expect(same.stdout.contains("nothing to commit"))
        #expect(try repo.commitCount() == count)
    }

    @Test("set refuses what the format forbids, changing nothing", arguments: [
        (["set", "g", "id", "other"], Int32(64), "id never changes"),
        (["set", "g", "checkins", "x"], 64, "append-only"),
        (["set", "g", "checkins.c1.value", "3"], 64, "append-only"),
        (["set", "g", "metrics", "x"], 64, "is a list"),
        (["set", "g", "proof", "x"], 64, "is a list"),
        (["set", "g", "metrics.nope.target", "5"], 64, "no metrics item 'nope'"),
        (["set", "g", "metrics.activation.id", "x"], 64, "never changes"),
        (["set", "g", "metrics.activation.target", "lots"], 64, "takes a number"),
        (["set", "g", "timeframe.end", "soon"], 64, "YYYY-MM-DD"),
        (["set", "g", "timeframe.middle", "2026-02-01"], 64, "timeframe has no field 'middle'"),
        (["set", "g", "order", "first"], 64, "whole number"),
        (["set", "g", "status", "done"], 64, "status is one of"),
        (["set", "g", "title", ""], 64, "title cannot be empty"),
        (["set", "g", "closed.reason", "x"], 1, "only achieved and abandoned goals carry closed"),
        (["set", "g", "a..b", "x"], 64, "is not a field"),
        (["set", "g", "timeframe.end", "2025-12-31"], 1, "timeframe.end: timeframe ends (2025-12-31) before it starts (2026-01-05)"),
    ])
    func setRefusals(_ arguments: [String], _ code: Int32, _ needle: String) throws {
        let repo = try TestRepo()
        try repo.commitGoal("g", GoalText.clean(id: "g", status: "active").text)
        try Self.expectRefused(repo, arguments, exit: code, mentioning: needle, diagnostics: needle.hasPrefix("timeframe.end:"))
    }

    @Test("set status follows the legal moves; closing needs --reason and writes closed")
    func statusMoves() throws {
        let repo = try TestRepo()
        try repo.newGoal(id: "d")
        try Self.expectRefused(repo, ["set", "d", "status", "achieved", "--reason", "x"], exit: 1, mentioning: "a draft goal cannot become achieved")
        try Self.expectRefused(repo, ["set", "d", "status", "active"], exit: 64, mentioning: "use goalsync activate d")
        var count = try repo.commitCount()
        try repo.ok("set", "d", "status", "proposed")
        try repo.expectOneCommit(since: count, subject: "set(d): status draft -> proposed", ids: ["d"], fields: ["status"])
        try repo.ok("set", "d", "status", "draft")
        #expect(try repo.frontMatter("d")["status"] == .string("draft"))
        try repo.ok("set", "d", "status", "proposed")
        try Self.expectRefused(repo, ["set", "d", "status", "abandoned"], exit: 64, mentioning: "--reason")
        count = try repo.commitCount()
        try repo.ok("set", "d", "status", "abandoned", "--reason", "The market moved: self-serve first")
        try repo.expectOneCommit(since: count, subject: "set(d): status proposed -> abandoned…", ids: ["d"], fields: ["status", "closed"])
        let fm = try repo.frontMatter("d")
        #expect(fm["status"] == .string("abandoned"))
        #expect(fm["closed"] == .map(YAMLMap([("on", .plain(TestRepo.today)), ("reason", .string("The market moved: self-serve first"))])))
        try Self.expectRefused(repo, ["set", "d", "status", "proposed"], exit: 1, mentioning: "final")
        // A closed goal's reason can still be corrected.
        try repo.ok("set", "d", "closed.reason", "Self-serve comes first")
        #expect(try repo.frontMatter("d")["closed"]?.map?["reason"] == .string("Self-serve comes first"))
        #expect(try repo.goalsync("validate").status == 0)
    }

    @Test("An active goal is achieved with set status achieved --reason")
    func achieveActive() throws {
        let repo = try TestRepo()
        try repo.commitGoal("g", GoalText.clean(id: "g", status: "active").text)
        let count = try repo.commitCount()
        try repo.ok("set", "g", "status", "achieved", "--reason", "Activation reached 52%")
        try repo.expectOneCommit(since: count, subject: "set(g): status active -> achieved…", ids: ["g"], fields: ["status", "closed"])
        #expect(try repo.frontMatter("g")["closed"]?.map?["reason"] == .string("Activation reached 52%"))
        // Closed goals take no check-ins.
        try Self.expectRefused(repo, ["checkin", "g", "activation", "55"], exit: 1, mentioning: "closed goals take no check-ins")
    }

    // MARK: add, remove

    @Test("add and remove text items; duplicates and unknown items refused")
    func textLists() throws {
        let repo = try TestRepo()
        try repo.newGoal(id: "g")
        let proof = "Q3 funnel: 70% of new admins never send an invite"
        var count = try repo.commitCount()
        try repo.ok("add", "g", "proof", proof)
        try repo.expectOneCommit(since: count, subject: "add(g): proof + \"\(proof)\"", ids: ["g"], fields: ["proof"])
        #expect(try repo.frontMatter("g")["proof"] == .list([.string(proof)]))
        try Self.expectRefused(repo, ["add", "g", "proof", proof], exit: 64, mentioning: "already holds")
        try Self.expectRefused(repo, ["add", "g", "proof", ""], exit: 64, mentioning: "empty")
        for (list, item) in [("assumptions", "Admins want to invite teammates"), ("tags", "onboarding"), ("tags", "q1"), ("contributors", "Ben Ode <ben@example.com>")] {
            try repo.ok("add", "g", list, item)
        }
        #expect(try repo.frontMatter("g")["tags"] == .list([.string("onboarding"), .string("q1")]))
        count = try repo.commitCount()
        try repo.ok("remove", "g", "proof", proof)
        try repo.expectOneCommit(since: count, subject: "remove(g): proof - \"\(proof)\"", ids: ["g"], fields: ["proof"])
        #expect(try repo.frontMatter("g")["proof"] == nil)
        try repo.ok("remove", "g", "tags", "onboarding")
        #expect(try repo.frontMatter("g")["tags"] == .list([.string("q1")]))
        try Self.expectRefused(repo, ["remove", "g", "tags", "onboarding"], exit: 64, mentioning: "has no item 'onboarding'")
        try Self.expectRefused(repo, ["add", "g", "nonsense", "x"], exit: 64, mentioning: "not a list goalsync can add to")
        try Self.expectRefused(repo, ["remove", "g", "title", "x"], exit: 64, mentioning: "not a list goalsync can remove from")
    }

    @Test("add and remove metrics and sprint goals by their key; duplicates refused")
    func keyedLists() throws {
        let repo = try TestRepo()
        try repo.newGoal(id: "g")
        var count = try repo.commitCount()
        try repo.ok("add", "g", "metrics", "{target: 50, id: activation, name: Activation, unit: percent, direction: increase, baseline: 30}")
        try repo.expectOneCommit(since: count, subject: "add(g): metrics.activation + …", ids: ["g"], fields: ["metrics.activation"])
        let metric = try #require(try repo.frontMatter("g")["metrics"]?.list?.first?.map)
        #expect(metric.keys == ["id", "name", "unit", "direction", "baseline", "target"])
        #expect(metric["baseline"] == .plain("30"))
        #expect(try repo.read("goals/g.md").contains("metrics:\n  - id: activation\n    name: Activation\n"))
        try Self.expectRefused(repo, ["add", "g", "metrics", "{id: activation, name: Again, direction: increase}"], exit: 64, mentioning: "already has an item 'activation'")
        try Self.expectRefused(repo, ["add", "g", "metrics", "{name: No id}"], exit: 64, mentioning: "needs its id")
        try Self.expectRefused(repo, ["add", "g", "metrics", "{id: m2, name: N, direction: up}"], exit: 64, mentioning: "metrics.direction is one of")
        try Self.expectRefused(repo, ["add", "g", "metrics", "{id: m2, name: N, target: many}"], exit: 64, mentioning: "takes a number")
        try Self.expectRefused(repo, ["add", "g", "metrics", "just text"], exit: 64, mentioning: "YAML mapping")
        try Self.expectRefused(repo, ["add", "g", "metrics", "{id: [unclosed"], exit: 64, mentioning: "YAML mapping")
        try Self.expectRefused(repo, ["add", "g", "checkins", "{id: c1}"], exit: 64, mentioning: "goalsync checkin")
        try Self.expectRefused(repo, ["remove", "g", "checkins", "c1"], exit: 64, mentioning: "append-only")

        count = try repo.commitCount()
        try repo.ok("add", "g", "sprint_goals", "{sprint: 2026-S03, goal: Invite teammates from signup, status: planned}")
        try repo.expectOneCommit(since: count, subject: "add(g): sprint_goals.2026-S03 + …", ids: ["g"], fields: ["sprint_goals.2026-S03"])
        #expect(try repo.read("goals/g.md").contains("sprint_goals:\n  - {sprint: 2026-S03, goal: Invite teammates from signup, status: planned}\n"))
        try Self.expectRefused(repo, ["add", "g", "sprint_goals", "{sprint: 2026-S03, goal: Again}"], exit: 64, mentioning: "already has an item '2026-S03'")
        try repo.ok("set", "g", "sprint_goals.2026-S03.status", "done")
        #expect(try repo.frontMatter("g")["sprint_goals"]?.list?.first?.map?["status"] == .string("done"))

        count = try repo.commitCount()
        try repo.ok("remove", "g", "sprint_goals", "2026-S03")
        try repo.expectOneCommit(since: count, subject: "remove(g): sprint_goals.2026-S03 - …", ids: ["g"], fields: ["sprint_goals.2026-S03"])
        try repo.ok("remove", "g", "metrics", "activation")
        let fm = try repo.frontMatter("g")
        #expect(fm["metrics"] == nil && fm["sprint_goals"] == nil)
        try Self.expectRefused(repo, ["remove", "g", "metrics", "activation"], exit: 64, mentioning: "has no item with id 'activation'")
    }

    // MARK: checkin

    @Test("checkin appends a check-in by the author; an unknown metric or bad value is refused")
    func checkin() throws {
        let repo = try TestRepo()
        try repo.commitGoal("g", GoalText.clean(id: "g", status: "active").text)
        let note = "Invite step live: see https://dash.example.com/a?b=1 #growth"
        var count = try repo.commitCount()
        let r = try repo.ok("checkin", "g", "activation", "36", "--confidence", "on_track", "--note", note)
        let checkinID = try #require(r.stdout.split(separator: " ").dropFirst(2).first.map(String.init))
        #expect(r.stdout.hasPrefix("checked in \(checkinID) (commit "))
        try repo.expectOneCommit(since: count, subject: "checkin(g): activation = 36 (on_track)", ids: ["g"], fields: ["checkins.\(checkinID)"])
        var checkins = try #require(try repo.frontMatter("g")["checkins"]?.list)
        #expect(checkins.count == 2)
        #expect(checkins[0].map?["id"] == .string("c1"))
        #expect(checkins[1] == .map(YAMLMap([
            ("id", .string(checkinID)), ("on", .plain(TestRepo.today)), ("by", .string("Ana Ruiz <ana@example.com>")),
            ("metric", .string("activation")), ("value", .plain("36")), ("confidence", .string("on_track")), ("note", .string(note)),
        ])))

        count = try repo.commitCount()
        try repo.ok("checkin", "g", "activation", "35.5", "--on", "2026-01-30")
        try repo.expectOneCommit(since: count, subject: "checkin(g): activation = 35.5", ids: ["g"])
        checkins = try #require(try repo.frontMatter("g")["checkins"]?.list)
        #expect(checkins.count == 3)
        #expect(checkins[2].map?["on"] == .plain("2026-01-30"))
        #expect(Set(checkins.compactMap { $0.map?["id"] }).count == 3)
        // The latest by date is the current value: 36 on 2026-02-01.
        let show = try #require(try parseJSON(try repo.ok("show", "g", "--json").stdout) as? [String: Any])
        #expect((show["metrics"] as? [[String: Any]])?.first?["current"] as? Double == 36)

        try Self.expectRefused(repo, ["checkin", "g", "retention", "3"], exit: 64, mentioning: "has no metric 'retention' (it has activation)")
        try Self.expectRefused(repo, ["checkin", "g", "activation", "lots"], exit: 64, mentioning: "takes a number")
        try Self.expectRefused(repo, ["checkin", "g", "activation", "3", "--confidence", "great"], exit: 64, mentioning: "on_track, at_risk, off_track")
        try Self.expectRefused(repo, ["checkin", "g", "activation", "3", "--on", "2026-13-01"], exit: 64, mentioning: "YYYY-MM-DD")
        try Self.expectRefused(repo, ["checkin", "nope", "activation", "3"], exit: 64, mentioning: "no goal with id 'nope'")
    }

    // MARK: edit

    /// Writes an executable editor script into the test's folder; returns its path.
    static func editor(_ repo: TestRepo, _ name: String, _ body: String) throws -> String {
        let path = repo.base + "/" + name
        try writeExecutable("#!/bin/sh\n" + body + "\n", to: path)
        return path
    }

    @Test("edit runs $EDITOR, validates and commits; an invalid edit commits nothing and keeps the draft")
    func edit() throws {
        let repo = try TestRepo()
        try repo.commitGoal("g", GoalText.clean(id: "g").text)
        let draft = repo.root + "/.git/goalsync/edit-g.md"

        let good = try Self.editor(repo, "good.sh", #"sed -i 's/^persona: .*/persona: "Edited: new admins"/' "$1""#)
        var count = try repo.commitCount()
        try repo.ok(["edit", "g"], env: ["EDITOR": good])
        try repo.expectOneCommit(since: count, subject: "edit(g): persona …", ids: ["g"], fields: ["persona"])
        #expect(try repo.frontMatter("g")["persona"] == .string("Edited: new admins"))
        #expect(!FileManager.default.fileExists(atPath: draft))

        let bad = try Self.editor(repo, "bad.sh", #"sed -i 's/^status: .*/status: someday/' "$1""#)
        let before = try repo.snapshot()
        let r = try repo.goalsync(["edit", "g"], env: ["EDITOR": bad])
        expectCleanFailure(r, exit: 1, mentioning: "status 'someday' is not one of", allowDiagnostics: true)
        #expect(r.stderr.contains("nothing was committed; your edit is kept in \(draft)"))
        #expect(try repo.snapshot() == before)
        let kept = String(decoding: try Data(contentsOf: URL(fileURLWithPath: draft)), as: UTF8.self)
        #expect(kept.contains("status: someday") && kept.contains("persona: \"Edited: new admins\""))

        // The next edit starts from the kept draft.
        let fix = try Self.editor(repo, "fix.sh", #"sed -i 's/^status: someday/status: proposed/; s/^why: .*/why: Retention triples/' "$1""#)
        count = try repo.commitCount()
        try repo.ok(["edit", "g"], env: ["EDITOR": fix])
        try repo.expectOneCommit(since: count, subject: "edit(g): why …", ids: ["g"], fields: ["why"])
        #expect(!FileManager.default.fileExists(atPath: draft))
        #expect(try repo.frontMatter("g")["why"] == .string("Retention triples"))
    }

    @Test("edit refuses an id change, a rewritten check-in, an illegal move and a failing editor", arguments: [
        (#"sed -i 's/^id: .*/id: renamed/' "$1""#, Int32(1), "ids never change"),
        (#"sed -i 's/value: 34/value: 99/' "$1""#, 1, "check-ins are append-only"),
        (#"sed -i 's/^status: .*/status: draft/' "$1""#, 1, "an active goal cannot become draft"),
        (#"sed -i 's/^status: .*/status: proposed/' "$1""#, 1, "an active goal cannot become proposed"),
        (#"sed -i 's/^status: .*/status: achieved/' "$1""#, 1, "must say when and why it closed"),
        ("exit 3", 64, "exited with status 3"),
    ])
    func editRefusals(_ script: String, _ code: Int32, _ needle: String) throws {
        let repo = try TestRepo()
        try repo.commitGoal("g", GoalText.clean(id: "g", status: "active").text)
        let editor = try Self.editor(repo, "editor.sh", script)
        let before = try repo.snapshot()
        let r = try repo.goalsync(["edit", "g"], env: ["EDITOR": editor])
        expectCleanFailure(r, exit: code, mentioning: needle, allowDiagnostics: true)
        #expect(r.stderrLines.last?.hasPrefix("nothing was committed; your edit is kept in") == true, "\(r)")
        #expect(try repo.snapshot() == before)
    }

    // MARK: activate

    @Test("activate: a draft is refused with the hint to propose it; a proposed goal becomes active")
    func activate() throws {
        let repo = try TestRepo()
        try repo.newGoal(id: "rough")
        try Self.expectRefused(repo, ["activate", "rough"], exit: 1, mentioning: "propose it first so the team sees it: goalsync set rough status proposed")
        try repo.commitGoal("first", GoalText.clean(id: "first").removing("timeframe").text)
        let count = try repo.commitCount()
        try repo.ok("activate", "first")
        try repo.expectOneCommit(since: count, subject: "activate(first): proposed -> active", ids: ["first"], fields: ["status"])
        let fm = try repo.frontMatter("first")
        #expect(fm["status"] == .string("active"))
        #expect(fm["timeframe"] == .map(YAMLMap([("start", .plain(TestRepo.today))])))
        let again = try repo.ok("activate", "first")
        #expect(again.stdout.contains("already the active goal"))
        #expect(try repo.commitCount() == count + 1)
        try Self.expectRefused(repo, ["activate", "ghost"], exit: 64, mentioning: "no goal with id 'ghost'")
    }

    @Test("activate with another goal active: refused unless told how to close it, then one commit for both")
    func activateSecond() throws {
        let repo = try TestRepo()
        try repo.commitGoal("first", GoalText.clean(id: "first", status: "active").text)
        try repo.commitGoal("second", GoalText.clean(id: "second").setting("timeframe", "{end: 2026-06-30}").text)
        try Self.expectRefused(repo, ["activate", "second"], exit: 1, mentioning: "goal first is active; only one Product Goal is active at a time")
        try Self.expectRefused(repo, ["activate", "second", "--close", "achieved"], exit: 64, mentioning: "--reason")
        let usage = try repo.goalsync("activate", "second", "--close", "done", "--reason", "x")
        expectCleanFailure(usage, exit: 64, allowDiagnostics: true)
        let usage2 = try repo.goalsync("activate", "second", "--reason", "x")
        expectCleanFailure(usage2, exit: 64, allowDiagnostics: true)

        let count = try repo.commitCount()
        try repo.ok("activate", "second", "--close", "achieved", "--reason", "Activation reached 52%")
        try repo.expectOneCommit(
            since: count, subject: "activate(second,first): proposed -> active; first active -> achieved", ids: ["second", "first"],
            fields: ["status", "closed"])
        let changed = try repo.gitOutput("show", "--name-only", "--format=", "HEAD").split(separator: "\n").map(String.init)
        #expect(changed == ["goals/first.md", "goals/second.md"])
        let first = try repo.frontMatter("first"), second = try repo.frontMatter("second")
        #expect(first["status"] == .string("achieved"))
        #expect(first["closed"] == .map(YAMLMap([("on", .plain(TestRepo.today)), ("reason", .string("Activation reached 52%"))])))
        #expect(second["status"] == .string("active"))
        #expect(second["timeframe"] == .map(YAMLMap([("start", .plain(TestRepo.today)), ("end", .plain("2026-06-30"))])))
        #expect(try repo.goalsync("validate").status == 0)
        try Self.expectRefused(repo, ["activate", "first"], exit: 1, mentioning: "final")
    }
}
