import Foundation
import GoalSyncCore
import GoalSyncTestSupport
import Testing

/// Issue 9 from the built binary: guardrails apart from progress, "no check-in yet", dates that
/// make sense, corrections (`checkin --amend`), notes, abandoning drafts and `goalsync rm`.
@Suite struct ModelCommandTests {
    /// A proposed goal `g` (created 2026-02-01, today in tests) with a key result and a
    /// stay_below guardrail, ending 2026-06-30.
    static func repository(activate: Bool = true) throws -> TestRepo {
        let repo = try TestRepo()
        try repo.newGoal(id: "g", sets: ["timeframe.end=2026-06-30"])
        try repo.ok("add", "g", "metrics", "{id: activation, name: Activation, unit: percent, direction: increase, baseline: 30, target: 50}")
        try repo.ok("add", "g", "metrics", "{id: latency, name: p95 latency, unit: ms, direction: stay_below, target: 45}")
        try repo.ok("set", "g", "status", "proposed")
        if activate { try repo.ok("activate", "g") }
        return repo
    }

    static func checkinID(_ r: ProcessResult) throws -> String {
        let words = r.stdout.split(separator: " ")
        try #require(words.count > 2 && words[0] == "checked" && words[1] == "in", "\(r)")
        return String(words[2]).trimmingCharacters(in: .punctuationCharacters)
    }

    @Test func noCheckinYetIsNeitherZeroNorMinusZero() throws {
        let repo = try Self.repository()
        for command in ["status", "report"] {
            let text = try repo.ok(command).stdout
            #expect(text.contains("progress  no check-in yet"), "\(command): \(text)")
            #expect(!text.contains("-0%") && !text.contains(" 0%  on pace"), "\(command): \(text)")
            #expect(text.contains("GUARDRAIL"))
        }
        let active = try #require(try repo.json("status")["active"] as? [String: Any])
        #expect(active["progress"] is NSNull)
        #expect(active["pace"] is NSNull)
        let metrics = try #require(active["metrics"] as? [[String: Any]])
        #expect(metrics.allSatisfy { $0["progress"] is NSNull })
        #expect(metrics.map { $0["guardrail"] as? Bool } == [false, true])
        // A proposed goal's row in the report, too.
        try repo.newGoal("Cut churn", id: "churn")
        try repo.ok("add", "churn", "metrics", "{id: churn, name: Churn, unit: percent, direction: decrease, baseline: 10, target: 5}")
        try repo.ok("set", "churn", "status", "proposed")
        let report = try repo.ok("report").stdout
        #expect(report.lines.contains { $0.contains("churn") && $0.contains("no check-in yet") }, "\(report)")
        let show = try repo.ok("show", "g").stdout
        #expect(show.contains("Progress: no check-in yet"))
        #expect(show.contains("latency: stay below 45 ms, now —  no check-in yet"))
    }

    @Test func aBreachedGuardrailIsShownAndLintedAndNeverRaisesProgress() throws {
        let repo = try Self.repository()
        try repo.ok("checkin", "g", "activation", "35")
        let breach = try repo.ok("checkin", "g", "latency", "47", "--confidence", "at_risk", "--note", "slow queries")
        #expect(breach.stderr.contains("guardrail-breached"))
        let status = try repo.ok("status").stdout
        #expect(status.contains("progress  █████░░░░░░░░░░░░░░░ 25%"), "the guardrail adds nothing: \(status)")
        #expect(status.contains("guardrail latency breached: 47 ms against stay below 45 ms"))
        #expect(status.lines.contains { $0.contains("latency") && $0.contains("BREACHED") })
        let validate = try repo.goalsync("validate")
        #expect(validate.status == 0)
        #expect(validate.stdout.contains("[guardrail-breached] guardrail latency is breached: 47 ms"))
        for command in ["status", "report"] {
            let json = try repo.json(command)
            let active = try #require(json["active"] as? [String: Any])
            #expect(active["breached_guardrails"] as? [String] == ["latency"], "\(command)")
            #expect(active["progress"] as? Double == 0.25, "\(command)")
            let latency = try #require((active["metrics"] as? [[String: Any]])?.first { $0["id"] as? String == "latency" })
            #expect(latency["guardrail_state"] as? String == "breached")
            #expect(latency["progress"] is NSNull)
        }
        #expect(try repo.json("show", "g")["breached_guardrails"] as? [String] == ["latency"])
        // Held again: no lint, state held.
        try repo.ok("checkin", "g", "latency", "44")
        #expect(!(try repo.goalsync("validate").stdout.contains("guardrail-breached")))
        let latency = try #require((try repo.json("show", "g")["metrics"] as? [[String: Any]])?.last)
        #expect(latency["guardrail_state"] as? String == "held")
    }

