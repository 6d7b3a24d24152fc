import Foundation
import GoalSyncGit

/// A merge that plain git (`git pull`, `git merge`) stopped with files in conflict, read as the
/// stopped pull goalsync would have left: each conflicting field with its base, ours and theirs
/// values and who wrote each, the files merged field by field with ours' values where they
/// conflict, and the one-active rule checked on the result. `goalsync status` shows it without
/// writing anything; `goalsync resolve` and `pull --continue` take it over (``adoptGitMerge()``),
/// after which the merge goes on exactly as a stopped `goalsync pull` does.
package struct GitMergeAdoption: Sendable {
    /// The stopped pull's state (`startedBy` "git").
    package var state: MergeState
    /// What taking the merge over writes: each file git left in conflict (or with markers) as
    /// goalsync merges it (nil: deleted), staged.
    package var updates: [TreeMerge.Update]
    /// The bytes of each file in `updates` (not deleted), for a status shown before they are written.
    package var contents: [String: [UInt8]]
}

extension Syncer {
    /// The merge plain git stopped, read as goalsync's stopped pull, or nil when there is none to
    /// take over: no merge in progress, a stopped `goalsync pull` (its own state), or a merge
    /// whose conflicts are all staged already (`git commit` finishes it). Writes blobs only.
    package func planGitMergeAdoption() throws -> GitMergeAdoption? {
        guard git.isMerging, !FileSystem.exists(MergeState.path(gitDir: git.gitDir)) else { return nil }
        let index = try git.index()
        var stages = [String: [Int: Index.Entry]]()
        var staged = [String: Index.Entry]()
        for e in index.entries {
            if e.stage == 0 { staged[e.path] = e } else { stages[e.path, default: [:]][e.stage] = e }
        }
        let theirs = try mergeHead()
        guard let head = try git.headID() else {
            throw GoalSyncError.repository("git is merging into a branch with no commit yet; finish the merge with plain git (git add, git commit) or undo it with git merge --abort")
        }
        let headTree = try git.tree(try git.commit(head).treeID)
        var committed = [String: Tree.Entry]()
        try Self.collect(headTree, prefix: "", into: &committed)

        // What git's merge wrote besides the conflicts: staged paths HEAD does not hold as they are
        // staged, and HEAD's paths the merge deleted.
        var treeUpdates = [TreeMerge.Update](), touched = Set(stages.keys)
        for (path, e) in staged where committed[path].map({ $0.id != e.id || $0.isExecutable != (e.mode == 0o100755) || !$0.isBlob || $0.isSymlink }) ?? true {
            try Self.refuseUnlessFile(path, modes: [e.mode])
            touched.insert(path)
            treeUpdates.append(TreeMerge.Update(path: path, blob: e.id, executable: e.mode == 0o100755))
        }
        for path in committed.keys where staged[path] == nil && stages[path] == nil {
            touched.insert(path)
            treeUpdates.append(TreeMerge.Update(path: path, blob: nil, executable: false))
        }
        // A goal file staged with conflict markers (`git add` before settling) is still in conflict.
        var marked = [String]()
        for (path, e) in staged where touched.contains(path) && FileMerge.Kind(path: path) != .text {
            if let bytes = try? git.blobData(e.id), Self.hasConflictMarkers(bytes) { marked.append(path) }
        }
        guard !stages.isEmpty || !marked.isEmpty else { return nil }
        for (path, s) in stages { try Self.refuseUnlessFile(path, modes: s.values.map(\.mode)) }

        let base = try VirtualBase.of(LibGit2ObjectStore(git), ours: head, theirs: theirs)
        let theirsTree = try git.tree(try git.commit(theirs).treeID)
        let baseTree = try base.tree.map { try git.tree($0) }
        var state = MergeState(ours: head.hex, theirs: theirs.hex, base: base.commits.first?.hex, source: mergeSource(), touched: touched.sorted(), conflicts: [], active: nil, message: "")
        state.startedBy = "git"
        var updates = [TreeMerge.Update](), contents = [String: [UInt8]](), kept = [String: String]()

        for path in (Array(stages.keys) + marked).sorted() {
            // The three sides: git's index stages, else (a file staged with markers) the commits.
            let sides: (base: ObjectID?, ours: ObjectID?, theirs: ObjectID?)
            if let s = stages[path] {
                sides = (s[1]?.id, s[2]?.id, s[3]?.id)
            } else {
                sides = (try baseTree?.entry(at: path)?.id, committed[path]?.id, try theirsTree.entry(at: path)?.id)
            }
            let b = try sides.base.map { try git.blobData($0) }, o = try sides.ours.map { try git.blobData($0) }
            let t = try sides.theirs.map { try git.blobData($0) }
            let outcome = FileMerge.merge(base: b, ours: o, theirs: t, kind: FileMerge.Kind(path: path))
            let current: [UInt8]?
            do {
                current = try FileSystem.readRegularFile(absolute(path), limit: Int.max)
            } catch .missing {
                current = nil
            } catch {
                throw GoalSyncError.repository("cannot read \(path), which git's merge left in conflict (\(error.message)); make it a regular file again (git checkout --merge \(path) writes the conflict anew), or undo the merge with git merge --abort")
            }
            let executable = (stages[path]?[2] ?? stages[path]?[3] ?? staged[path])?.mode == 0o100755
            let driverText = outcome.conflicts.isEmpty ? outcome.bytes : FileMerge.markedText(outcome)
            // As git left it: what goalsync's driver writes, or a file with markers. (A file that
            // is goalsync's merge with ours' values was settled by hand: git never leaves that.)
            let asGitLeftIt = current == nil ? outcome.bytes == nil : current == driverText || Self.hasConflictMarkers(current ?? [])
            guard asGitLeftIt else {
                // Settled by hand (edited without markers, or removed) but not yet staged: staged as it is.
                let blob = try current.map { try git.writeBlob($0) }
                updates.append(TreeMerge.Update(path: path, blob: blob, executable: executable))
                if let current { contents[path] = current }
                continue
            }
            if let current, current != driverText {
                // Markers goalsync's driver did not write (git's own, or edited since): kept as a blob.
                kept[path] = try git.writeBlob(current).hex
            }
            updates.append(TreeMerge.Update(path: path, blob: try outcome.bytes.map { try git.writeBlob($0) }, executable: executable))
            if let bytes = outcome.bytes { contents[path] = bytes }
            guard !outcome.conflicts.isEmpty else { continue }
            let oursBy = try lastChange(of: path, from: head, since: base.commits)
            let theirsBy = try lastChange(of: path, from: theirs, since: base.commits)
            for c in outcome.conflicts {
                state.conflicts.append(MergeState.Conflict(
                    path: path, goal: GoalPaths.id(fromPath: path), field: c.field, base: c.base, ours: c.ours, theirs: c.theirs,
                    oursBy: oursBy, theirsBy: theirsBy, baseBlob: sides.base?.hex, oursBlob: sides.ours?.hex, theirsBlob: sides.theirs?.hex, resolution: nil))
            }
        }
        if !kept.isEmpty { state.kept = kept }

        // The rules over the merged tree, as a goalsync pull checks them before it stops.
        let merged = try git.tree(updating: headTree.id, with: (treeUpdates.filter { u in !updates.contains { $0.path == u.path } } + updates).map(\.treeUpdate))
        let files = try repository.treeFiles(merged)
        let validation = try RepositoryChecks(repository).validate(tree: files, ignoreMergeState: true, skimUnchanged: false)
        let active = try repository.activeGoals(files, summary: validation.summary)
        if active.count > 1 {
            var baseStatus = [String: String]()
            for id in active {
                if let entry = try baseTree?.entry(at: GoalPaths.path(forID: id)),
                    let doc = try? MarkdownDocument.parse(try git.blobData(entry.id)), let s = doc.frontMatter["status"]?.scalarText {
                    baseStatus[id] = s
                } else {
                    baseStatus[id] = GoalStatus.proposed.rawValue
                }
            }
            state.active = MergeState.ActiveConflict(goals: active, baseStatus: baseStatus, resolution: nil)
        }
        let conflicted = Set(state.conflicts.map(\.path))
        state.message = validation.diagnostics.filter { d in
            d.severity == .error && !(d.field == "status" && d.message.contains("goals are active")) && !conflicted.contains(d.file)
        }.map(\.formatted).joined(separator: "\n")
        return GitMergeAdoption(state: state, updates: updates, contents: contents)
    }

