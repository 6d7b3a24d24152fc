import Foundation
import GoalSyncTestSupport
import Testing

/// `goalsync vision`, the North Star and its check-ins, the placeholder lint, metric frameworks
/// and `new --template`, from the built binary.
@Suite struct VisionCommandTests {
    @Test func setsShowsAndChecksInTheNorthStarEachInOneCommit() throws {
        let repo = try TestRepo()
        let before = try repo.commitCount()
        try repo.ok("vision", "--set", "vision=Every small team knows what matters this week", "--set", "strategy=Win small teams first")
        #expect(try repo.commitCount() == before + 1)
        let message = try repo.lastMessage()
        #expect(message.hasPrefix("vision: vision "), "\(message)")
        #expect(message.contains("Goal-Fields: vision, strategy"), "\(message)")
        try repo.ok("vision", "--set", "north_star.name=Weekly active teams", "--set", "north_star.unit=teams",
                    "--set", "north_star.baseline=800", "--set", "north_star.target=2000", "--set", "north_star.framework=engagement")
        #expect(try repo.lastMessage().contains("Goal-Fields: north_star"))
        let checkin = try repo.ok("vision", "checkin", "1240", "--note", "Invite flow live", "--on", "2026-01-19")
        #expect(checkin.stdout.hasPrefix("checked in "))
        let m = try repo.lastMessage()
        #expect(m.hasPrefix("vision: north star Weekly active teams = 1240 teams"), "\(m)")
        #expect(m.contains("Goal-Fields: checkins."), "\(m)")
        try repo.ok("vision", "checkin", "1100", "--on", "2026-01-12")

        let text = try repo.read("VISION.md")
        #expect(text.contains("strategy: Win small teams first"))
        #expect(text.contains("north_star:\n  name: Weekly active teams\n  unit: teams\n  baseline: 800\n  target: 2000\n  framework: engagement\n"), "\(text)")
        #expect(text.contains("value: 1240, note: Invite flow live}"))

        let show = try repo.ok("vision")
        #expect(show.stdout.contains("Vision      Every small team knows what matters this week"))
        #expect(show.stdout.contains("Strategy    Win small teams first"))
        // The current value is the latest check-in by date, not the last one written.
        #expect(show.stdout.contains("North Star  Weekly active teams: 1240 teams on 2026-01-19 (baseline 800, target 2000, HEART engagement)"), "\(show.stdout)")
        #expect(show.stdout.contains("Invite flow live"))

        let json = try repo.ok("vision", "--json")
        #expect(try JSONContractTests.mismatches(json.stdout, schema: "vision") == nil)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let ns = try #require(object["north_star"] as? [String: Any])
        #expect(ns["current"] as? Double == 1240)
        #expect(ns["current_on"] as? String == "2026-01-19")
        #expect((object["checkins"] as? [Any])?.count == 2)
        #expect(try repo.ok("validate").status == 0)
    }

