import Foundation
import GoalSyncGit

/// What bringing another commit into the current branch did.
package enum IntegrateOutcome: Sendable {
    case upToDate
    /// `problems`: the errors of the files the fast-forward brought (bad UTF-8, duplicate ids, two
    /// active goals, schema errors): the branch moved, and every commit is refused until they are fixed.
    case fastForward(to: String, files: Int, problems: [Diagnostic])
    case merged(commit: String, mergedFiles: [String])
    case conflicts(MergeState)
}

extension Syncer {
    /// Brings commit `theirs` into the current branch (SPEC §6): nothing when it is already there,
    /// a fast-forward when possible (no repository.identity needed), else the per-goal, per-field merge, which
    /// commits with both parents or stops before committing with the conflicts recorded.
    /// `headSkim`: HEAD's goals skimmed while the pull fetched, for the validation of a merge.
    package func integrate(theirs theirsID: ObjectID, source: String, headSkim: HeadGoalSkim? = nil) throws -> IntegrateOutcome {
        let lock = try repository.lockRepository()
        defer { lock.release() }
        try recoverInterruptedPull()
        try repository.refuseWhileMerging()
        guard let reference = try git.headReferenceName() else {
            throw GoalSyncError.repository("HEAD is detached; check out a branch (git switch main) before pulling")
        }
        let head = try git.headID()
        if let head, try head == theirsID || git.isAncestor(theirsID, of: head) { return .upToDate }
        let theirsTree = try git.commit(theirsID).treeID
        let what = "\(source) (commit \(theirsID.short))"
        guard let head else {
            let (_, plan) = try checkedMerge(base: nil, ours: try git.emptyTreeID(), theirs: theirsTree, current: nil, what: what)
            try checkClean(paths: plan.updates.map(\.path), oursTree: nil)
            let problems = try problemsBrought(by: theirsTree, headSkim: headSkim)
            try finish(reference: reference, old: nil, new: theirsID, plan: plan)
            return .fastForward(to: theirsID.hex, files: plan.updates.count, problems: problems)
        }
        let oursTree = try git.commit(head).treeID
        if try git.isAncestor(head, of: theirsID) {
            let (_, plan) = try checkedMerge(base: oursTree, ours: oursTree, theirs: theirsTree, current: oursTree, what: what)
            try checkClean(paths: plan.updates.map(\.path), oursTree: oursTree)
            let problems = try problemsBrought(by: theirsTree, headSkim: headSkim)
            try finish(reference: reference, old: head, new: theirsID, plan: plan)
            return .fastForward(to: theirsID.hex, files: plan.updates.count, problems: problems)
        }
        // The merge base, virtual when criss-cross merges left several (see VirtualBase).
        let base = try VirtualBase.of(LibGit2ObjectStore(git), ours: head, theirs: theirsID)
        let baseTree = base.tree
        let (tm, plan) = try checkedMerge(base: baseTree, ours: oursTree, theirs: theirsTree, current: oursTree, what: what)
        try checkClean(paths: plan.updates.map(\.path) + tm.conflicts.map(\.path), oursTree: oursTree)
        let resultTree = try git.tree(updating: oursTree, with: plan.updates.map(\.treeUpdate))
        let files = try repository.treeFiles(resultTree)
        let validation = try RepositoryChecks(repository).validate(tree: files, ignoreMergeState: false, skimUnchanged: true, headSkim: headSkim?.finish() ?? [:])
        let diagnostics = validation.diagnostics.filter { $0.severity == .error }
        let active = try repository.activeGoals(files, summary: validation.summary)
        let branch = reference.replacingOccurrences(of: "refs/heads/", with: "")
        if tm.conflicts.isEmpty && active.count <= 1 && diagnostics.isEmpty {
            let (author, committer) = try repository.identity()
            let message = mergeMessage(source: source, branch: branch, merge: tm)
            let commit = try git.createCommit(tree: resultTree, parents: [head, theirsID], author: author, committer: committer, message: message, updateReference: nil)
            try finish(reference: reference, old: head, new: commit, plan: plan)
            return .merged(commit: commit.hex, mergedFiles: tm.mergedBothSides)
        }
        // Stop before committing: record the conflicts, then write the (valid) merged files.
        var state = MergeState(ours: head.hex, theirs: theirsID.hex, base: base.commits.first?.hex, source: source, touched: plan.updates.map { $0.path }, conflicts: [], active: nil, message: "")
        if base.isVirtual {
            state.bases = base.commits.map(\.hex)
            state.baseTree = baseTree?.hex
        }
        for file in tm.conflicts {
            let oursBy = try lastChange(of: file.path, from: head, since: base.commits)
            let theirsBy = try lastChange(of: file.path, from: theirsID, since: base.commits)
            for c in file.conflicts {
                state.conflicts.append(MergeState.Conflict(
                    path: file.path, goal: GoalPaths.id(fromPath: file.path), field: c.field, base: c.base, ours: c.ours, theirs: c.theirs,
                    oursBy: oursBy, theirsBy: theirsBy, baseBlob: file.base?.hex, oursBlob: file.ours?.hex, theirsBlob: file.theirs?.hex, resolution: nil))
            }
        }
        if active.count > 1 {
            var baseStatus = [String: String]()
            for id in active {
                if let baseTree, let entry = try git.tree(baseTree).entry(at: GoalPaths.path(forID: id)),
                    let doc = try? MarkdownDocument.parse(try git.blobData(entry.id)), let s = doc.frontMatter["status"]?.scalarText {
                    baseStatus[id] = s
                } else {
                    baseStatus[id] = GoalStatus.proposed.rawValue
                }
            }
            state.active = MergeState.ActiveConflict(goals: active, baseStatus: baseStatus, resolution: nil)
        }
        state.message = diagnostics.filter { !($0.field == "status" && $0.message.contains("goals are active")) }.map(\.formatted).joined(separator: "\n")
        try state.save(gitDir: git.gitDir)
        CrashPoint.hit("merge-after-state", environment: environment)
        try FileSystem.writeAtomically(Array((head.hex + "\n").utf8), to: git.gitDir + "ORIG_HEAD")
        try FileSystem.writeAtomically(Array(mergeMessage(source: source, branch: branch, merge: tm).utf8), to: git.gitDir + "MERGE_MSG")
        try applyToWorkTree(plan)
        CrashPoint.hit("merge-after-worktree", environment: environment)
        try FileSystem.writeAtomically(Array((theirsID.hex + "\n").utf8), to: git.gitDir + "MERGE_HEAD")
        return .conflicts(state)
    }

