import GoalSyncCore
import GoalSyncTestSupport
import Testing

/// VISION.md in process: its model, its rules, and its three-way merge field by field.
@Suite struct VisionTests {
    static let base = """
        ---
        product: Acme
        vision: Every team knows what matters
        strategy: Small teams first
        north_star:
          name: Weekly active teams
          unit: teams
        checkins:
          - {id: c1, on: 2026-01-05, by: Ana <ana@example.com>, value: 1000}
        ---
        # Product vision

        Teams.

        """

    func merge(_ ours: String, _ theirs: String) throws -> (text: String, conflicts: [FieldConflict]) {
        let outcome = FileMerge.merge(base: Array(Self.base.utf8), ours: Array(ours.utf8), theirs: Array(theirs.utf8), kind: .vision)
        return (String(decoding: try #require(outcome.bytes), as: UTF8.self), outcome.conflicts)
    }

    @Test func concurrentNorthStarCheckinsBothStay() throws {
        let ours = Self.base.replacingOccurrences(of: "value: 1000}\n", with: "value: 1000}\n  - {id: c2, on: 2026-01-12, by: Ana <ana@example.com>, value: 1100}\n")
        let theirs = Self.base.replacingOccurrences(of: "value: 1000}\n", with: "value: 1000}\n  - {id: c3, on: 2026-01-12, by: Ben <ben@example.com>, value: 1110, note: Ben's}\n")
        let (text, conflicts) = try merge(ours, theirs)
        #expect(conflicts.isEmpty)
        #expect(text.contains("id: c2") && text.contains("id: c3") && text.contains("id: c1"), "\(text)")
        let vision = Vision(document: try MarkdownDocument.parse(text))
        #expect(vision.checkins.map(\.id).sorted() == ["c1", "c2", "c3"])
        #expect(vision.current?.value == 1100 || vision.current?.value == 1110)
    }

    @Test func visionAgainstStrategyAndNorthStarFieldsMergeFieldByField() throws {
        let ours = Self.base.replacingOccurrences(of: "vision: Every team knows what matters", with: "vision: Every small team knows why")
            .replacingOccurrences(of: "  unit: teams\n", with: "  unit: teams\n  target: 2000\n")
        let theirs = Self.base.replacingOccurrences(of: "strategy: Small teams first", with: "strategy: Win the first week")
            .replacingOccurrences(of: "  name: Weekly active teams\n", with: "  name: Weekly active teams\n  baseline: 800\n")
        let (text, conflicts) = try merge(ours, theirs)
        #expect(conflicts.isEmpty, "\(conflicts)")
        let v = Vision(document: try MarkdownDocument.parse(text))
        #expect(v.statement == "Every small team knows why")
        #expect(v.strategy == "Win the first week")
        #expect(v.northStar?.baseline == 800)
        #expect(v.northStar?.target == 2000)
        #expect(v.northStar?.name == "Weekly active teams")
    }

    @Test func theSameNorthStarFieldChangedTwiceIsAConflictNamedByItsPath() throws {
        let ours = Self.base.replacingOccurrences(of: "unit: teams", with: "unit: workspaces")
        let theirs = Self.base.replacingOccurrences(of: "unit: teams", with: "unit: accounts")
        let (_, conflicts) = try merge(ours, theirs)
        #expect(conflicts.map(\.field) == ["north_star.unit"])
    }

    func problems(_ text: String) throws -> [Diagnostic] {
        let doc = try MarkdownDocument.parse(text)
        return VisionValidator(config: RepoConfig(), today: Today.date).validate(doc, path: "VISION.md")
    }

    @Test func aCleanVisionHasNoFinding() throws {
        #expect(try problems(Self.base).isEmpty)
    }

    @Test func wrongNorthStarFieldsAreErrorsWithTheirLines() throws {
        let text = Self.base.replacingOccurrences(of: "  unit: teams\n", with: "  unit: teams\n  target: lots\n  framework: vanity\n  owner: Ana\n")
            .replacingOccurrences(of: "value: 1000}", with: "value: 1000}\n  - {id: c1, on: 2999-01-01, by: Ben, value: x}")
        let found = try problems(text)
        let byField = Dictionary(found.map { ($0.field ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byField["north_star.target"]?.line == 8, "\(found.map(\.formatted))")
        #expect(byField["north_star.framework"]?.message.contains("happiness") == true)
        #expect(byField["north_star.owner"] != nil)
        #expect(byField["checkins[1].id"]?.message.contains("used twice") == true)
        #expect(byField["checkins[1].on"]?.message.contains("after today") == true)
        #expect(byField["checkins[1].value"] != nil)
        #expect(found.allSatisfy { $0.severity == .error })
    }

    @Test func checkinsWithoutANorthStarAreAnError() throws {
        let text = Self.base.replacingOccurrences(of: "north_star:\n  name: Weekly active teams\n  unit: teams\n", with: "")
        #expect(try problems(text).map(\.field) == ["checkins"])
    }

    @Test func initsPlaceholdersAreWarnings() throws {
        let text = """
            ---
            product: Acme
            vision: Say in one sentence the change Acme makes for the people it serves.
            strategy: "Say in one line how Acme gets there: the bets that come first."
            ---
            # Product vision

            Who the product is for, what it changes for them, and why it matters. The Product Goals in
            goals/ are the steps toward it.

            """
        let doc = try MarkdownDocument.parse(text)
        let found = VisionValidator(config: RepoConfig(), today: Today.date).validate(doc, path: "VISION.md", bodyLine: 6)
        #expect(found.map(\.field) == ["vision", "strategy", "body"])
        #expect(found.map(\.line) == [3, 4, 8])
        #expect(found.allSatisfy { $0.severity == .warning && $0.code == "placeholder" })
        let off = try RepoConfig.parse("lint: {placeholder: off}\n")
        #expect(VisionValidator(config: off, today: Today.date).validate(doc, path: "VISION.md").isEmpty)
    }

    @Test func frameworkCategoriesBelongToTheirFrameworks() {
        #expect(MetricFramework.categories(of: "HEART").map(\.rawValue) == ["happiness", "engagement", "adoption", "retention", "task_success"])
        #expect(MetricFramework.categories(of: "aarrr").map(\.rawValue) == ["acquisition", "activation", "retention", "referral", "revenue"])
        #expect(MetricFramework.categories(of: "ebm").map(\.rawValue) == ["current_value", "unrealized_value", "time_to_market", "ability_to_innovate"])
        #expect(MetricFramework.retention.families == ["HEART", "AARRR"])
        #expect(Set(MetricFramework.allCases) == Set(["heart", "aarrr", "ebm"].flatMap(MetricFramework.categories(of:))))
    }

    @Test func everyTemplateAsksTheLensQuestions() {
        for t in GoalTemplate.allCases {
            let body = t.body(id: "g")
            for q in ["# Who it is for", "# The problem", "# Proof", "# Why it matters", "# Assumptions", "# How we will measure it", "# How it moves the North Star"] {
                #expect(body.contains(q), "\(t.rawValue) lacks \(q)")
            }
        }
    }
}
