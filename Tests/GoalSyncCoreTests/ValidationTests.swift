import Foundation
import GoalSyncCore
import GoalSyncTestSupport
import Testing

/// SPEC §4: every error rule and every lint rule, firing and not firing, with its code, file, line
/// and field; lint severities from the repository config.
@Suite("Validation rules")
struct ValidationTests {
    let validator = GoalValidator.standard()

    @Test("A clean proposed goal and a clean active goal have no finding at all", arguments: ["proposed", "active"])
    func cleanGoalsPass(status: String) {
        let diagnostics = validator.check(.clean(status: status))
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.formatted))")
    }

    @Test("Draft and closed goals are not linted")
    func draftsAreNotLinted() {
        #expect(validator.check(.minimal(id: "rough-idea")).isEmpty)
        let achieved = GoalText.minimal(id: "done-goal", status: "achieved").setting("closed", "{on: 2026-01-30, reason: Reached 52%}")
        #expect(validator.check(achieved).isEmpty)
        let abandoned = GoalText.minimal(id: "dropped", status: "abandoned").setting("closed", "{on: 2026-01-30, reason: Market changed}")
        #expect(validator.check(abandoned).isEmpty)
    }

    // MARK: Errors

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        var name: String
        var goal: GoalText
        /// The diagnostic's field.
        var field: String
        /// The start of the file line the diagnostic must point at.
        var linePrefix: String
        /// Words the message must contain.
        var says: String
        var testDescription: String { name }
    }

    static let clean = GoalText.clean()
    static let cleanActive = GoalText.clean(status: "active")

    static let errorCases: [ErrorCase] = [
        ErrorCase(name: "id differs from the file name", goal: clean.setting("id", "other-goal"), field: "id", linePrefix: "id:", says: "differs from the file name"),
        ErrorCase(name: "id is not a valid id", goal: clean.setting("id", "Faster_Activation"), field: "id", linePrefix: "id:", says: "not a valid goal id"),
        ErrorCase(name: "unknown status", goal: clean.setting("status", "done"), field: "status", linePrefix: "status:", says: "is not one of draft, proposed, active, achieved, abandoned"),
        ErrorCase(name: "status of the wrong type", goal: clean.setting("status", "[active]"), field: "status", linePrefix: "status:", says: "is not one of"),
        ErrorCase(name: "closed on a goal that is not final", goal: clean.setting("closed", "{on: 2026-01-20, reason: Done}"), field: "closed", linePrefix: "closed:", says: "remove 'closed'"),
        ErrorCase(name: "achieved without closed", goal: clean.setting("status", "achieved"), field: "closed", linePrefix: "status:", says: "must say when and why it closed"),
        ErrorCase(name: "abandoned without a reason", goal: clean.setting("status", "abandoned").setting("closed", "{on: 2026-01-20}"), field: "closed.reason", linePrefix: "closed:", says: "an abandoned goal says why"),
        ErrorCase(name: "abandoned with an empty reason", goal: clean.setting("status", "abandoned").setting("closed", "\n  on: 2026-01-20\n  reason: \"\""), field: "closed.reason", linePrefix: "  reason:", says: "an abandoned goal says why"),
        ErrorCase(name: "closed.on is not a date", goal: clean.setting("status", "achieved").setting("closed", "\n  on: soon\n  reason: Reached 52%"), field: "closed.on", linePrefix: "  on:", says: "closed.on must be the date"),
        ErrorCase(name: "created is an impossible date", goal: clean.setting("created", "2026-02-30"), field: "created", linePrefix: "created:", says: "must be a date"),
        ErrorCase(name: "timeframe.start is not a date", goal: clean.setting("timeframe", "\n  start: next week\n  end: 2026-03-31"), field: "timeframe.start", linePrefix: "  start:", says: "must be a date"),
        ErrorCase(name: "timeframe ends before it starts", goal: clean.setting("timeframe", "\n  start: 2026-05-31\n  end: 2026-03-31"), field: "timeframe.end", linePrefix: "  end:", says: "ends (2026-03-31) before it starts (2026-05-31)"),
        ErrorCase(
            name: "increase with the target below the baseline",
            goal: clean.setting("metrics", "\n  - id: activation\n    name: Activation\n    unit: percent\n    direction: increase\n    baseline: 30\n    target: 20"),
            field: "metrics.activation.target", linePrefix: "    target:", says: "direction is increase but target 20 is below baseline 30"),
        ErrorCase(
            name: "decrease with the target above the baseline",
            goal: clean.setting("metrics", "\n  - id: churn\n    name: Churn\n    unit: percent\n    direction: decrease\n    baseline: 5\n    target: 7.5"),
            field: "metrics.churn.target", linePrefix: "    target:", says: "direction is decrease but target 7.5 is above baseline 5"),
        ErrorCase(
            name: "target equals baseline",
            goal: clean.setting("metrics", "\n  - id: uptime\n    name: Uptime\n    unit: percent\n    direction: stay_above\n    baseline: 99.9\n    target: 99.9"),
            field: "metrics.uptime.target", linePrefix: "    target:", says: "target equals baseline"),
        ErrorCase(
            name: "a check-in names a metric the goal does not have",
            goal: cleanActive.setting("checkins", "\n  - {id: c1, on: 2026-01-25, by: Ben <ben@example.com>, metric: retention, value: 3}"),
            field: "checkins[0].metric", linePrefix: "  - {id: c1", says: "names metric 'retention', which the goal does not have"),
        ErrorCase(
            name: "two check-ins share an id",
            goal: cleanActive.setting("checkins", "\n  - {id: c1, on: 2026-01-20, by: Ben <ben@example.com>, metric: activation, value: 33}\n  - {id: c1, on: 2026-01-25, by: Ben <ben@example.com>, metric: activation, value: 34}"),
            field: "checkins[1].id", linePrefix: "  - {id: c1, on: 2026-01-25", says: "check-in id 'c1' is used twice"),
        ErrorCase(
            name: "a check-in date is not a date",
            goal: clean.setting("checkins", "\n  - id: c1\n    on: yesterday\n    by: Ben <ben@example.com>\n    metric: activation\n    value: 34"),
            field: "checkins[0].on", linePrefix: "    on:", says: "a date YYYY-MM-DD"),
        ErrorCase(
            name: "a metric's baseline is text",
            goal: clean.setting("metrics", "\n  - {id: invites, name: Invites, unit: count, direction: increase, baseline: 2, target: 5}\n  - id: activation\n    name: Activation\n    unit: percent\n    direction: increase\n    baseline: thirty\n    target: 50"),
            field: "metrics.activation.baseline", linePrefix: "    baseline:", says: "baseline must be a number"),
    ]

    @Test("Each error rule fires alone, with its field and the field's line", arguments: errorCases)
    func errorRule(_ c: ErrorCase) throws {
        let diagnostics = validator.check(c.goal, path: "goals/faster-activation.md")
        #expect(diagnostics.count == 1, "\(diagnostics.map(\.formatted))")
        let d = try #require(diagnostics.first)
        #expect(d.severity == .error)
        #expect(d.code == "error")
        #expect(d.file == "goals/faster-activation.md")
        #expect(d.field == c.field)
        let line = try #require(c.goal.line(startingWith: c.linePrefix), "fixture has no line \(c.linePrefix)")
        #expect(d.line == line, "\(d.formatted) should point at line \(line):\n\(c.goal.text)")
        #expect(d.message.contains(c.says), "\(d.message)")
        // The printed form names file, line and field.
        #expect(d.formatted.hasPrefix("\(d.file):\(line): error: \(c.field): "))
    }

    @Test("A goal whose file name differs from its id is reported against that file")
    func idVersusFileName() {
        let diagnostics = validator.check(.clean(), path: "goals/renamed.md")
        #expect(diagnostics.map(\.field) == ["id"])
        #expect(diagnostics.first?.file == "goals/renamed.md")
        #expect(diagnostics.first?.message.contains("'renamed.md'") == true)
    }

    @Test("Missing required fields are errors naming the field")
    func missingRequired() {
        for key in ["id", "title", "status"] {
            let diagnostics = validator.check(GoalText.clean().removing(key), path: "goals/faster-activation.md")
            let errors = diagnostics.filter { $0.severity == .error }
            #expect(errors.map(\.field) == [key], "\(key): \(diagnostics.map(\.formatted))")
        }
    }

    // MARK: Rules across files

    @Test("Two active goals are an error on each, at its status line")
    func twoActiveGoals() throws {
        let a = GoalText.clean(id: "goal-a", status: "active"), b = GoalText.clean(id: "goal-b", status: "active")
        let diagnostics = validateTree(["goals/goal-a.md": a.bytes, "goals/goal-b.md": b.bytes])
        #expect(diagnostics.count == 2, "\(diagnostics.map(\.formatted))")
        #expect(diagnostics.map(\.file) == ["goals/goal-a.md", "goals/goal-b.md"])
        for d in diagnostics {
            #expect(d.severity == .error)
            #expect(d.field == "status")
            #expect(d.line == a.line(startingWith: "status:"))
            #expect(d.message.contains("goal-a, goal-b"))
            #expect(d.message.contains("only one Product Goal is active"))
        }
        // One active and one proposed is fine.
        let c = GoalText.clean(id: "goal-c")
        #expect(validateTree(["goals/goal-a.md": a.bytes, "goals/goal-c.md": c.bytes]).isEmpty)
    }

    @Test("Duplicate ids are an error on the copy, not on the file named after the id", arguments: ["aa-copy", "zz-copy"])
    func duplicateIDs(copy: String) {
        let a = GoalText.clean(id: "same-id")
        let diagnostics = validateTree(["goals/same-id.md": a.bytes, "goals/\(copy).md": a.bytes])
        let dup = diagnostics.filter { $0.message.contains("id 'same-id' is already used by goals/same-id.md") }
        #expect(dup.count == 1, "\(diagnostics.map(\.formatted))")
        #expect(dup.first?.file == "goals/\(copy).md")
        #expect(dup.first?.field == "id")
        // The copy's id also differs from its file name; the original is untouched.
        #expect(diagnostics.allSatisfy { $0.file == "goals/\(copy).md" && $0.field == "id" }, "\(diagnostics.map(\.formatted))")
        #expect(diagnostics.count == 2)
        // Two copies, neither named after the id: the first by path owns it.
        let two = validateTree(["goals/b-copy.md": a.bytes, "goals/a-copy.md": a.bytes])
        #expect(two.filter { $0.message.contains("already used by goals/a-copy.md") }.map(\.file) == ["goals/b-copy.md"])
    }

    // MARK: Lint

    struct LintCase: Sendable, CustomTestStringConvertible {
        var name: String
        var goal: GoalText
        var code: String
        var field: String
        var linePrefix: String
        var testDescription: String { "\(code): \(name)" }
    }

    static let lintCases: [LintCase] = [
        LintCase(name: "no metrics", goal: clean.removing("metrics"), code: "measurable", field: "metrics", linePrefix: "title:"),
        LintCase(name: "a metric without a unit", goal: clean.setting("metrics", "\n  - id: activation\n    name: Activation\n    direction: increase\n    baseline: 30\n    target: 50"), code: "measurable", field: "metrics", linePrefix: "metrics:"),
        LintCase(name: "no timeframe", goal: clean.removing("timeframe"), code: "time-bound", field: "timeframe.end", linePrefix: "title:"),
        LintCase(name: "a timeframe without an end", goal: clean.setting("timeframe", "{start: 2026-01-05}"), code: "time-bound", field: "timeframe.end", linePrefix: "timeframe:"),
        LintCase(name: "no owner", goal: clean.removing("owner"), code: "owner", field: "owner", linePrefix: "title:"),
        LintCase(name: "two owners", goal: clean.setting("owner", "Ana Ruiz <ana@example.com>, Caro Lim <caro@example.com>"), code: "owner", field: "owner", linePrefix: "owner:"),
        LintCase(name: "no persona", goal: clean.removing("persona"), code: "lens", field: "persona", linePrefix: "title:"),
        LintCase(name: "no problem", goal: clean.removing("problem"), code: "lens", field: "problem", linePrefix: "title:"),
        LintCase(name: "an empty why", goal: clean.setting("why", "\"\""), code: "lens", field: "why", linePrefix: "why:"),
        LintCase(name: "no proof", goal: clean.removing("proof"), code: "evidence", field: "proof", linePrefix: "title:"),
        LintCase(name: "empty assumptions", goal: clean.setting("assumptions", "[]"), code: "evidence", field: "assumptions", linePrefix: "assumptions:"),
        LintCase(name: "an output title", goal: clean.setting("title", "Ship the new onboarding flow"), code: "outcome", field: "title", linePrefix: "title:"),
        LintCase(name: "build in the title", goal: clean.setting("title", "Build a referral program"), code: "outcome", field: "title", linePrefix: "title:"),
        LintCase(name: "no contributors", goal: clean.removing("contributors"), code: "co-created", field: "contributors", linePrefix: "title:"),
        LintCase(name: "only the owner contributes", goal: clean.setting("contributors", "[Ana Ruiz <ANA@example.com>]"), code: "co-created", field: "contributors", linePrefix: "contributors:"),
        LintCase(
            name: "last check-in 31 days ago", goal: cleanActive.setting("created", "2025-12-20").setting("checkins", "\n  - {id: c1, on: 2026-01-01, by: Ben <ben@example.com>, metric: activation, value: 31}"),
            code: "stale", field: "checkins", linePrefix: "checkins:"),
        LintCase(name: "no check-in, started 27 days ago", goal: cleanActive.removing("checkins"), code: "stale", field: "checkins", linePrefix: "status:"),
        LintCase(
            name: "an at_risk check-in without a note", goal: cleanActive.setting("checkins", "\n  - {id: c1, on: 2026-01-25, by: Ben <ben@example.com>, metric: activation, value: 31, confidence: at_risk}"),
            code: "at-risk-note", field: "checkins[0].note", linePrefix: "  - {id: c1"),
        LintCase(
            name: "an off_track check-in with a blank note", goal: cleanActive.setting("checkins", "\n  - {id: c0, on: 2026-01-20, by: Ben <ben@example.com>, metric: activation, value: 31, confidence: on_track}\n  - {id: c1, on: 2026-01-25, by: Ben <ben@example.com>, metric: activation, value: 29, confidence: off_track, note: \" \"}"),
            code: "at-risk-note", field: "checkins[1].note", linePrefix: "  - {id: c1"),
        LintCase(
            name: "a stay_below guardrail past its limit",
            goal: cleanActive.setting("metrics", "\n  - {id: activation, name: Activation, unit: percent, direction: increase, baseline: 30, target: 50}\n  - {id: latency, name: p95 latency, unit: ms, direction: stay_below, target: 45}")
                .setting("checkins", "\n  - {id: c1, on: 2026-01-25, by: Ben <ben@example.com>, metric: activation, value: 34}\n  - {id: c2, on: 2026-01-25, by: Ben <ben@example.com>, metric: latency, value: 47}"),
            code: "guardrail-breached", field: "metrics.latency", linePrefix: "  - {id: latency"),
        LintCase(
            name: "a corrected stay_above guardrail now breached",
            goal: cleanActive.setting("metrics", "\n  - {id: activation, name: Activation, unit: percent, direction: increase, baseline: 30, target: 50}\n  - {id: uptime, name: Uptime, unit: percent, direction: stay_above, target: 99.5}")
                .setting("checkins", "\n  - {id: c1, on: 2026-01-25, by: Ben <ben@example.com>, metric: uptime, value: 99.9}\n  - {id: c2, on: 2026-01-25, by: Ben <ben@example.com>, metric: uptime, value: 99.1, supersedes: c1}"),
            code: "guardrail-breached", field: "metrics.uptime", linePrefix: "  - {id: uptime"),
        LintCase(
            name: "a check-in dated after today", goal: cleanActive.setting("checkins", "\n  - {id: c1, on: 2026-02-02, by: Ben <ben@example.com>, metric: activation, value: 34}"),
            code: "checkin-date", field: "checkins[0].on", linePrefix: "  - {id: c1"),
        LintCase(
            name: "a check-in dated before the goal was created", goal: clean.setting("checkins", "\n  - {id: c1, on: 2026-01-04, by: Ben <ben@example.com>, metric: activation, value: 34}"),
            code: "checkin-date", field: "checkins[0].on", linePrefix: "  - {id: c1"),
        LintCase(name: "a proposed goal that ended before today", goal: clean.setting("timeframe", "{start: 2026-01-05, end: 2026-01-31}"), code: "past-end", field: "timeframe.end", linePrefix: "timeframe:"),
        LintCase(name: "sprint goals on a proposed goal", goal: clean.setting("sprint_goals", "\n  - {sprint: 2026-S03, goal: Invite from signup, status: planned}"), code: "sprint-link", field: "sprint_goals", linePrefix: "sprint_goals:"),
        LintCase(name: "no word on the North Star", goal: clean.removing("moves_north_star"), code: "north-star", field: "moves_north_star", linePrefix: "title:"),
        LintCase(name: "a blank word on the North Star", goal: clean.setting("moves_north_star", "\" \""), code: "north-star", field: "moves_north_star", linePrefix: "moves_north_star:"),
    ]

    @Test("Each lint rule fires alone, as a warning with its code, field and line", arguments: lintCases)
    func lintFires(_ c: LintCase) throws {
        let diagnostics = validator.check(c.goal)
        #expect(diagnostics.count == 1, "\(diagnostics.map(\.formatted))")
        let d = try #require(diagnostics.first)
        #expect(d.code == c.code)
        #expect(d.severity == .warning)
        #expect(d.field == c.field)
        #expect(d.file == "goals/faster-activation.md")
        let line = try #require(c.goal.line(startingWith: c.linePrefix))
        #expect(d.line == line, "\(d.formatted) should point at line \(line)")
        #expect(d.formatted.contains(": warning: \(c.field): [\(c.code)] "))
    }

    @Test("Each lint rule can be made an error or switched off in the config", arguments: lintCases)
    func lintSeverityFromConfig(_ c: LintCase) throws {
        let asError = try RepoConfig.parse("format: 1\nlint:\n  \(c.code): error\n")
        let errors = GoalValidator.standard(asError).check(c.goal)
        #expect(errors.map(\.severity) == [.error])
        #expect(errors.map(\.code) == [c.code])
        let off = try RepoConfig.parse("lint: {\(c.code): off}\n")
        #expect(GoalValidator.standard(off).check(c.goal).isEmpty)
    }

    struct QuietCase: Sendable, CustomTestStringConvertible {
        var name: String
        var goal: GoalText
        var testDescription: String { name }
    }

    static let quietCases: [QuietCase] = [
        QuietCase(name: "outcome: an output verb with a number in the title", goal: clean.setting("title", "Ship onboarding that lifts activation to 50%")),
        QuietCase(name: "outcome: 'launch' inside another word", goal: clean.setting("title", "Relaunched admins invite teammates")),
        QuietCase(name: "stale: a long cadence", goal: cleanActive.setting("created", "2025-12-20").setting("cadence_days", "60").setting("checkins", "\n  - {id: c1, on: 2026-01-01, by: Ben <ben@example.com>, metric: activation, value: 31}")),
        QuietCase(name: "stale: a check-in exactly at the cadence", goal: cleanActive.setting("checkins", "\n  - {id: c1, on: 2026-01-18, by: Ben <ben@example.com>, metric: activation, value: 31}")),
        QuietCase(name: "stale: only active goals go stale", goal: clean.setting("timeframe", "{start: 2025-01-01, end: 2026-12-31}")),
        QuietCase(name: "at-risk-note: an at_risk check-in with a note", goal: cleanActive.setting("checkins", "\n  - {id: c1, on: 2026-01-25, by: Ben <ben@example.com>, metric: activation, value: 31, confidence: at_risk, note: Invite step slipped}")),
        QuietCase(name: "sprint-link: sprint goals on the active goal", goal: cleanActive.setting("sprint_goals", "\n  - {sprint: 2026-S03, goal: Invite from signup, status: done}")),
        QuietCase(name: "co-created: several contributors", goal: clean.setting("contributors", "[Ana Ruiz <ana@example.com>, Ben Ode <ben@example.com>]")),
        QuietCase(name: "guardrail-breached: a guardrail held", goal: cleanActive.setting("metrics", "\n  - {id: activation, name: Activation, unit: percent, direction: increase, baseline: 30, target: 50}\n  - {id: latency, name: p95 latency, unit: ms, direction: stay_below, target: 45}")
            .setting("checkins", "\n  - {id: c1, on: 2026-01-25, by: Ben <ben@example.com>, metric: activation, value: 34}\n  - {id: c2, on: 2026-01-25, by: Ben <ben@example.com>, metric: latency, value: 45}")),
        QuietCase(name: "guardrail-breached: a breach corrected away", goal: cleanActive.setting("metrics", "\n  - {id: activation, name: Activation, unit: percent, direction: increase, baseline: 30, target: 50}\n  - {id: latency, name: p95 latency, unit: ms, direction: stay_below, target: 45}")
            .setting("checkins", "\n  - {id: c1, on: 2026-01-25, by: Ben <ben@example.com>, metric: latency, value: 47}\n  - {id: c2, on: 2026-01-25, by: Ben <ben@example.com>, metric: latency, value: 44, supersedes: c1}")),
        QuietCase(name: "checkin-date: a check-in dated today and one on the day the goal was created", goal: cleanActive.setting("checkins", "\n  - {id: c0, on: 2026-01-05, by: Ben <ben@example.com>, metric: activation, value: 31}\n  - {id: c1, on: 2026-02-01, by: Ben <ben@example.com>, metric: activation, value: 34}")),
        QuietCase(name: "past-end: a timeframe that ends today", goal: clean.setting("timeframe", "{start: 2026-01-05, end: 2026-02-01}")),
        QuietCase(name: "measurable: one of two metrics is complete", goal: clean.setting("metrics", "\n  - {id: a, name: A, direction: increase}\n  - {id: b, name: B, unit: days, direction: decrease, baseline: 9, target: 3}")),
    ]

    @Test("Lint rules stay quiet when the goal follows them", arguments: quietCases)
    func lintQuiet(_ c: QuietCase) {
        let diagnostics = validator.check(c.goal)
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.formatted))")
    }

    @Test("The config's cadence_days sets the stale rule's default")
    func cadenceFromConfig() throws {
        let goal = Self.cleanActive.setting("checkins", "\n  - {id: c1, on: 2026-01-10, by: Ben <ben@example.com>, metric: activation, value: 31}")
        #expect(validator.check(goal).map(\.code) == ["stale"])  // 22 days > 14
        let relaxed = try RepoConfig.parse("cadence_days: 30\n")
        #expect(GoalValidator.standard(relaxed).check(goal).isEmpty)
    }

    @Test("Lint codes are the stable codes of SPEC §4")
    func lintCodes() {
        #expect(LintRule.allCases.map(\.code) == [
            "measurable", "time-bound", "owner", "lens", "evidence", "outcome", "co-created", "stale", "at-risk-note", "sprint-link",
            "north-star", "placeholder",
            "guardrail-breached", "checkin-date", "past-end",
        ])
    }

    @Test("A config naming an unknown rule or severity is refused with its line")
    func badConfig() {
        #expect(throws: GoalSyncError.invalidConfig(line: 3, message: "lint rule 'speling' is unknown; the rules are measurable, time-bound, owner, lens, evidence, outcome, co-created, stale, at-risk-note, sprint-link, north-star, placeholder, guardrail-breached, checkin-date, past-end")) {
            try RepoConfig.parse("format: 1\nlint:\n  speling: error\n")
        }
        #expect(throws: GoalSyncError.self) { try RepoConfig.parse("lint: {stale: loud}\n") }
    }
}
