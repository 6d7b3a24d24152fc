import Foundation
import GoalSyncGit

/// The reports: `goalsync report` (every goal's progress, ``ProgressReport``; as HTML with the
/// active goal's history, ``HTMLReport``) and `goalsync status` (``StatusReport``).
package struct Reporter: RepositoryService {
    package let repository: GoalRepository

    package init(_ repository: GoalRepository) { self.repository = repository }

    /// Every goal's progress as of ``today``.
    package func progressReport() -> ProgressReport {
        let (goals, problems) = repository.loadAllGoals()
        func rank(_ g: Goal) -> Int { g.status.flatMap { ProgressReport.statusOrder.firstIndex(of: $0) } ?? ProgressReport.statusOrder.count }
        let sorted = goals.sorted { (rank($0), $0.order ?? Int.max, $0.id ?? "") < (rank($1), $1.order ?? Int.max, $1.id ?? "") }
        var vision: MarkdownDocument?
        var allProblems = problems
        if let bytes = try? FileSystem.readRegularFile(absolute(GoalPaths.vision)) {
            do {
                vision = try MarkdownDocument.parse(bytes)
            } catch {
                allProblems.append(Diagnostic(file: GoalPaths.vision, line: error.line, field: nil, severity: .error, code: "error", message: error.message))
            }
        }
        return ProgressReport(
            today: today, product: vision?.frontMatter["product"]?.scalarText ?? config.product, vision: vision,
            goals: sorted.map { GoalReport(goal: $0, today: today, cadenceDays: config.cadenceDays) }, problems: allProblems)
    }

    /// `goalsync status`: the branch and how far it is from its upstream, the active goal and its
    /// progress, how many goals of each status, unreadable files, a pull in progress.
    package func statusReport() throws -> StatusReport {
        var (files, problems) = repository.loadAllGoalFiles()
        var mergeState = try MergeState.load(gitDir: git.gitDir)
        if let state = mergeState, try repository.isFinishedByGit(state) { mergeState = nil }
        if mergeState == nil, let adoption = try? Syncer(repository).planGitMergeAdoption() {
            // A merge plain git stopped: shown as goalsync would take it over, the files git left in
            // conflict as goalsync merges them (ours where a field conflicts) instead of unreadable.
            mergeState = adoption.state
            let replaced = Swift.Set(adoption.updates.map(\.path))
            problems.removeAll { replaced.contains($0.file) }
            files.removeAll { replaced.contains($0.path) }
            for (path, bytes) in adoption.contents.sorted(by: { $0.key < $1.key }) where GoalPaths.isGoalFile(path) {
                if let doc = try? MarkdownDocument.parse(bytes) { files.append((path: path, goal: Goal(document: doc))) }
            }
        }
        let goals = files.map(\.goal)
        // While two goals activated concurrently wait for `resolve --active`, the work tree holds
        // both: show the one this clone activated (HEAD's side), the other is in active_conflict.
        let actives = goals.filter { $0.status == .active }
        var active = actives.first
        if actives.count > 1, let head = try git.headTree() {
            let headActive = try repository.activeGoals(repository.treeFiles(head.id))
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

    /// The HTML report: progress, and for the active goal its history and contributors.
    package func htmlReport() throws -> String {
        let report = progressReport()
        let history = try activeGoalHistory(report)
        return HTMLReport(report: report, timeline: history.timeline, contributors: history.contributors, isShallow: history.isShallow).render()
    }

    /// How the report's active goal was co-created: its log (newest first), who took part, and
    /// whether the history is cut by a shallow clone. Empty without an active goal.
    package func activeGoalHistory(_ report: ProgressReport) throws -> (timeline: [GoalLogEntry], contributors: GoalContributors?, isShallow: Bool) {
        guard let id = report.active?.id, GoalID.isValid(id) else { return ([], nil, false) }
        let log = try Auditor(repository).log(id: id)
        return (log.entries, GoalContributors.count(log.entries).first { $0.goal == id }, log.isShallow)
    }
}