    @Test func wrongInputIsRefusedWithWhatToDo() throws {
        let repo = try TestRepo()
        let count = try repo.commitCount()
        let noNorthStar = try repo.goalsync("vision", "checkin", "10")
        #expect(noNorthStar.status == 64)
        #expect(noNorthStar.stderr.contains("goalsync vision --set north_star.name="), "\(noNorthStar)")
        try repo.ok("vision", "--set", "north_star.name=Weekly active teams")
        let future = try repo.goalsync("vision", "checkin", "10", "--on", "2999-01-01")
        #expect(future.status == 64)
        #expect(future.stderr.contains("after today"), "\(future)")
        let notNumber = try repo.goalsync("vision", "checkin", "many")
        #expect(notNumber.status == 64)
        let unknown = try repo.goalsync("vision", "--set", "mission=x")
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("north_star.name"), "\(unknown)")
        let framework = try repo.goalsync("vision", "--set", "north_star.framework=vanity")
        #expect(framework.status == 64)
        #expect(framework.stderr.contains("happiness"), "\(framework)")
        let emptyVision = try repo.goalsync("vision", "--set", "vision=")
        #expect(emptyVision.status == 64)
        #expect(try repo.commitCount() == count + 1, "only the North Star's name was committed")
    }

    @Test func placeholdersAreWarningsWithFileLineAndField() throws {
        let repo = try TestRepo()
        let v = try repo.goalsync("validate")
        #expect(v.status == 0, "warnings only: \(v)")
        let out = v.stdout + v.stderr
        #expect(out.contains("VISION.md:3: warning: vision: [placeholder]"), "\(out)")
        #expect(out.contains("VISION.md:4: warning: strategy: [placeholder]"), "\(out)")
        #expect(out.contains("VISION.md:8: warning: body: [placeholder]"), "\(out)")
        try repo.ok("vision", "--set", "vision=Every team knows why", "--set", "strategy=Small teams first")
        let after = try repo.goalsync("validate")
        #expect(!(after.stdout + after.stderr).contains("vision: [placeholder]"))
        #expect(!(after.stdout + after.stderr).contains("strategy: [placeholder]"))
        // Off in the config: no finding.
        var config = try repo.read(".goalsync/config.yaml")
        config = config.replacingOccurrences(of: "placeholder: warning", with: "placeholder: off")
        try repo.write(".goalsync/config.yaml", config)
        #expect(!(try repo.goalsync("validate").stdout).contains("placeholder"))
    }

    @Test func goalsSayHowTheyMoveTheNorthStarAndMetricsNameTheirFramework() throws {
        let repo = try TestRepo()
        try repo.ok("new", "Raise activation from 30% to 50%", "--id", "g")
        try repo.ok("set", "g", "status", "proposed")
        let lint = try repo.goalsync("validate", "goals/g.md")
        #expect((lint.stdout + lint.stderr).contains("goals/g.md:3: warning: moves_north_star: [north-star]"), "\(lint)")
        try repo.ok("set", "g", "moves_north_star", "Activated workspaces become weekly active teams")
        let after = try repo.goalsync("validate", "goals/g.md")
        #expect(!(after.stdout + after.stderr).contains("[north-star]"))
        try repo.ok("add", "g", "metrics", "{id: activation, name: Activation, unit: percent, direction: increase, baseline: 30, target: 50, framework: activation}")
        #expect(try repo.read("goals/g.md").contains("framework: activation"))
        let bad = try repo.goalsync("set", "g", "metrics.activation.framework", "vanity")
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("task_success"), "\(bad)")
        // A hand edit with an unknown category is an error with its line.
        let text = try repo.read("goals/g.md").replacingOccurrences(of: "framework: activation", with: "framework: vanity")
        try repo.write("goals/g.md", text)
        let line = (text.components(separatedBy: "\n").firstIndex { $0.contains("framework: vanity") } ?? -2) + 1
        let v = try repo.goalsync("validate", "goals/g.md")
        #expect(v.status == 1)
        #expect((v.stdout + v.stderr).contains("goals/g.md:\(line): error: metrics.activation.framework: framework 'vanity'"), "\(v)")
    }

    @Test(arguments: [("okr", "Key Results"), ("smart", "Time-bound"), ("north-star", "input metric"),
                      ("heart", "Task success"), ("aarrr", "Referral"), ("ebm", "Ability to innovate")])
    func newTemplatesAskTheFrameworksAndTheLensQuestions(_ template: String, _ expected: String) throws {
        let repo = try TestRepo()
        try repo.ok("new", "Raise activation from 30% to 50%", "--id", "g", "--template", template)
        let text = try repo.read("goals/g.md")
        for heading in ["# Who it is for", "# The problem", "# Proof", "# Why it matters", "# Assumptions", "# How we will measure it", "# How it moves the North Star"] {
            #expect(text.contains(heading), "\(template): \(heading)")
        }
        #expect(text.contains(expected), "\(template): \(text)")
        #expect(text.contains("goalsync set g moves_north_star"))
    }

    @Test func anUnknownTemplateIsAUsageError() throws {
        let repo = try TestRepo()
        let count = try repo.commitCount()
        let r = try repo.goalsync("new", "Raise activation", "--template", "kpi")
        #expect(r.status == 64)
        #expect(r.stderr.contains("okr, smart, north-star, heart, aarrr, ebm"), "\(r)")
        #expect(try repo.commitCount() == count, "nothing committed")
    }

    @Test func theTextReportLeadsWithTheNorthStarAndGroupsKeyResultsByFramework() throws {
        let repo = try TestRepo()
        try repo.ok("vision", "--set", "strategy=Small teams first", "--set", "north_star.name=Weekly active teams", "--set", "north_star.unit=teams", "--set", "north_star.target=2000")
        try repo.ok("vision", "checkin", "1240", "--on", "2026-01-26")
        try repo.ok("new", "Raise activation from 30% to 50%", "--id", "g")
        try repo.ok("add", "g", "metrics", "{id: activation, name: Activation, unit: percent, direction: increase, baseline: 30, target: 50, framework: activation}")
        try repo.ok("add", "g", "metrics", "{id: happy, name: CSAT, unit: points, direction: increase, baseline: 3, target: 4, framework: happiness}")
        let lines = try repo.ok("report").stdout.components(separatedBy: "\n")
        #expect(lines.count > 4 && lines[2] == "Strategy: Small teams first" && lines[3] == "North Star: Weekly active teams 1240 teams on 2026-01-26, target 2000 teams", "\(lines)")
        let i = try #require(lines.firstIndex(of: "Key results by framework"))
        let rows = lines[(i + 1)...].prefix(3).map { $0.split(separator: " ").map(String.init) }
        #expect(rows == [["FRAMEWORK", "CATEGORY", "GOAL", "KEY", "RESULT"], ["HEART", "happiness", "g", "happy"], ["AARRR", "activation", "g", "activation"]], "\(rows)")
    }

    @Test func anOutputShapedTitleStaysALintWarning() throws {
        let repo = try TestRepo()
        try repo.ok("new", "Launch the new onboarding", "--id", "g")
        try repo.ok("set", "g", "status", "proposed")
        let v = try repo.goalsync("validate", "goals/g.md")
        #expect((v.stdout + v.stderr).contains("title: [outcome] the title reads as an output ('launch')"), "\(v)")
    }
}

