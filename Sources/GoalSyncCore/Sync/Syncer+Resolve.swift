import Foundation
import GoalSyncGit

/// How to settle a conflict.
package enum Resolution: Sendable, Equatable {
    case ours, theirs, base
    case value(String)

    var name: String {
        switch self {
        case .ours: return "ours"
        case .theirs: return "theirs"
        case .base: return "base"
        case .value: return "value"
        }
    }
}

extension Syncer {
    /// `goalsync resolve ID FIELD --ours|--theirs|--base|--value V`: settles one conflict in the
    /// work tree and the index. The goal it would write is validated first: when the field alone
    /// would break a rule that ties it to others (status and closed, a metric's direction and its
    /// numbers, the timeframe's dates), a side's choice takes those fields from the same side;
    /// when that is not enough, nothing is written and the error says what to settle together.
    /// Returns one line per field that moved along with the one settled.
    @discardableResult
    package func resolve(goal: String, field: String, with resolution: Resolution) throws -> [String] {
        let lock = try repository.lockRepository()
        defer { lock.release() }
        var state = try requireMergeStateAdopting()
        guard let i = state.conflicts.firstIndex(where: { ($0.goal == goal || $0.path == goal) && $0.field == field }) else {
            let pending = state.pending.map { "\($0.goal ?? $0.path) \($0.field)" }
            throw GoalSyncError.usage("no conflict on \(field) of \(goal)\(pending.isEmpty ? "; none is pending" : "; pending: \(pending.joined(separator: ", "))")")
        }
        var plan = Settlement()
        try plan.settle(i, with: resolution, in: state, repository: self)
        try plan.check(repository: self)
        try plan.write(repository: self, state: &state)
        try state.save(gitDir: git.gitDir)
        return plan.notes
    }

    /// `goalsync resolve --all --ours|--theirs`: every pending conflict, and the one-active conflict
    /// in favour of the goal active on that side. Planned and validated in full before anything
    /// is written. Returns how many were settled, and one line per field that moved along.
    package func resolveAll(with resolution: Resolution) throws -> (count: Int, notes: [String]) {
        guard resolution == .ours || resolution == .theirs else { throw GoalSyncError.usage("--all takes --ours or --theirs") }
        var state: MergeState
        var count = 0
        var notes = [String]()
        do {
            let lock = try repository.lockRepository()
            defer { lock.release() }
            state = try requireMergeStateAdopting()
            var plan = Settlement()
            for i in state.conflicts.indices where state.conflicts[i].resolution == nil && plan.settled[i] == nil {
                try plan.settle(i, with: resolution, in: state, repository: self)
            }
            try plan.check(repository: self)
            count = plan.settled.count
            notes = plan.notes
            try plan.write(repository: self, state: &state)
            try state.save(gitDir: git.gitDir)
        }
        if let active = state.active, active.resolution == nil, let side = ObjectID(hex: resolution == .ours ? state.ours : state.theirs) {
            let winners = try repository.activeGoals(try repository.treeFiles(try git.commit(side).treeID)).filter(active.goals.contains)
            if let keep = winners.first ?? active.goals.first {
                try resolveActive(keep)
                count += 1
            }
        }
        return (count, notes)
    }

    /// `goalsync resolve --active ID`: ID stays the active goal; the other goals activated
    /// concurrently go back to the status they had at the merge base (proposed when that would
    /// break a rule, and refused with what to do when even that would).
    package func resolveActive(_ id: String) throws {
        let lock = try repository.lockRepository()
        defer { lock.release() }
        var state = try requireMergeStateAdopting()
        guard var active = state.active else { throw GoalSyncError.usage("no one-active conflict is pending") }
        guard active.goals.contains(id) else {
            throw GoalSyncError.usage("\(id) is not one of the goals activated concurrently (\(active.goals.joined(separator: ", ")))")
        }
        var updates = [TreeMerge.Update]()
        for other in active.goals where other != id {
            let goal = try repository.loadGoal(other)
            let path = GoalPaths.path(forID: other)
            var restored = active.baseStatus[other] ?? GoalStatus.proposed.rawValue
            if restored == GoalStatus.active.rawValue { restored = GoalStatus.proposed.rawValue }
            let before = ruleErrors(goal.document, path: path)
            var candidate = goal
            for status in [restored, GoalStatus.proposed.rawValue] {
                candidate = goal
                candidate["status"] = .string(status)
                if ruleErrors(candidate.document, path: path).subtracting(before).isEmpty { break }
            }
            if let error = ruleErrors(candidate.document, path: path).subtracting(before).sorted().first {
                throw GoalSyncError.rule("keeping \(id) active sets \(other) back to \(candidate.status?.rawValue ?? restored), which would leave \(path) invalid (\(error)); nothing was changed. Edit \(path) so it is valid with status proposed, then run goalsync resolve --active \(id) again; or goalsync pull --abort returns to before the pull")
            }
            updates.append(TreeMerge.Update(path: path, blob: try git.writeBlob(Array(candidate.text.utf8)), executable: false))
            if !state.touched.contains(path) { state.touched.append(path) }
        }
        try applyToWorkTree(try checkedPlan(updates))
        active.resolution = id
        state.active = active
        try state.save(gitDir: git.gitDir)
    }

