import Foundation
import GoalSyncCore
import GoalSyncTestSupport
import Testing

/// Progress as `goalsync report` and `status` show it: pace, confidence trend, days since the
/// last check-in, staleness, outcomes; and the commands' output.
@Suite struct ReportTests {
    /// An active goal over 2026-01-01 → 2026-03-01 (59 days) with one key result 30 → 50 and the
    /// given check-ins (`(day, value, confidence)`).
    static func goal(checkins: [(String, Double, String)], extra: [(String, String)] = [], status: String = "active") throws -> Goal {
        var text = GoalText.clean(status: status)
            .setting("timeframe", "{start: 2026-01-01, end: 2026-03-01}")
            .removing("checkins")
        for (k, v) in extra { text = text.setting(k, v) }
        if !checkins.isEmpty {
            text = text.setting("checkins", "\n" + checkins.enumerated().map { i, c in
                "  - {id: c\(i), on: \(c.0), by: Ben Ode <ben@example.com>, metric: activation, value: \(c.1), confidence: \(c.2)\(c.2 == "on_track" ? "" : ", note: why")}"
            }.joined(separator: "\n"))
        }
        return Goal(document: try MarkdownDocument.parse(text.bytes))
    }

    static let day29 = SimpleDate("2026-01-30")!

    @Test func paceComparesProgressWithTheTimeGone() throws {
        let ahead = GoalReport(goal: try Self.goal(checkins: [("2026-01-10", 32, "on_track"), ("2026-01-20", 36, "at_risk"), ("2026-01-28", 41, "off_track")]), today: Self.day29, cadenceDays: 14)
        #expect(abs((ahead.elapsed ?? 0) - 29.0 / 59.0) < 1e-9)
        #expect(abs((ahead.metrics[0].progress.progress ?? 0) - 0.55) < 1e-9)
        #expect(ahead.metrics[0].pace == .ahead)
        #expect(ahead.pace == .ahead)
        #expect(ahead.metrics[0].trend == .worsening)
        #expect(ahead.metrics[0].recentConfidence == ["on_track", "at_risk", "off_track"])
        #expect(ahead.latestConfidence == "off_track")
        #expect(ahead.daysSinceCheckin == 2)
        #expect(ahead.lastCheckin == SimpleDate("2026-01-28"))
        #expect(!ahead.stale)

        let behind = GoalReport(goal: try Self.goal(checkins: [("2026-01-10", 31, "off_track"), ("2026-01-20", 33, "on_track")]), today: Self.day29, cadenceDays: 14)
        #expect(behind.pace == .behind)
        #expect(behind.trend == .improving)
        let onPace = GoalReport(goal: try Self.goal(checkins: [("2026-01-28", 40, "at_risk"), ("2026-01-29", 40, "at_risk")]), today: Self.day29, cadenceDays: 14)
        #expect(onPace.pace == .onPace)
        #expect(onPace.trend == .steady)
        let before = GoalReport(goal: try Self.goal(checkins: []), today: SimpleDate("2025-12-01")!, cadenceDays: 14)
        #expect(before.elapsed == 0)
        #expect(before.pace == nil, "no check-in: no progress, so no pace")
        #expect(before.progress.overall == nil)
        let after = GoalReport(goal: try Self.goal(checkins: [("2026-01-10", 40, "on_track")]), today: SimpleDate("2026-04-01")!, cadenceDays: 14)
        #expect(after.elapsed == 1)
        #expect(after.pace == .behind)
    }

