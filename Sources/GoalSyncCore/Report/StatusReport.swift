import GoalSyncGit

/// `goalsync status`: the active goal and its progress, the branch against its upstream.
package struct StatusReport: Sendable {
    package var branch: String?
    package var upstream: String?
    package var ahead: Int?
    package var behind: Int?
    package var active: Goal?
    /// Every goal whose status is active, by the id its file name gives; more than one breaks the
    /// one-active rule (a pull can bring that), and each is named so the team can keep one.
    package var activeGoals: [String]
    package var progress: GoalProgress?
    package var counts: [(status: String, count: Int)]
    package var problems: [Diagnostic]
    package var merging: Bool
    /// The pull in progress, with its conflicts.
    package var mergeState: MergeState?

    package var json: JSONValue {
        var activeJSON = JSONValue.null
        if let active, let progress {
            activeJSON = .object([
                ("id", .optional(active.id)), ("title", .optional(active.title)),
                ("timeframe", .object([("start", .optional(active.timeframeStart?.description)), ("end", .optional(active.timeframeEnd?.description))])),
                ("progress", .optional(progress.overall)), ("metrics", .array(progress.metrics.map(\.json))),
            ])
        }
        return .object([
            ("branch", .optional(branch)), ("upstream", .optional(upstream)), ("ahead", .optional(ahead)), ("behind", .optional(behind)),
            ("merging", .bool(merging)),
            ("conflicts", .array((mergeState?.conflicts ?? []).map { c in
                .object([
                    ("goal", .optional(c.goal)), ("path", .string(c.path)), ("field", .string(c.field)),
                    ("base", .yamlValue(c.base)), ("ours", .yamlValue(c.ours)), ("theirs", .yamlValue(c.theirs)),
                    ("ours_by", .personAndDay(c.oursBy)), ("theirs_by", .personAndDay(c.theirsBy)), ("resolution", .optional(c.resolution)),
                ])
            })),
            ("active_conflict", mergeState?.active.map { a in
                .object([("goals", .array(a.goals.map(JSONValue.string))), ("resolution", .optional(a.resolution))])
            } ?? .null),
            ("active", activeJSON),
            ("active_goals", .array(activeGoals.map(JSONValue.string))),
            ("goals", .object(counts.map { ($0.status, .number(Double($0.count))) })),
            ("unreadable", .array(problems.map(\.json))),
        ])
    }
}

extension GoalRepository {
    package func statusReport() throws -> StatusReport {
        let (files, problems) = loadAllGoalFiles()
        let goals = files.map(\.goal)
        let mergeState = try MergeState.load(gitDir: git.gitDir)
        // While two goals activated concurrently wait for `resolve --active`, the work tree holds
        // both: show the one this clone activated (HEAD's side), the other is in active_conflict.
        let actives = goals.filter { $0.status == .active }
        var active = actives.first
        if actives.count > 1, let head = try git.headTree() {
            let headActive = try activeGoals(treeFiles(head.id))
            active = actives.first { $0.id.map(headActive.contains) == true } ?? active
        }
        var counts = [(String, Int)]()
        for s in GoalStatus.allCases {
            let n = goals.filter { $0.status == s }.count
            if n > 0 { counts.append((s.rawValue, n)) }
        }
        var report = StatusReport(
            branch: nil, upstream: nil, ahead: nil, behind: nil, active: active,
            activeGoals: files.filter { $0.goal.status == .active }.compactMap { GoalPaths.id(fromPath: $0.path) }.sorted(),
            progress: active.map(GoalProgress.init(goal:)), counts: counts, problems: problems, merging: git.isMerging,
            mergeState: mergeState)
        if let ref = try git.headReferenceName() {
            report.branch = ref.replacingOccurrences(of: "refs/heads/", with: "")
            if let upstream = try git.upstreamName(ofBranch: ref) {
                report.upstream = upstream.replacingOccurrences(of: "refs/remotes/", with: "")
                if let local = try git.headID(), let remote = try git.referenceID(upstream) {
                    let (a, b) = try git.aheadBehind(local: local, upstream: remote)
                    report.ahead = a
                    report.behind = b
                }
            }
        }
        return report
    }
}
