import Foundation
import GoalSyncCore
import GoalSyncTestSupport
import PropertyBased
import Testing

/// Issue 9, point 1 and 5: key results make progress, guardrails are held or breached and never
/// raise it, a key result with no check-in has no progress, pace only where progress and time
/// both exist, and corrections (`supersedes`) count in place of what they correct.
@Suite("Progress model")
struct ProgressModelTests {
    /// A goal with the given metrics (`(id, direction, baseline, target)`) and check-ins
    /// (`(id, day, metric, value, supersedes)`), active over 2026-01-01 → 2026-03-01.
    static func goal(
        metrics: [(String, String, Double?, Double)], checkins: [(String, String, String, Double, String?)], status: String = "active"
    ) throws -> Goal {
        var text = GoalText.clean(status: status).setting("timeframe", "{start: 2026-01-01, end: 2026-03-01}").setting("created", "2026-01-01")
        text = text.setting("metrics", "\n" + metrics.map { m in
            "  - {id: \(m.0), name: \(m.0), unit: u, direction: \(m.1)\(m.2.map { ", baseline: \($0)" } ?? ""), target: \(m.3)}"
        }.joined(separator: "\n"))
        if checkins.isEmpty {
            text = text.removing("checkins")
        } else {
            text = text.setting("checkins", "\n" + checkins.map { c in
                "  - {id: \(c.0), on: \(c.1), by: Ben Ode <ben@example.com>, metric: \(c.2), value: \(c.3)\(c.4.map { ", supersedes: \($0)" } ?? "")}"
            }.joined(separator: "\n"))
        }
        return Goal(document: try MarkdownDocument.parse(text.bytes))
    }

    static let today = SimpleDate("2026-01-30")!

    struct DirectionCase: Sendable, CustomTestStringConvertible {
        var direction: String
        var baseline: Double?
        var target: Double
        var value: Double?
        var progress: Double?
        var breached: Bool?
        var testDescription: String { "\(direction) \(value.map { "at \($0)" } ?? "with no check-in")" }
    }

    static let directionCases: [DirectionCase] = [
        DirectionCase(direction: "increase", baseline: 30, target: 50, value: 40, progress: 0.5, breached: nil),
        DirectionCase(direction: "increase", baseline: 30, target: 50, value: 30, progress: 0, breached: nil),
        DirectionCase(direction: "increase", baseline: 30, target: 50, value: 60, progress: 1.5, breached: nil),
        DirectionCase(direction: "increase", baseline: 30, target: 50, value: nil, progress: nil, breached: nil),
        DirectionCase(direction: "decrease", baseline: 10, target: 5, value: 7, progress: 0.6, breached: nil),
        DirectionCase(direction: "decrease", baseline: 10, target: 5, value: 12, progress: -0.4, breached: nil),
        DirectionCase(direction: "decrease", baseline: 10, target: 5, value: nil, progress: nil, breached: nil),
        DirectionCase(direction: "stay_above", baseline: nil, target: 99.5, value: 99.9, progress: nil, breached: false),
        DirectionCase(direction: "stay_above", baseline: nil, target: 99.5, value: 99.5, progress: nil, breached: false),
        DirectionCase(direction: "stay_above", baseline: nil, target: 99.5, value: 99.1, progress: nil, breached: true),
        DirectionCase(direction: "stay_above", baseline: nil, target: 99.5, value: nil, progress: nil, breached: nil),
        DirectionCase(direction: "stay_below", baseline: nil, target: 45, value: 44, progress: nil, breached: false),
        DirectionCase(direction: "stay_below", baseline: nil, target: 45, value: 47, progress: nil, breached: true),
        DirectionCase(direction: "stay_below", baseline: 40, target: 45, value: 44, progress: nil, breached: false),
        DirectionCase(direction: "stay_below", baseline: nil, target: 45, value: nil, progress: nil, breached: nil),
    ]

