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

extension GoalRepository {
    /// The pull in progress, or an error saying there is none.
    func requireMergeState() throws -> MergeState {
        guard let state = try MergeState.load(gitDir: git.gitDir) else {
            if git.isMerging {
                throw GoalSyncError.repository("a merge started by plain git is in progress; finish it with git (git merge --continue or git merge --abort)")
            }
            throw GoalSyncError.usage("there is no pull in progress; nothing to resolve")
        }
        return state
    }

    /// `goalsync resolve ID FIELD --ours|--theirs|--base|--value V`: settles one conflict in the
    /// work tree and the index.
    package func resolve(goal: String, field: String, with resolution: Resolution) throws {
        let lock = try RepositoryLock(gitDir: git.gitDir)
        defer { lock.release() }
        var state = try requireMergeState()
        guard let i = state.conflicts.firstIndex(where: { ($0.goal == goal || $0.path == goal) && $0.field == field }) else {
            let pending = state.pending.map { "\($0.goal ?? $0.path) \($0.field)" }
            throw GoalSyncError.usage("no conflict on \(field) of \(goal)\(pending.isEmpty ? "; none is pending" : "; pending: \(pending.joined(separator: ", "))")")
        }
        try settle(state.conflicts[i], with: resolution)
        state.conflicts[i].resolution = resolution.name
        try state.save(gitDir: git.gitDir)
    }

    /// `goalsync resolve --all --ours|--theirs`: every pending conflict, and the one-active conflict
    /// in favour of the goal active on that side.
    package func resolveAll(with resolution: Resolution) throws -> Int {
        guard resolution == .ours || resolution == .theirs else { throw GoalSyncError.usage("--all takes --ours or --theirs") }
        var state: MergeState
        var count = 0
        do {
            let lock = try RepositoryLock(gitDir: git.gitDir)
            defer { lock.release() }
            state = try requireMergeState()
            for i in state.conflicts.indices where state.conflicts[i].resolution == nil {
                try settle(state.conflicts[i], with: resolution)
                state.conflicts[i].resolution = resolution.name
                count += 1
            }
            try state.save(gitDir: git.gitDir)
        }
        if let active = state.active, active.resolution == nil {
            let side = ObjectID(hex: resolution == .ours ? state.ours : state.theirs)!
            let winners = try activeGoals(try treeFiles(try git.commit(side).treeID)).filter(active.goals.contains)
            if let keep = winners.first ?? active.goals.first {
                try resolveActive(keep)
                count += 1
            }
        }
        return count
    }

    /// `goalsync resolve --active ID`: ID stays the active goal; the other goals activated
    /// concurrently go back to the status they had at the merge base.
    package func resolveActive(_ id: String) throws {
        let lock = try RepositoryLock(gitDir: git.gitDir)
        defer { lock.release() }
        var state = try requireMergeState()
        guard var active = state.active else { throw GoalSyncError.usage("no one-active conflict is pending") }
        guard active.goals.contains(id) else {
            throw GoalSyncError.usage("\(id) is not one of the goals activated concurrently (\(active.goals.joined(separator: ", ")))")
        }
        var updates = [TreeMerge.Update]()
        for other in active.goals where other != id {
            var goal = try loadGoal(other)
            var restored = active.baseStatus[other] ?? GoalStatus.proposed.rawValue
            if restored == GoalStatus.active.rawValue { restored = GoalStatus.proposed.rawValue }
            goal["status"] = .string(restored)
            let path = GoalPaths.path(forID: other)
            updates.append(TreeMerge.Update(path: path, blob: try git.writeBlob(Array(goal.text.utf8)), executable: false))
            if !state.touched.contains(path) { state.touched.append(path) }
        }
        try applyToWorkTree(try checkedPlan(updates))
        active.resolution = id
        state.active = active
        try state.save(gitDir: git.gitDir)
    }

    /// `updates` (paths from the pull state) checked as any plan is, before they are written.
    private func checkedPlan(_ updates: [TreeMerge.Update]) throws -> WorkTreePlan {
        do {
            return try TreePathCheck.plan(updates, workTree: root)
        } catch let refusal as TreePathCheck.Refusal {
            throw refused(refusal, what: "the pull state in .git/goalsync", advice: "the state is damaged: return to your commit with git reset --hard HEAD and remove \(MergeState.path(gitDir: git.gitDir))")
        }
    }