    /// Takes over the merge plain git stopped (see ``planGitMergeAdoption()``): records it as a
    /// stopped pull, then writes and stages the files it settles. The caller holds the lock.
    /// Returns the state, or nil when there is nothing to take over.
    func adoptGitMerge() throws -> MergeState? {
        guard let plan = try planGitMergeAdoption() else { return nil }
        let checked = try checkedPlan(plan.updates)
        // The state first: killed before the files are written, `pull --abort` still finds what to undo.
        try plan.state.save(gitDir: git.gitDir)
        try applyToWorkTree(checked)
        return plan.state
    }

    /// The stopped pull, taking over a merge plain git stopped when there is one (the caller holds
    /// the lock); else the error ``GoalRepository/requireMergeState()`` gives.
    func requireMergeStateAdopting() throws -> MergeState {
        if let state = try adoptGitMerge() { return state }
        return try repository.requireMergeState()
    }

    /// The one commit git is merging (`.git/MERGE_HEAD`).
    private func mergeHead() throws -> ObjectID {
        let text = (try? FileSystem.readRegularFile(git.gitDir + "MERGE_HEAD", limit: 1 << 16)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let heads = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard heads.count == 1, let id = ObjectID(hex: heads[0]), (try? git.commit(id)) != nil else {
            throw GoalSyncError.repository(heads.count > 1
                ? "git is merging \(heads.count) commits at once (an octopus merge); goalsync settles merges of two: finish it with plain git (edit, git add, git commit) or undo it with git merge --abort"
                : "\(git.gitDir)MERGE_HEAD does not name a commit of this repository; undo the merge with git merge --abort")
        }
        return id
    }

    /// What git is merging, from the first line of `.git/MERGE_MSG` ("Merge branch 'main' of
    /// URL" reads "branch 'main' of URL"), else the commit.
    private func mergeSource() -> String {
        let first = (try? FileSystem.readRegularFile(git.gitDir + "MERGE_MSG", limit: 1 << 16))
            .map { String(decoding: $0, as: UTF8.self) }?.split(separator: "\n").first.map(String.init) ?? ""
        if first.hasPrefix("Merge "), first.count > 6 { return String(first.dropFirst(6)) }
        return (try? mergeHead().short) ?? "MERGE_HEAD"
    }

    private static func refuseUnlessFile(_ path: String, modes: [UInt32]) throws {
        guard modes.allSatisfy({ $0 == 0o100644 || $0 == 0o100755 }) else {
            throw GoalSyncError.repository("\(path) is a symbolic link or a submodule in git's merge; goalsync settles regular files only: finish this merge with plain git (edit, git add, git commit) or undo it with git merge --abort")
        }
    }

    /// Every file of a tree, by path.
    private static func collect(_ tree: Tree, prefix: String, into out: inout [String: Tree.Entry]) throws {
        for e in tree.entries {
            let path = prefix + e.name
            if e.isTree {
                try collect(try tree.repository.tree(e.id), prefix: path + "/", into: &out)
            } else {
                out[path] = e
            }
        }
    }

    /// Whether the bytes hold a line that opens and one that closes a git conflict.
    static func hasConflictMarkers(_ bytes: [UInt8]) -> Bool {
        var opens = false
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            let l = line.last == UInt8(ascii: "\r") ? line.dropLast() : line[...]
            if l.starts(with: Array("<<<<<<<".utf8)) && (l.count == 7 || l[l.startIndex + 7] == UInt8(ascii: " ")) { opens = true }
            if opens && l.starts(with: Array(">>>>>>>".utf8)) && (l.count == 7 || l[l.startIndex + 7] == UInt8(ascii: " ")) { return true }
        }
        return false
    }
}