/// Two people editing VISION.md at once: pull merges it field by field.
@Suite struct VisionMergeTests {
    @Test func concurrentNorthStarCheckinsAndVisionVersusStrategyAllStay() throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        try ana.goalsync("vision", "--set", "north_star.name=Weekly active teams", "--set", "north_star.unit=teams").requireOK("north star")
        try ana.goalsync("push").requireOK("push")
        let ben = try team.join("Ben")
        try ana.goalsync("vision", "--set", "vision=Every team knows what matters").requireOK("vision")
        try ana.goalsync("vision", "checkin", "1200", "--note", "Ana's count").requireOK("checkin")
        try ana.goalsync("vision", "--set", "north_star.target=2000").requireOK("target")
        try ana.goalsync("push").requireOK("push")
        try ben.goalsync("vision", "--set", "strategy=Small teams first").requireOK("strategy")
        try ben.goalsync("vision", "checkin", "1210", "--note", "Ben's count").requireOK("checkin")
        try ben.goalsync("vision", "--set", "north_star.baseline=800").requireOK("baseline")
        let pull = try ben.goalsync("pull").requireOK("pull")
        #expect(pull.stdout.contains("Merged"), "\(pull)")
        let text = try ben.text("VISION.md")
        #expect(text.contains("vision: Every team knows what matters"))
        #expect(text.contains("strategy: Small teams first"))
        #expect(text.contains("baseline: 800"))
        #expect(text.contains("target: 2000"))
        #expect(text.contains("Ana's count"))
        #expect(text.contains("Ben's count"))
        #expect(try ben.goalsync("validate").status == 0)
        // The same through plain git and the merge driver.
        try ana.goalsync("vision", "checkin", "1250", "--note", "Ana again").requireOK("checkin")
        try ana.goalsync("push").requireOK("push")
        try ben.goalsync("vision", "checkin", "1260", "--note", "Ben again").requireOK("checkin")
        let merge = try ben.git("pull", "--no-rebase", "--no-edit", "origin", "main")
        #expect(merge.status == 0, "\(merge)")
        let merged = try ben.text("VISION.md")
        #expect(merged.contains("Ana again") && merged.contains("Ben again"), "\(merged)")
    }
}