    private func settle(_ c: MergeState.Conflict, with resolution: Resolution) throws {
        if c.field.hasPrefix("(") {
            let blob: String?
            switch resolution {
            case .ours: blob = c.oursBlob
            case .theirs: blob = c.theirsBlob
            case .base: blob = c.baseBlob
            case .value: throw GoalSyncError.usage("a whole-file conflict is settled with --ours, --theirs or --base (or by editing \(c.path))")
            }
            let oid = blob.flatMap(ObjectID.init(hex:))
            try applyToWorkTree(try checkedPlan([TreeMerge.Update(path: c.path, blob: oid, executable: false)]))
            return
        }
        var doc: MarkdownDocument
        do {
            doc = try MarkdownDocument.parse(try FileSystem.readRegularFile(absolute(c.path)))
        } catch {
            throw GoalSyncError.unreadableGoal(path: c.path, line: nil, message: "cannot read the merged file to settle \(c.field): \(error)")
        }
        switch resolution {
        case .ours: ConflictValue.apply(c.ours, field: c.field, to: &doc)
        case .theirs: ConflictValue.apply(c.theirs, field: c.field, to: &doc)
        case .base: ConflictValue.apply(c.base, field: c.field, to: &doc)
        case .value(let text):
            if c.field == "body" {
                doc.body = text
            } else {
                let parts = ConflictValue.components(c.field)
                let kind: FieldKind?
                if parts.count == 3, FieldDiff.keyedLists[parts[0]] != nil {
                    kind = FieldSchema.itemFields(of: parts[0])[parts[2]]
                } else if parts.count == 2, case .map(let fields)? = FieldSchema.goalFields[parts[0]] {
                    kind = fields[parts[1]]
                } else if parts.count == 1 {
                    kind = FieldSchema.goalFields[parts[0]]
                } else {
                    kind = nil
                }
                let value: YAMLValue?
                if case .keyedList? = FieldSchema.goalFields[parts[0]], parts.count == 2 {
                    value = .map(try FieldSchema.flowMapping(text, what: c.field))
                } else if case .textList? = kind {
                    value = ConflictValue.parse(text, field: c.field)
                } else {
                    value = text.isEmpty ? nil : try FieldSchema.value(text, kind: kind, field: c.field)
                }
                ConflictValue.set(value, at: parts, in: &doc.frontMatter)
            }
        }
        let keyOrder = GoalPaths.isGoalFile(c.path) ? YAMLWriter.goalKeyOrder : []
        let blob = try git.writeBlob(Array(YAMLWriter.document(doc, keyOrder: keyOrder).utf8))
        try applyToWorkTree(try checkedPlan([TreeMerge.Update(path: c.path, blob: blob, executable: false)]))
    }

    /// `goalsync pull --continue`: commits the settled merge with both parents.
    package func continueMerge(noVerify: Bool) throws -> String {
        let lock = try RepositoryLock(gitDir: git.gitDir)
        defer { lock.release() }
        let state = try requireMergeState()
        guard state.isSettled else {
            var lines = state.pending.map { "\($0.goal ?? $0.path) \($0.field)" }
            if let a = state.active, a.resolution == nil { lines.append("one active goal among \(a.goals.joined(separator: ", ")) (goalsync resolve --active ID)") }
            throw GoalSyncError.rule("\(lines.count) conflict\(lines.count == 1 ? "" : "s") still pending: \(lines.joined(separator: "; ")); settle them with goalsync resolve (goalsync status lists them)")
        }
        guard let ours = ObjectID(hex: state.ours), let theirs = ObjectID(hex: state.theirs), let reference = try git.headReferenceName() else {
            throw GoalSyncError.repository("the pull state is damaged; run goalsync pull --abort")
        }
        guard try git.headID() == ours else {
            throw GoalSyncError.repository("the branch moved since the pull started; run goalsync pull --abort, then pull again")
        }
        let index = try git.index()
        let tree = try index.writeTree()
        let diagnostics = try validate(tree: try treeFiles(tree), ignoreMergeState: true).filter { $0.severity == .error }
        guard diagnostics.isEmpty else { throw GoalSyncError.validationFailed(diagnostics) }
        if !noVerify { try runPreCommitHooks() }
        let (author, committer) = try identity()
        var message = (try? String(contentsOfFile: git.gitDir + "MERGE_MSG", encoding: .utf8)) ?? "merge: \(state.source)\n"
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

    /// `goalsync pull --abort`: back exactly to before the pull.
    package func abortMerge() throws {
        let lock = try RepositoryLock(gitDir: git.gitDir)
        defer { lock.release() }
        let state = try requireMergeState()
        guard let ours = ObjectID(hex: state.ours) else { throw GoalSyncError.repository("the pull state is damaged; restore with git reset --hard HEAD") }
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
    }

    func clearMergeFiles() {
        for name in ["MERGE_HEAD", "MERGE_MSG", "MERGE_MODE"] { FileSystem.remove(git.gitDir + name) }
        MergeState.remove(gitDir: git.gitDir)
    }
}