    @Test func checkinDatesAreNeitherInTheFutureNorBeforeTheGoal() throws {
        let repo = try Self.repository()
        let future = try repo.goalsync("checkin", "g", "activation", "34", "--on", "2026-02-02")
        expectCleanFailure(future, exit: 1, mentioning: "--on 2026-02-02 is after today (2026-02-01)")
        let before = try repo.goalsync("checkin", "g", "activation", "34", "--on", "2026-01-31")
        expectCleanFailure(before, exit: 1, mentioning: "before goal g was created (2026-02-01)")
        try repo.ok("checkin", "g", "activation", "34", "--on", "2026-02-01")
        // A future date written by hand: linted, and status gives no negative day count.
        let text = try repo.read("goals/g.md").replacingOccurrences(of: "on: 2026-02-01, by", with: "on: 2026-03-20, by")
        try repo.write("goals/g.md", text)
        #expect(try repo.commitAll("hand edit", verify: false).status == 0)
        let status = try repo.ok("status").stdout
        #expect(!status.contains("last check-in -") && !status.contains("days ago (2026-03-20)"), "\(status)")
        #expect(status.contains("last check-in dated 2026-03-20, after today"))
        #expect((try repo.json("status")["active"] as? [String: Any])?["days_since_checkin"] is NSNull)
        #expect(try repo.goalsync("validate").stdout.contains("[checkin-date]"))
    }

    @Test func aPastEndIsAWarningOnNewAndSetAndAnErrorOnActivate() throws {
        let repo = try TestRepo()
        let new = try repo.ok("new", "Raise activation", "--id", "old", "--set", "timeframe.end=2026-01-31")
        #expect(new.stderr.contains("warning: timeframe.end (2026-01-31) is before today (2026-02-01)"), "\(new)")
        try repo.ok("add", "old", "metrics", "{id: a, name: A, unit: percent, direction: increase, baseline: 1, target: 2}")
        let set = try repo.ok("set", "old", "timeframe.end", "2026-01-15")
        #expect(set.stderr.contains("warning: timeframe.end (2026-01-15) is before today"), "\(set)")
        try repo.ok("set", "old", "status", "proposed")
        let activate = try repo.goalsync("activate", "old")
        expectCleanFailure(activate, exit: 1, mentioning: "timeframe.end is 2026-01-15")
        #expect(activate.stderr.contains("goalsync set old timeframe.end YYYY-MM-DD"))
        #expect(try repo.read("goals/old.md").contains("status: proposed"))
        try repo.ok("set", "old", "timeframe.end", "2026-04-30")
        let ok = try repo.ok("activate", "old")
        #expect(ok.stdout.contains("old runs from 2026-02-01 (timeframe.start, set to today) to 2026-04-30"), "\(ok)")
    }

