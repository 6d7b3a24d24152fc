import GoalSyncGit

/// The audit of SPEC §7, read from the history of HEAD: `log`, `blame`, `contributors`, and the
/// history look of the `co-created` lint (``historyAuthorsBesidesOwners(_:)``).
package struct Auditor: RepositoryService {
    package let repository: GoalRepository

    package init(_ repository: GoalRepository) { self.repository = repository }
}

extension Auditor {
    /// A reader over HEAD's history (empty when there is no commit yet). `allGoals`: the reader
    /// will show most commits, so the walk keeps their authors.
    package func historyReader(allGoals: Bool = false) throws -> GoalHistoryReader {
        // The walk reads every commit before the reader (which keeps these off while it lives) exists.
        GitOptions.setCaching(false)
        do {
            return GoalHistoryReader(git: git, history: try History.load(git, details: allGoals))
        } catch {
            // No reader to turn them back on when it goes away.
            GitOptions.setCaching(true)
            throw error
        }
    }

    /// `goalsync log [ID]`: who changed which field of the goal (or of every goal), commit by
    /// commit, newest first; `since` and `author` (a case-insensitive part of `Name <email>`) filter.
    package func log(id: String?, since: SimpleDate? = nil, author: String? = nil) throws -> GoalLog {
        let reader = try historyReader(allGoals: id == nil)
        var entries: [GoalLogEntry]
        if let id {
            entries = try reader.log(path: try repository.path(forID: id))
            try requireKnown(id, reader: reader, found: !entries.isEmpty)
        } else {
            entries = try reader.logAll()
        }
        if let since { entries.removeAll { $0.commit.author.date < since } }
        if let author, !author.isEmpty {
            let needle = author.lowercased()
            entries.removeAll { !$0.commit.author.person.lowercased().contains(needle) }
        }
        return GoalLog(goal: id, entries: entries, commitCount: reader.history.commits.count, boundary: reader.history.boundary.map(\.hex))
    }

    /// `goalsync blame ID`.
    package func blame(id: String) throws -> GoalBlame {
        let path = try repository.path(forID: id)
        let reader = try historyReader()
        guard !reader.history.commits.isEmpty else {
            throw GoalSyncError.usage("the repository has no commits yet, so there is nothing to blame; commit goals/\(id).md first")
        }
        guard let entry = try reader.entryID(0, path) else {
            // A goal deleted or renamed away is still known to the history.
            try requireKnown(id, reader: reader, found: !(try reader.log(path: path)).isEmpty)
            throw GoalSyncError.usage("goal \(id) is not in HEAD (it was deleted, or is not committed yet); see goalsync log \(id)")
        }
        if case .unparsable(let reason) = reader.version(entry) {
            throw GoalSyncError.unreadableGoal(path: path, line: nil, message: "in HEAD the file did not parse (\(reason)); fix it, commit, and blame again")
        }
        let lines = try reader.blame(path: path) ?? []
        return GoalBlame(goal: id, path: path, head: reader.history.commits[0].id.hex, lines: lines, isShallow: reader.history.isShallow)
    }

    /// `goalsync contributors [ID]`: one pass over the history for all goals, or the log of one.
    package func contributors(id: String?) throws -> (goals: [GoalContributors], log: GoalLog) {
        let log = try log(id: id)
        var goals = GoalContributors.count(log.entries)
        if let id, goals.isEmpty { goals = [GoalContributors(goal: id, title: nil, people: [])] }
        return (goals, log)
    }

    /// Throws `unknownGoal` when goal `id` is neither in the history nor in the working tree.
    private func requireKnown(_ id: String, reader: GoalHistoryReader, found: Bool) throws {
        guard !found, !reader.history.commits.isEmpty else { return }
        let path = GoalPaths.path(forID: id)
        if FileSystem.exists(absolute(path)) { return }
        throw GoalSyncError.unknownGoal(id, known: repository.workingGoalPaths())
    }
}