    @Test func staleFollowsTheGoalsCadenceElseTheConfigs() throws {
        let checkins = [("2026-01-10", 32.0, "on_track")]
        let late = SimpleDate("2026-01-30")!
        #expect(GoalReport(goal: try Self.goal(checkins: checkins), today: late, cadenceDays: 14).stale)
        #expect(!GoalReport(goal: try Self.goal(checkins: checkins), today: late, cadenceDays: 30).stale)
        #expect(!GoalReport(goal: try Self.goal(checkins: checkins, extra: [("cadence_days", "21")]), today: late, cadenceDays: 14).stale)
        #expect(GoalReport(goal: try Self.goal(checkins: checkins, extra: [("cadence_days", "21")]), today: late, cadenceDays: 14).cadenceDays == 21)
        let proposed = GoalReport(goal: try Self.goal(checkins: checkins, status: "proposed"), today: late, cadenceDays: 14)
        #expect(!proposed.stale, "only the active goal goes stale")
        #expect(proposed.pace == nil, "pace is for the active goal")
        let none = GoalReport(goal: try Self.goal(checkins: []), today: SimpleDate("2026-01-20")!, cadenceDays: 14)
        #expect(none.stale, "19 days since the start and no check-in")
        #expect(none.daysSinceCheckin == nil)
        #expect(none.trend == nil)
    }

    @Test func closedGoalsShowTheirOutcome() throws {
        let g = try Self.goal(checkins: [("2026-01-10", 50, "on_track")], extra: [("closed", "{on: 2026-02-01, reason: Held 50% for a month}")], status: "achieved")
        let r = GoalReport(goal: g, today: Self.day29, cadenceDays: 14)
        #expect(r.closed?.outcome == "achieved")
        #expect(r.closed?.on == "2026-02-01")
        #expect(r.closed?.reason == "Held 50% for a month")
        #expect(r.progress.overall == 1)
        #expect(r.pace == nil)
    }

    /// A repository with an active goal (checked in), a proposed one and an abandoned one.
    static func repository() throws -> TestRepo {
        let repo = try AuditTests.story()
        try repo.goalsync(as: .ben, on: "2026-01-20", "new", "Cut churn", "--id", "cut-churn")
        try repo.goalsync(as: .ben, on: "2026-01-20", "set", "cut-churn", "status", "proposed")
        try repo.goalsync(as: .caro, on: "2026-01-21", "new", "Ship dark mode", "--id", "dark-mode")
        try repo.goalsync(as: .caro, on: "2026-01-21", "set", "dark-mode", "status", "proposed")
        try repo.goalsync(as: .caro, on: "2026-01-22", "set", "dark-mode", "status", "abandoned", "--reason", "Not an outcome")
        return repo
    }

    @Test func reportJSONHasEveryGoalsProgress() throws {
        let repo = try Self.repository()
        let json = try repo.json("report")
        #expect(json["today"] as? String == TestRepo.today)
        let active = try #require(json["active"] as? [String: Any])
        #expect(active["id"] as? String == AuditTests.id)
        #expect(active["pace"] as? String == "behind")
        #expect(active["confidence"] as? String == "at_risk")
        #expect(active["confidence_trend"] as? String == "worsening")
        #expect(active["days_since_checkin"] as? Int == 13)
        #expect(active["stale"] as? Bool == false)
        let metric = try #require((active["metrics"] as? [[String: Any]])?.first)
        #expect(metric["current"] as? Int == 33)
        #expect(metric["baseline"] as? Int == 30)
        #expect(metric["target"] as? Int == 50)
        #expect(metric["unit"] as? String == "percent")
        #expect((metric["checkins"] as? [[String: Any]])?.count == 2)
        let goals = json["goals"] as? [[String: Any]] ?? []
        #expect(goals.compactMap { $0["id"] as? String } == [AuditTests.id, "cut-churn", "dark-mode"])
        let closed = goals.last?["closed"] as? [String: Any]
        #expect(closed?["outcome"] as? String == "abandoned")
        #expect(closed?["reason"] as? String == "Not an outcome")
        let people = json["contributors"] as? [[String: Any]] ?? []
        #expect(people.compactMap { $0["name"] as? String }.prefix(2) == ["Ana Ruiz", "Ben Ode"])
        #expect(people.first?["roles"] as? [String] == ["created"])
    }