    @Test func amendRecordsACorrectionThatProgressUsesAndKeepsTheOld() throws {
        let repo = try Self.repository()
        let first = try Self.checkinID(try repo.ok("checkin", "g", "activation", "40", "--confidence", "on_track"))
        let before = try repo.commitCount()
        let amend = try repo.ok("checkin", "--amend", String(first.prefix(12)), "35", "--note", "the dashboard counted one team twice")
        let second = try Self.checkinID(amend)
        #expect(try repo.commitCount() == before + 1)
        #expect(try repo.lastMessage().hasPrefix("checkin(g): activation = 35, correcting \(first)"))
        let file = try repo.read("goals/g.md")
        #expect(file.contains("id: \(first)") && file.contains("value: 40"), "the old check-in stays")
        #expect(file.contains("supersedes: \(first)"))
        let active = try #require(try repo.json("report")["active"] as? [String: Any])
        #expect(active["progress"] as? Double == 0.25, "35 counts, not 40")
        let activation = try #require((active["metrics"] as? [[String: Any]])?.first)
        #expect(activation["current"] as? Int == 35)
        let checkins = try #require(activation["checkins"] as? [[String: Any]])
        #expect(checkins.map { $0["id"] as? String } == [first, second])
        #expect(checkins.map { $0["superseded"] as? Bool } == [true, false])
        #expect(checkins.last?["supersedes"] as? String == first)
        #expect(checkins.last?["confidence"] as? String == "on_track", "taken from the corrected check-in")
        #expect(try repo.ok("report").stdout.contains("40 (corrected)"))
        // The outputs with corrections and guardrails match their schemas.
        try repo.ok("checkin", "g", "latency", "47", "--confidence", "at_risk", "--note", "slow")
        for (command, schema) in [(["report", "--json"], "report"), (["status", "--json"], "status"), (["show", "g", "--json"], "show"), (["export", "--format", "json"], "export")] {
            let out = try repo.ok(command).stdout
            let mismatches = try JSONContractTests.mismatches(out, schema: schema)
            #expect(mismatches == nil, "\(schema): \(mismatches ?? "")")
        }
        // Amending the corrected one again is refused; the correction can be corrected.
        expectCleanFailure(try repo.goalsync("checkin", "--amend", first, "36"), exit: 1, mentioning: "already corrected by \(second)")
        try repo.ok("checkin", "--amend", second, "--on", "2026-02-01", "--confidence", "at_risk", "--note", "recount")
        expectCleanFailure(try repo.goalsync("checkin", "--amend", second), exit: 1, mentioning: "already corrected")
        // Usage: unknown id, a future date, both modes, the plain form without its arguments.
        expectCleanFailure(try repo.goalsync("checkin", "--amend", "zzzz", "1"), exit: 64, mentioning: "no check-in has the id 'zzzz'")
        expectCleanFailure(try repo.goalsync("checkin", "g", "activation"), exit: 64, allowDiagnostics: true)
        expectCleanFailure(try repo.goalsync("checkin", "--amend", first, "--add-note", first, "x"), exit: 64, allowDiagnostics: true)
        #expect(try repo.goalsync("validate").status == 0)
    }

    @Test func aNoteIsAddedWithoutChangingTheValue() throws {
        let repo = try Self.repository()
        let id = try Self.checkinID(try repo.ok("checkin", "g", "activation", "34", "--note", "first cohort"))
        try repo.ok("checkin", "--add-note", id, "measured on the new funnel")
        let checkin = try #require((try repo.json("show", "g")["front_matter"] as? [String: Any]).flatMap { ($0["checkins"] as? [[String: Any]])?.first })
        #expect(checkin["note"] as? String == "first cohort\nmeasured on the new funnel")
        #expect(checkin["value"] as? Int == 34)
        #expect(try repo.lastMessage().hasPrefix("note(g): note on check-in \(id)"))
        expectCleanFailure(try repo.goalsync("checkin", "--add-note", id, "x", "--on", "2026-01-01"), exit: 64, allowDiagnostics: true)
        // By hand, a note may change; a value may not (goalsync edit keeps check-ins append-only).
        let changed = try repo.read("goals/g.md").replacingOccurrences(of: "value: 34", with: "value: 35")
        let editor = repo.base + "/editor.sh"
        try "#!/bin/sh\ncat > \"$1\" <<'EOF'\n\(changed)EOF\n".write(toFile: editor, atomically: true, encoding: .utf8)
        _ = try repo.git("update-index", "--refresh")
        chmod(editor, 0o755)
        let edit = try repo.goalsync(["edit", "g"], env: ["EDITOR": editor, "VISUAL": nil])
        #expect(edit.status == 1, "\(edit)")
        #expect(edit.stderr.contains("checkin --amend \(id)"), "\(edit)")
    }