    /// The rule errors of one goal document (none for other files).
    func ruleDiagnostics(_ doc: MarkdownDocument, path: String) -> [Diagnostic] {
        guard GoalPaths.isGoalFile(path) else { return [] }
        return repository.validator.validate(Goal(document: doc), path: path).filter { $0.severity == .error }
    }

    /// The rule errors of one goal document as `field: message`, to tell which a change adds.
    func ruleErrors(_ doc: MarkdownDocument, path: String) -> Swift.Set<String> {
        Swift.Set(ruleDiagnostics(doc, path: path).map(\.fieldAndMessage))
    }

    /// `updates` (paths from the pull state) checked as any plan is, before they are written.
    func checkedPlan(_ updates: [TreeMerge.Update]) throws -> WorkTreePlan {
        do {
            return try TreePathCheck.plan(updates, workTree: root)
        } catch let refusal as TreePathCheck.Refusal {
            throw refused(refusal, what: "the pull state in .git/goalsync", advice: "the state is damaged: return to your commit with git reset --hard HEAD and remove \(MergeState.path(gitDir: git.gitDir))")
        }
    }

    /// `goalsync pull --continue`: commits the settled merge with both parents.
    package func continueMerge(noVerify: Bool) throws -> String {
        let lock = try repository.lockRepository()
        defer { lock.release() }
        let state = try requireMergeStateAdopting()
        guard state.isSettled else {
            var lines = state.pending.map { "\($0.goal ?? $0.path) \($0.field)" }
            if let a = state.active, a.resolution == nil { lines.append("one active goal among \(a.goals.joined(separator: ", ")) (goalsync resolve --active ID)") }
            throw GoalSyncError.rule("\(lines.count) conflict\(lines.count == 1 ? "" : "s") still pending: \(lines.joined(separator: "; ")); settle them with goalsync resolve (goalsync status lists them), or return to before the pull with goalsync pull --abort")
        }
        guard let ours = ObjectID(hex: state.ours), let theirs = ObjectID(hex: state.theirs), let reference = try git.headReferenceName() else {
            throw GoalSyncError.repository("the pull state is damaged; run goalsync pull --abort")
        }
        guard try git.headID() == ours else {
            throw GoalSyncError.repository("the branch moved since the pull stopped, so this merge can no longer be committed; run goalsync pull --abort (it clears the stopped pull and touches no file), then pull again")
        }
        let index = try git.index()
        let tree = try index.writeTree()
        let diagnostics = try RepositoryChecks(repository).validate(tree: try repository.treeFiles(tree), ignoreMergeState: true).filter { $0.severity == .error }
        guard diagnostics.isEmpty else { throw GoalSyncError.mergeBreaksRules(diagnostics) }
        if !noVerify { try GoalEditor(repository).runPreCommitHooks() }
        let (author, committer) = try repository.identity()
        var message = (try? String(contentsOfFile: git.gitDir + "MERGE_MSG", encoding: .utf8)) ?? "merge: \(state.source)\n"
        if state.startedBy == "git" {
            // git's MERGE_MSG ends with "# Conflicts:" lines that git commit would strip.
            message = message.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("#") }.joined(separator: "\n")
                .trimmingCharacters(in: .whitespacesAndNewlines) + "\n"
        }
        let settled = state.conflicts.map { "  \($0.goal ?? $0.path) \($0.field): \($0.resolution ?? "?")" }
        if !settled.isEmpty || state.active != nil {
            if let goalTrailers = message.range(of: "\nGoal-Id:") { message = String(message[..<goalTrailers.lowerBound]) + "\n" }
            message += "\nSettled by hand:\n" + settled.joined(separator: "\n") + "\n"
            if let a = state.active, let keep = a.resolution { message += "  active goal: \(keep) (of \(a.goals.joined(separator: ", ")))\n" }
            let goals = Array(Swift.Set(state.conflicts.compactMap(\.goal) + (state.active?.goals ?? []))).sorted()
            if !goals.isEmpty { message += "\n" + goals.map { "Goal-Id: \($0)" }.joined(separator: "\n") + "\n" }
        }
        let commit = try git.createCommit(tree: tree, parents: [ours, theirs], author: author, committer: committer, message: message, updateReference: reference)
        clearMergeFiles()
        return commit.hex
    }

    /// What `goalsync pull --abort` did.
    package enum AbortOutcome: Sendable, Equatable {
        /// Every path the pull wrote is back as HEAD has it: the repository is as before the pull.
        case restored
        /// The branch moved since the pull stopped (its merge was committed or undone with plain
        /// git): only the pull's state was cleared, no file was touched.
        case cleared
        /// The pull's state was damaged: the paths staged apart from HEAD whose files still held
        /// what was staged were put back as HEAD has them (`restored`); `kept` had other edits.
        case restoredWithoutState(restored: [String], kept: [String])
        /// A merge plain git stopped (not yet taken over by goalsync) was undone as `git merge
        /// --abort` does: `restored` as above; `kept` had edits besides what the merge staged.
        case undidGitMerge(restored: [String], kept: [String])
    }

    /// `goalsync pull --abort`: back exactly to before the pull. Always possible while a pull is
    /// stopped, even when its state file is damaged or the branch moved since.
    @discardableResult
    package func abortMerge() throws -> AbortOutcome {
        let lock = try repository.lockRepository()
        defer { lock.release() }
        if git.isMerging && !FileSystem.exists(MergeState.path(gitDir: git.gitDir)) {
            guard case .restoredWithoutState(let restored, let kept) = try abortWithoutState() else { return .cleared }
            return .undidGitMerge(restored: restored, kept: kept)
        }
        let state: MergeState
        do {
            state = try repository.requireMergeState()
        } catch GoalSyncError.repository where FileSystem.exists(MergeState.path(gitDir: git.gitDir)) {
            return try abortWithoutState()  // damaged
        }
        guard let ours = ObjectID(hex: state.ours), (try? git.commit(ours)) != nil else { return try abortWithoutState() }
        guard try git.headID() == ours else {
            clearMergeFiles()
            return .cleared
        }
        let tree = try git.tree(try git.commit(ours).treeID)
        var updates = [TreeMerge.Update]()
        for path in Swift.Set(state.touched + state.conflicts.map(\.path)).sorted() {
            let e = try tree.entry(at: path)
            // goalsync never writes a symbolic link or a submodule: one of HEAD's is left as it is.
            if let e, !e.isBlob { continue }
            updates.append(TreeMerge.Update(path: path, blob: e?.id, executable: e?.isExecutable ?? false))
        }
        try applyToWorkTree(try checkedPlan(updates))
        clearMergeFiles()
        return .restored
    }

    /// `pull --abort` when the pull's state cannot be read, as `git reset --merge` does: each path
    /// whose index entry differs from HEAD, and whose file still holds what is staged (what the
    /// pull wrote), goes back to HEAD's version; a path with other edits is kept and named.
    private func abortWithoutState() throws -> AbortOutcome {
        let head = try git.headTree()
        let index = try git.index()
        var updates = [TreeMerge.Update](), kept = [String]()
        var seen = Swift.Set<String>()
        // Each path once: a conflict's stages (1 to 3) go back to HEAD's version as one.
        for entry in index.entries where entry.stage == 0 || seen.insert(entry.path).inserted {
            let committed = try head?.entry(at: entry.path)
            if committed?.id == entry.id && entry.stage == 0 { continue }
            // goalsync never writes a symbolic link or a submodule: one of HEAD's is left as it is.
            if let committed, !committed.isBlob { continue }
            let file = try? FileSystem.readRegularFile(absolute(entry.path), limit: Int.max)
            if entry.stage == 0, file != (try? git.blobData(entry.id)) {
                kept.append(entry.path)
                continue
            }
            updates.append(TreeMerge.Update(path: entry.path, blob: committed?.id, executable: committed?.isExecutable ?? false))
        }
        if let head {
            // Paths HEAD has that the index lost (a deletion the pull staged).
            let staged = Swift.Set(index.entries.map(\.path))
            for file in try repository.treeFiles(head.id) where !staged.contains(file.path) {
                if let hex = file.blob, let id = ObjectID(hex: hex) { updates.append(TreeMerge.Update(path: file.path, blob: id, executable: false)) }
            }
        }
        try applyToWorkTree(try checkedPlan(updates))
        clearMergeFiles()
        return .restoredWithoutState(restored: Array(Swift.Set(updates.map(\.path))).sorted(), kept: kept.sorted())
    }

    func clearMergeFiles() {
        for name in ["MERGE_HEAD", "MERGE_MSG", "MERGE_MODE", "AUTO_MERGE"] { FileSystem.remove(git.gitDir + name) }
        MergeState.remove(gitDir: git.gitDir)
    }
}