    @Test func reportHTMLToAFolderOrAMissingFolderIsAUsageError() throws {
        let repo = try TestRepo()
        let folder = try repo.goalsync("report", "--html", repo.base)
        #expect(folder.status == 64)
        #expect(folder.stderr.contains("it is a folder"))
        let missing = try repo.goalsync("report", "--html", repo.base + "/missing/report.html")
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("no folder \(repo.base)/missing"))
        #expect(!FileManager.default.fileExists(atPath: repo.base + "/missing"))
    }

    @Test func anUnreadableGoalFileIsNamedNotTakenForNoActiveGoal() throws {
        let repo = try TestRepo()
        try repo.write("goals/g.md", "---\nid: g\nstatus: [active\n---\n")
        try #require(try repo.commitAll("broken", verify: false).status == 0)
        let status = try repo.goalsync("status")
        #expect(status.stdout.contains("No active goal could be read: 1 goal file cannot be read"))
        #expect(status.stderr.contains("goals/g.md"))
        #expect(try repo.goalsync("report").stdout.contains("No active goal could be read"))
        try repo.ok("report", "--html", repo.base + "/r.html")
        let page = try String(contentsOfFile: repo.base + "/r.html", encoding: .utf8)
        #expect(page.contains("No active goal could be read") && page.contains("<code>goals/g.md</code>"))
    }

    /// SPEC §3: progress is uncapped per key result (decrease too), the roll-up clamps each to
    /// 0–100% and takes the mean; stay_above / stay_below are guardrails, held or breached, and
    /// never part of progress.
    @Test func progressFollowsTheDirectionAndTheRollUpClamps() throws {
        let metrics = """

              - {id: churn, name: Monthly churn, unit: percent, direction: decrease, baseline: 10, target: 5}
              - {id: nps, name: NPS, unit: points, direction: increase, baseline: 20, target: 40}
              - {id: uptime, name: Uptime, unit: percent, direction: stay_above, target: 99.5}
            """
        let checkins = """

              - {id: c1, on: 2026-01-10, by: Ben Ode <ben@example.com>, metric: churn, value: 7, confidence: on_track}
              - {id: c2, on: 2026-01-10, by: Ben Ode <ben@example.com>, metric: nps, value: 50, confidence: on_track}
              - {id: c3, on: 2026-01-10, by: Ben Ode <ben@example.com>, metric: uptime, value: 99.1, confidence: at_risk, note: outage}
            """
        let goal = Goal(document: try MarkdownDocument.parse(GoalText.clean(status: "active").setting("metrics", metrics).setting("checkins", checkins).bytes))
        let progress = GoalProgress(goal: goal)
        let byID = Dictionary(uniqueKeysWithValues: progress.metrics.map { ($0.id, $0.progress ?? -1) })
        #expect(abs((byID["churn"] ?? -1) - 0.6) < 1e-9, "(7 − 10) / (5 − 10)")
        #expect(abs((byID["nps"] ?? -1) - 1.5) < 1e-9, "uncapped per key result")
        #expect(byID["uptime"] == -1, "a guardrail makes no progress")
        #expect(progress.metrics.first { $0.id == "uptime" }?.breached == true, "99.1 is not above 99.5")
        #expect(progress.breachedGuardrails.map(\.id) == ["uptime"])
        #expect(abs((progress.overall ?? -1) - (0.6 + 1) / 2) < 1e-9, "the roll-up clamps 150% to 100%; the guardrail is not in it")
    }

    @Test func reportTextHasTablesBarsAndNoColourOffATerminal() throws {
        let repo = try Self.repository()
        let text = try repo.ok("report").stdout
        #expect(text.contains("Active goal: \(AuditTests.id)"))
        #expect(text.contains("KEY RESULT"))
        #expect(text.contains("30 → 33 → 50 percent"))
        #expect(text.contains("█"))
        #expect(text.contains("behind"))
        #expect(text.contains("at_risk (worsening)"))
        #expect(text.contains("last check-in 13 days ago"))
        #expect(text.contains("Not an outcome"))
        // The check-in timeline and who took part, for the active goal.
        #expect(text.contains("Check-ins of \(AuditTests.id)"))
        let lines = text.components(separatedBy: "\n")
        #expect(lines.contains { $0.contains("2026-01-19") && $0.contains("33") && $0.contains("Cohort still small") })
        #expect(text.contains("Who took part in \(AuditTests.id)"))
        #expect(lines.contains { $0.contains("Ana Ruiz") && $0.contains("created") })
        #expect(lines.contains { $0.contains("Eli Moss") && $0.contains("activated") })
        #expect(!text.contains("\u{1B}["), "no colour when stdout is not a terminal")
        let stale = try repo.goalsync(["report"], env: ["GOALSYNC_TODAY": "2026-03-01"])
        #expect(stale.stdout.contains("stale"))
    }

    /// Colour in a terminal (a pseudo-terminal made by `script`), and none with NO_COLOR.
    @Test func colourFollowsTheTerminalAndNoColor() throws {
        let script = try #require(["/usr/bin/script", "/bin/script"].first { FileManager.default.isExecutableFile(atPath: $0) }, "util-linux script is needed for a pseudo-terminal")
        let repo = try Self.repository()
        let command = "\(repo.binary) report"
        let coloured = try ProcessRunner.run(script, ["-qec", command, "/dev/null"], in: repo.root, environment: repo.merged(["TERM": "xterm"]))
        #expect(coloured.status == 0, "\(coloured)")
        #expect(coloured.stdout.contains("\u{1B}["))
        let plain = try ProcessRunner.run(script, ["-qec", command, "/dev/null"], in: repo.root, environment: repo.merged(["TERM": "xterm", "NO_COLOR": "1"]))
        #expect(plain.status == 0, "\(plain)")
        #expect(plain.stdout.contains("KEY RESULT"))
        #expect(!plain.stdout.contains("\u{1B}["))
    }

    @Test func statusKeepsItsLinesAndAddsPaceConfidenceAndCheckinAge() throws {
        let repo = try Self.repository()
        let json = try repo.json("status")
        for key in ["branch", "upstream", "ahead", "behind", "merging", "conflicts", "active", "goals", "unreadable"] {
            #expect(json.keys.contains(key), "status --json keeps \(key)")
        }
        let active = try #require(json["active"] as? [String: Any])
        for key in ["id", "title", "timeframe", "progress", "metrics"] { #expect(active.keys.contains(key)) }
        #expect(active["pace"] as? String == "behind")
        #expect(active["confidence_trend"] as? String == "worsening")
        #expect(active["days_since_checkin"] as? Int == 13)
        #expect(active["stale"] as? Bool == false)
        let text = try repo.ok("status").stdout
        #expect(text.contains("Active goal: \(AuditTests.id)"))
        // The same aligned lines, bars and key-result table as `report`.
        #expect(text.contains("  progress  "))
        #expect(text.contains("  behind (expected "))
        #expect(text.contains("  last check-in 13 days ago"))
        #expect(text.contains("  confidence at_risk (worsening)"))
        #expect(text.contains("  KEY RESULT "))
        let report = try repo.ok("report").stdout
        let activeBlock = { (t: String) in t.components(separatedBy: "\n").drop { !$0.hasPrefix("Active goal:") }.prefix { !$0.hasPrefix("Goals:") && !$0.hasPrefix("Proposed") && !$0.hasPrefix("Draft") && !$0.hasPrefix("Achieved") && !$0.hasPrefix("Abandoned") } }
        #expect(Array(activeBlock(text)).filter { !$0.isEmpty } == Array(activeBlock(report)).filter { !$0.isEmpty })
    }

    /// The argument parser's completion scripts know the audit and report commands and options.
    @Test(arguments: ["bash", "zsh", "fish"]) func completionScriptsKnowTheNewCommands(shell: String) throws {
        let repo = try TestRepo(initialize: false)
        let r = try repo.goalsync("--generate-completion-script", shell)
        #expect(r.status == 0, "\(r)")
        for word in ["log", "blame", "contributors", "report", "since", "html"] {
            #expect(r.stdout.contains(word), "the \(shell) completion knows \(word)")
        }
    }
}