    /// The pre-commit hook holds a plain `git commit` to what goalsync writes: a check-in's value
    /// never changes and a check-in is never removed; a note may grow and a correction be added.
    @Test func theHookKeepsCheckinValuesAppendOnlyButAllowsNotesAndCorrections() throws {
        let repo = try Self.repository()
        let id = try Self.checkinID(try repo.ok("checkin", "g", "activation", "34"))
        let committed = try repo.read("goals/g.md")
        let line = try #require(committed.components(separatedBy: "\n").first { $0.contains("id: \(id)") })

        try repo.write("goals/g.md", committed.replacingOccurrences(of: "value: 34", with: "value: 35"))
        let changed = try repo.commitAll("fix the value by hand")
        #expect(changed.status != 0, "\(changed)")
        #expect(changed.stderr.contains("check-in \(id) was changed; check-ins are append-only but for their note"), "\(changed)")
        #expect(changed.stderr.contains("goalsync checkin --amend \(id) VALUE"))

        try repo.write("goals/g.md", committed.replacingOccurrences(of: line + "\n", with: ""))
        let removed = try repo.commitAll("remove it by hand")
        #expect(removed.status != 0, "\(removed)")
        #expect(removed.stderr.contains("check-in \(id) was removed"), "\(removed)")

        try repo.write("goals/g.md", committed.replacingOccurrences(of: "value: 34}", with: "value: 34, note: from the weekly cohort}"))
        #expect(try repo.commitAll("a note by hand").status == 0)
        let noted = try repo.read("goals/g.md")
        let correction = "  - {id: fix1, on: 2026-02-01, by: Ben Ode <ben@example.com>, metric: activation, value: 33, supersedes: \(id)}\n"
        try repo.write("goals/g.md", noted.replacingOccurrences(of: "---\n\n", with: correction + "---\n\n"))
        let corrected = try repo.commitAll("a correction by hand")
        #expect(corrected.status == 0, "\(corrected)")
        #expect((try repo.json("show", "g")["metrics"] as? [[String: Any]])?.first?["current"] as? Int == 33)
    }

    @Test func draftsAndProposedGoalsAreAbandonedWithAReasonAndOnlyDraftsRemoved() throws {
        let repo = try Self.repository(activate: false)
        try repo.newGoal("Try a thing", id: "d1")
        try repo.ok("set", "d1", "status", "abandoned", "--reason", "not this quarter")
        #expect(try repo.read("goals/d1.md").contains("reason: not this quarter"))
        expectCleanFailure(try repo.goalsync("set", "g", "status", "abandoned"), exit: 64, mentioning: "--reason")
        try repo.ok("set", "g", "status", "abandoned", "--reason", "superseded by the Q2 goal")
        try repo.newGoal("Another", id: "x-draft")
        let before = try repo.commitCount()
        let rm = try repo.ok("rm", "x-")
        #expect(rm.stdout.hasPrefix("removed x-draft (commit "), "an id prefix as elsewhere: \(rm)")
        #expect(!repo.exists("goals/x-draft.md"))
        #expect(try repo.commitCount() == before + 1)
        #expect(try repo.lastMessage().hasPrefix("rm(x-draft): remove draft Another"))
        #expect(try repo.gitOutput("status", "--porcelain").isEmpty)
        expectCleanFailure(try repo.goalsync("rm", "d1"), exit: 1, mentioning: "goal d1 is an abandoned goal; only a draft can be removed")
        try repo.newGoal("Third", id: "p1")
        try repo.ok("set", "p1", "status", "proposed")
        expectCleanFailure(try repo.goalsync("rm", "p1"), exit: 1, mentioning: "abandon it with a reason instead: goalsync set p1 status abandoned --reason TEXT")
        expectCleanFailure(try repo.goalsync("rm", "nope"), exit: 64, allowDiagnostics: true)
        #expect(repo.exists("goals/p1.md"))
    }
}

extension String {
    fileprivate var lines: [String] { components(separatedBy: "\n") }
}