    @Test("Each direction, with and without a check-in, held and breached", arguments: directionCases)
    func direction(_ c: DirectionCase) throws {
        let checkins = c.value.map { [("c1", "2026-01-20", "m", $0, String?.none)] } ?? []
        let goal = try Self.goal(metrics: [("m", c.direction, c.baseline, c.target)], checkins: checkins)
        let report = GoalReport(goal: goal, today: Self.today, cadenceDays: 14)
        let m = try #require(report.metrics.first)
        let guardrail = c.direction.hasPrefix("stay_")
        #expect(m.progress.guardrail == guardrail)
        if let expected = c.progress {
            let p = try #require(m.progress.progress)
            #expect(abs(p - expected) < 1e-9)
            #expect(p.sign == .plus || p != 0, "never -0")
        } else {
            #expect(m.progress.progress == nil)
        }
        #expect(m.progress.breached == c.breached)
        #expect(m.progress.guardrailState == c.breached.map { $0 ? "breached" : "held" })
        #expect(report.breachedGuardrails == (c.breached == true ? ["m"] : []))
        // Pace only where progress and elapsed time both exist.
        #expect((m.pace != nil) == (c.progress != nil))
        #expect((report.pace != nil) == (c.progress != nil))
        // A goal whose only metric is a guardrail, or whose key result has no check-in, has no progress.
        #expect((report.progress.overall != nil) == (c.progress != nil))
        if let overall = report.progress.overall { #expect(overall >= 0 && overall <= 1) }
    }

    @Test("-0% never appears: a decrease back at its baseline is 0, not -0")
    func noNegativeZero() throws {
        let goal = try Self.goal(metrics: [("m", "decrease", 10, 5)], checkins: [("c1", "2026-01-20", "m", 10, nil)])
        let p = try #require(GoalProgress(goal: goal).metrics.first?.progress)
        #expect(p == 0 && p.sign == .plus)
        #expect(try #require(GoalProgress(goal: goal).overall).sign == .plus)
    }

    @Test("The roll-up: key results only, each clamped, one with no check-in counting as 0")
    func rollUp() throws {
        let goal = try Self.goal(
            metrics: [("a", "increase", 0, 10), ("b", "decrease", 10, 5), ("c", "increase", 0, 100), ("g", "stay_below", nil, 45)],
            checkins: [("c1", "2026-01-20", "a", 15, nil), ("c2", "2026-01-20", "b", 7, nil), ("c3", "2026-01-20", "g", 10, nil)])
        let overall = try #require(GoalProgress(goal: goal).overall)
        #expect(abs(overall - (1 + 0.6 + 0) / 3) < 1e-9, "a clamped to 100%, b 60%, c no check-in; the held guardrail adds nothing")
    }

    @Test("A correction counts in place of the check-in it supersedes; both stay in the file")
    func corrections() throws {
        let goal = try Self.goal(
            metrics: [("a", "increase", 0, 10)],
            checkins: [("c1", "2026-01-10", "a", 4, nil), ("c2", "2026-01-20", "a", 8, nil), ("c3", "2026-01-20", "a", 6, "c2")])
        #expect(goal.checkins.map(\.id) == ["c1", "c2", "c3"])
        #expect(goal.effectiveCheckins.map(\.id) == ["c1", "c3"])
        let report = GoalReport(goal: goal, today: Self.today, cadenceDays: 14)
        #expect(report.metrics[0].progress.current == 6)
        #expect(report.metrics[0].checkins.map(\.id) == ["c1", "c3"])
        #expect(report.metrics[0].allCheckins.map(\.id) == ["c1", "c2", "c3"])
        #expect(report.metrics[0].superseded == ["c2"])
        // A correction of a correction replaces both; one naming another metric's check-in, or itself, replaces nothing.
        let chain = try Self.goal(
            metrics: [("a", "increase", 0, 10), ("b", "increase", 0, 10)],
            checkins: [("c1", "2026-01-10", "a", 4, nil), ("c2", "2026-01-10", "a", 5, "c1"), ("c3", "2026-01-10", "a", 3, "c2"),
                       ("c4", "2026-01-11", "b", 9, "c1"), ("c5", "2026-01-12", "b", 2, "c5")])
        #expect(chain.effectiveCheckins.map(\.id) == ["c3", "c4", "c5"])
        #expect(GoalProgress(goal: chain).metrics.map(\.current) == [3, 2])
    }

    @Test("A check-in dated after today gives no negative day count")
    func futureCheckin() throws {
        let goal = try Self.goal(metrics: [("a", "increase", 0, 10)], checkins: [("c1", "2026-03-20", "a", 4, nil)])
        let report = GoalReport(goal: goal, today: Self.today, cadenceDays: 14)
        #expect(report.lastCheckinInFuture)
        #expect(report.daysSinceCheckin == nil)
        let json = report.json
        guard case .object(let fields) = json, let days = fields.first(where: { $0.0 == "days_since_checkin" })?.1 else {
            Issue.record("no days_since_checkin in \(json)")
            return
        }
        #expect(days == .null)
    }

    // MARK: Property

    /// A random goal: 1–5 metrics of random directions and numbers, 0–12 check-ins (some
    /// corrections), from one seed.
    static func randomGoal(seed: Int) throws -> Goal {
        var rng = SplitMix(seed: seed)
        let directions = ["increase", "decrease", "stay_above", "stay_below"]
        var metrics = [(String, String, Double?, Double)]()
        for i in 0..<Int.random(in: 1...5, using: &rng) {
            let d = directions[Int.random(in: 0..<4, using: &rng)]
            let base = Double(Int.random(in: -50...50, using: &rng))
            var target = base + Double(Int.random(in: 1...40, using: &rng)) * (d == "decrease" ? -1 : 1)
            if d.hasPrefix("stay_") { target = Double(Int.random(in: -50...50, using: &rng)) }
            metrics.append(("m\(i)", d, d.hasPrefix("stay_") && Bool.random(using: &rng) ? nil : base, target))
        }
        var checkins = [(String, String, String, Double, String?)]()
        for j in 0..<Int.random(in: 0...12, using: &rng) {
            let m = metrics[Int.random(in: 0..<metrics.count, using: &rng)].0
            let day = String(format: "2026-01-%02d", Int.random(in: 1...28, using: &rng))
            let supersedes = j > 0 && Int.random(in: 0..<4, using: &rng) == 0 ? "c\(Int.random(in: 0..<j, using: &rng))" : nil
            checkins.append(("c\(j)", day, m, Double(Int.random(in: -120...120, using: &rng)), supersedes))
        }
        return try goal(metrics: metrics, checkins: checkins)
    }

    /// The goal without its guardrails' check-ins, and with every guardrail at a random value.
    static func variants(of goal: Goal, seed: Int) throws -> [Goal] {
        let guardrails = Set(goal.metrics.filter { $0.direction?.isGuardrail == true }.map(\.id))
        let items = goal.frontMatter["checkins"]?.list ?? []
        var without = goal
        let kept = items.filter { !guardrails.contains($0.map?["metric"]?.scalarText ?? "") }
        without["checkins"] = kept.isEmpty ? nil : .list(kept)
        var rng = SplitMix(seed: seed ^ 0x5EED)
        var moved = goal
        moved["checkins"] = .list(items.map { item in
            guard var m = item.map, guardrails.contains(m["metric"]?.scalarText ?? "") else { return item }
            m["value"] = .plain(String(Int.random(in: -1000...1000, using: &rng)))
            return .map(m)
        })
        var noGuardrails = goal
        noGuardrails["metrics"] = .list((goal.frontMatter["metrics"]?.list ?? []).filter { !guardrails.contains($0.map?["id"]?.scalarText ?? "") })
        noGuardrails["checkins"] = without["checkins"]
        return [without, moved, noGuardrails]
    }

    @Test("Progress never exceeds what its key results show, and guardrails never raise it")
    func progressProperty() async {
        await propertyCheck(count: 400, input: Gen.int(in: 0...Int(Int32.max))) { seed in
            do {
                let goal = try Self.randomGoal(seed: seed)
                let progress = GoalProgress(goal: goal)
                let shown = progress.metrics.filter { !$0.guardrail }.compactMap(\.progress).map { min(1, max(0, $0)) }
                for m in progress.metrics where m.guardrail { #expect(m.progress == nil, "a guardrail makes no progress") }
                if let overall = progress.overall {
                    #expect(overall >= 0 && overall <= 1)
                    #expect(overall.sign == .plus)
                    #expect(overall <= (shown.max() ?? 0) + 1e-12, "seed \(seed): \(overall) above every key result (\(shown))")
                } else {
                    #expect(shown.isEmpty, "seed \(seed): key results show progress \(shown) but the goal has none")
                }
                for variant in try Self.variants(of: goal, seed: seed) {
                    #expect(GoalProgress(goal: variant).overall == progress.overall, "seed \(seed): guardrails changed the progress")
                    let r = GoalReport(goal: variant, today: Self.today, cadenceDays: 14)
                    #expect(r.pace == GoalReport(goal: goal, today: Self.today, cadenceDays: 14).pace)
                }
            } catch {
                Issue.record("seed \(seed): \(error)")
            }
        }
    }
}