    /// Refuses when a path the merge writes has local changes (in the work tree or the index) that
    /// are not in `oursTree`: a pull never overwrites a person's uncommitted edit. As git does, a
    /// file whose stat data match its index entry (``Index/statMatches(at:_:indexTime:check:)``:
    /// same size, times and inode, not racily clean) is taken as unchanged without reading it; any
    /// other file is compared with the committed blob byte for byte (both read on the machine's
    /// cores).
    func checkClean(paths: [String], oursTree: ObjectID?) throws {
        let tree = try oursTree.map { try git.tree($0) }
        let index = try git.index()
        let config = try git.config()
        let statCheck = Index.StatCheck(trustCTime: try config.bool("core.trustctime") ?? true,
                                        minimal: try config.string("core.checkStat")?.lowercased() == "minimal")
        let indexTime = index.fileModificationTime
        // Each folder's entries read once: `tree.entry(at:)` would read and parse the whole `goals`
        // tree again for every path (libgit2 keeps no tree over 4 KB in its cache).
        var folders = [String: [String: Tree.Entry]]()
        func committedEntry(_ path: String) throws -> Tree.Entry? {
            guard let tree else { return nil }
            let slash = path.lastIndex(of: "/")
            let folder = slash.map { String(path[..<$0]) } ?? ""
            if folders[folder] == nil {
                let sub = folder.isEmpty ? tree : try tree.subtree(at: folder)
                folders[folder] = Dictionary((sub?.entries ?? []).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            }
            return folders[folder]?[slash.map { String(path[path.index(after: $0)...]) } ?? path]
        }
        var dirty = [String]()
        var compare = [(path: String, blob: ObjectID)]()
        for path in Swift.Set(paths).sorted() {
            let committed = try committedEntry(path)
            let staged = index.entry(at: path)
            if staged?.id != committed?.id { dirty.append(path); continue }
            guard let committed else {
                if (try? FileSystem.readRegularFile(absolute(path), limit: Int.max)) != nil { dirty.append(path) }
                continue
            }
            var st = stat()
            if lstat(absolute(path), &st) == 0, index.statMatches(at: path, st, indexTime: indexTime, check: statCheck) { continue }
            compare.append((path, committed.id))
        }
        // Stat data cannot tell: the content decides (the blob and the file read on the cores).
        let files = compare.map { (file: absolute($0.path), blob: $0.blob) }
        let same = ParallelMap.map(files, repository: git, perWorker: 64) { repo, f in
            Result { (try? FileSystem.readRegularFile(f.file, limit: Int.max)) == (try repo.blobData(f.blob)) }
        }
        for (c, result) in zip(compare, same) where !(try result.get()) { dirty.append(c.path) }
        dirty.sort()
        guard dirty.isEmpty else {
            let list = dirty.prefix(5).joined(separator: ", ") + (dirty.count > 5 ? " and \(dirty.count - 5) more" : "")
            throw GoalSyncError.repository("your uncommitted changes to \(list) would be overwritten by the pull; commit them (git commit) or stash them (git stash), then pull again. Nothing was changed.")
        }
    }

    /// Plans the merge of `theirs` into `ours` (``TreeMerge``) and checks it before anything is
    /// written (``TreePathCheck``): `theirs` as a whole as `git fsck` would (`current`: the tree the
    /// work tree holds, nil for none), then every path the plan writes or deletes. A refusal is
    /// an error naming the entry; nothing has been written.
    func checkedMerge(base: ObjectID?, ours: ObjectID, theirs: ObjectID, current: ObjectID?, what: String) throws -> (TreeMerge, WorkTreePlan) {
        do {
            try TreePathCheck.checkTree(git, theirs, current: current)
            let store = LibGit2ObjectStore(git)
            let tm = try TreeMerge.plan(store, base: base, ours: ours, theirs: theirs)
            return (tm, try TreePathCheck.plan(try tm.writeBlobs(to: store), workTree: root))
        } catch let refusal as TreePathCheck.Refusal {
            throw refused(refusal, what: what, advice: "ask whoever can push there to remove that entry in a new commit, then try again")
        }
    }

    /// The error for a refused tree or plan: what was refused, the entry, why, that nothing was
    /// written, and what to do.
    func refused(_ refusal: TreePathCheck.Refusal, what: String, advice: String) -> GoalSyncError {
        let todo = refusal.inWorkTree ? "" : " \(advice.prefix(1).uppercased())\(advice.dropFirst())."
        return .repository("\(what) was not applied because of \(refusal.path): \(refusal.reason). Nothing was written: your files, index and branch are as they were.\(todo)")
    }

    /// The errors in the goal files of `tree` (errors only, no lint), checked before a fast-forward
    /// moves the branch, so what changed from HEAD is checked in full and the rest through the
    /// status cache and the skim (as a merge result is): the cost follows the change.
    func problemsBrought(by tree: ObjectID, headSkim: HeadGoalSkim?) throws -> [Diagnostic] {
        try RepositoryChecks(repository).validate(tree: try repository.treeFiles(tree), ignoreMergeState: true, skimUnchanged: true, headSkim: headSkim?.finish() ?? [:], lint: false)
            .diagnostics.filter { $0.severity == .error }
    }

    /// Writes a checked plan into the work tree and the index, as git's checkout does: each file
    /// replaced atomically but not synced (see `FileSystem.writeWorkTreeFile`; a killed pull is
    /// finished from its journal), and staged from the blob it was written from with the stat
    /// data of the new file, so nothing is read back or hashed again. Each run of files to write
    /// has its blobs read here (libgit2 stays on this thread), is written on the machine's cores,
    /// then staged in order; a deletion is done in its place between runs. The index is written once.
    /// Temporary files go to ``temporaryDirectory``; those a killed goalsync left there are removed first.
    /// (A new clone's empty work tree is written by ``Cloner``, which creates each file in place.)
    func applyToWorkTree(_ plan: WorkTreePlan) throws {
        let updates = plan.updates
        let index = try git.index()
        let temporary: String? = (try? FileManager.default.createDirectory(atPath: repository.temporaryDirectory, withIntermediateDirectories: true)) != nil ? repository.temporaryDirectory : nil
        if let temporary { FileSystem.removeStaleTemporaries(in: temporary) }
        var next = 0
        while next < updates.count {
            let u = updates[next]
            guard u.blob != nil else {
                FileSystem.remove(absolute(u.path))
                try? index.remove(path: u.path)
                removeEmptyParents(of: u.path)
                next += 1
                continue
            }
            var end = next
            while end < updates.count, end - next < 1024, updates[end].blob != nil { end += 1 }
            let run = updates[next..<end].compactMap { u in u.blob.map { (path: u.path, blob: $0, executable: u.executable) } }
            // Folders first, one at a time (the threads then find them there).
            for folder in Swift.Set(run.map { ($0.path as NSString).deletingLastPathComponent }) where !folder.isEmpty {
                try FileManager.default.createDirectory(atPath: absolute(folder), withIntermediateDirectories: true)
            }
            let files = try run.map { (absolute($0.path), try git.blobData($0.blob), $0.executable ? mode_t(0o755) : mode_t(0o644)) }
            let written = Self.writeConcurrently(files, temporaryDirectory: temporary)
            for (u, result) in zip(run, written) {
                try index.add(path: u.path, blob: u.blob, mode: u.executable ? 0o100755 : 0o100644, workdirStat: try result.get())
            }
            next = end
        }
        try index.write()
    }

    /// Writes work-tree files with `FileSystem.writeWorkTreeFile` on the machine's cores (each is
    /// a few system calls); returns each file's stat, or its error, in order.
    private static func writeConcurrently(_ files: [(path: String, bytes: [UInt8], mode: mode_t)], temporaryDirectory: String?) -> [Result<stat, any Error>] {
        ParallelMap.map(files) { f in Result { try FileSystem.writeWorkTreeFile(f.bytes, to: f.path, mode: f.mode, temporaryDirectory: temporaryDirectory) } }
    }

    private func removeEmptyParents(of path: String) {
        var dir = (path as NSString).deletingLastPathComponent
        while !dir.isEmpty {
            guard (try? FileManager.default.contentsOfDirectory(atPath: absolute(dir)))?.isEmpty == true else { return }
            try? FileManager.default.removeItem(atPath: absolute(dir))
            dir = (dir as NSString).deletingLastPathComponent
        }
    }

    /// Moves the branch to `new` and the work tree with it, through the pull journal. When the
    /// work tree cannot be written (a full disk, an object that is not the blob its tree says),
    /// the files are put back and the journal dropped (``rolledBack(_:after:)``).
    func finish(reference: String, old: ObjectID?, new: ObjectID, plan: WorkTreePlan) throws {
        let journal = PullJournal(reference: reference, old: old?.hex, new: new.hex, paths: plan.updates.map(\.path))
        try journal.save(gitDir: git.gitDir)
        CrashPoint.hit("pull-after-journal", environment: environment)
        do {
            try applyToWorkTree(plan)
        } catch {
            throw rolledBack(journal, after: error)
        }
        CrashPoint.hit("pull-after-worktree", environment: environment)
        try git.setReference(reference, to: new, expected: old, message: old == nil ? "pull: initial" : "pull: \(String(new.hex.prefix(8)))")
        PullJournal.remove(gitDir: git.gitDir)
    }

    /// Finishes a pull that was killed after its commit was made: writes the journal's paths from
    /// the new commit and moves the branch, when the branch has not moved since. The journal's
    /// paths are checked as any plan is; a journal that names a path goalsync refuses is dropped,
    /// and one whose files cannot be written is rolled back.
    package func recoverInterruptedPull() throws {
        guard let journal = PullJournal.load(gitDir: git.gitDir) else { return }
        guard let new = ObjectID(hex: journal.new) else { PullJournal.remove(gitDir: git.gitDir); return }
        let current = try git.referenceID(journal.reference)
        if current?.hex == journal.new || current?.hex != journal.old {
            PullJournal.remove(gitDir: git.gitDir)
            return
        }
        let plan: WorkTreePlan
        do {
            plan = try journalPlan(journal.paths, from: new)
        } catch let refusal as TreePathCheck.Refusal {
            if !refusal.inWorkTree { PullJournal.remove(gitDir: git.gitDir) }
            throw refused(refusal, what: "the interrupted pull recorded in .git/goalsync/pull.json", advice: "the record was dropped; run goalsync pull again")
        }
        do {
            try applyToWorkTree(plan)
        } catch {
            throw rolledBack(journal, after: error)
        }
        // A temporary file can only be left next to a work-tree file when .git is on another file
        // system; the folders the journal names are swept for them (their own are in .git/goalsync).
        for folder in Swift.Set(journal.paths.map { ($0 as NSString).deletingLastPathComponent }) {
            FileSystem.removeStaleSiblingTemporaries(in: folder.isEmpty ? root : absolute(folder))
        }
        try git.setReference(journal.reference, to: new, expected: current, message: "pull: finish interrupted pull")
        PullJournal.remove(gitDir: git.gitDir)
    }

    /// The journal's `paths` as commit `id` has them (nil: none, every path deleted), checked as
    /// any plan is. A path that is not a file there (a link, a submodule) is refused.
    private func journalPlan(_ paths: [String], from id: ObjectID?) throws -> WorkTreePlan {
        let tree = try id.map { try git.tree(try git.commit($0).treeID) }
        var updates = [TreeMerge.Update]()
        for path in paths {
            guard let e = try tree?.entry(at: path) else {
                updates.append(TreeMerge.Update(path: path, blob: nil, executable: false))
                continue
            }
            guard e.isBlob else {
                throw TreePathCheck.Refusal(path: GitPathName.display(path.utf8), reason: "it is not a file in commit \(id?.short ?? "")")
            }
            updates.append(TreeMerge.Update(path: path, blob: e.id, executable: e.isExecutable))
        }
        return try TreePathCheck.plan(updates, workTree: root)
    }

    /// After the work tree could not be brought to the journal's new commit: puts the journal's
    /// paths back as the branch's commit has them and drops the journal (it could only be finished
    /// by writing what cannot be written), so a failed pull leaves the files as they were rather
    /// than a record every later pull fails on. Returns the error to report.
    private func rolledBack(_ journal: PullJournal, after failure: any Error) -> GoalSyncError {
        let cause = (failure as? GoalSyncError)?.errorDescription ?? "\(failure)"
        defer { PullJournal.remove(gitDir: git.gitDir) }
        do {
            try applyToWorkTree(try journalPlan(journal.paths, from: journal.old.flatMap(ObjectID.init(hex:))))
        } catch {
            return .repository("the pull could not write the work tree (\(cause)), nor put its files back (\(error)); your branch did not move: see git status, restore the files it lists with git checkout -- FILE, then pull again")
        }
        return .repository("the pull could not write the work tree (\(cause)); its files were put back and your branch did not move. Pull again once that is fixed")
    }

    /// Who last changed `path` on the way from the merge bases `since` to `tip`: "Name <email>, YYYY-MM-DD".
    func lastChange(of path: String, from tip: ObjectID, since bases: [ObjectID]) throws -> String? {
        for id in try git.commits(from: [tip], hiding: bases, limit: 10_000) {
            let commit = try git.commit(id)
            let mine = try commit.tree().entry(at: path)?.id
            let parent = try commit.parentIDs.first.map { try git.commit($0).tree().entry(at: path)?.id } ?? nil
            if mine != parent {
                let a = commit.author
                let day = SimpleDate.fromUnix(a.time, offsetMinutes: a.offsetMinutes)
                return "\(a.name) <\(a.email)>, \(day)"
            }
        }
        return nil
    }

    func mergeMessage(source: String, branch: String, merge: TreeMerge) -> String {
        var text = "merge: \(source) into \(branch)\n"
        let goals = merge.mergedBothSides.compactMap(GoalPaths.id(fromPath:))
        if !merge.mergedBothSides.isEmpty {
            text += "\nMerged field by field (changed on both sides):\n"
            for path in merge.mergedBothSides { text += "  \(path)\n" }
        }
        if !goals.isEmpty { text += "\n" + goals.map { "Goal-Id: \($0)" }.joined(separator: "\n") + "\n" }
        return text
    }
}

extension SimpleDate {
    /// The calendar date of a git time in its own offset.
    package static func fromUnix(_ time: Int64, offsetMinutes: Int32) -> SimpleDate {
        let local = Signature.localTime(time, offsetMinutes: offsetMinutes)
        var days = Int(local / 86_400)
        if local < 0 && local % 86_400 != 0 { days -= 1 }
        // Civil from days (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return SimpleDate(year: m <= 2 ? y + 1 : y, month: m, day: d)
    }
}
