import Foundation
import GoalSyncGit

extension RepositoryChecks {
    /// The pre-commit hook's check, `goalsync validate --staged`: opens the repository containing
    /// `directory` and runs ``validateStaged(preloadedIndex:)``. libgit2 starts on another core
    /// while the configuration and the index file are read (``preloadForStagedCheck(in:environment:)``):
    /// this runs on every commit.
    /// - Returns: the diagnostics, and how many goal files the index holds.
    package static func staged(in directory: String, environment: [String: String]) throws -> (diagnostics: [Diagnostic], goalFiles: Int) {
        GitLibrary.initializeInBackground()
        let preload = preloadForStagedCheck(in: directory, environment: environment)
        let repository = try GoalRepository.open(at: directory, environment: environment, preloaded: preload.config)
        return try RepositoryChecks(repository).validateStaged(preloadedIndex: preload.index)
    }

    /// Validates exactly what the index holds (what the next commit would contain): the goal files
    /// and `VISION.md` that differ from HEAD in full, lint included, and the rules across files
    /// (one active goal, unique ids, files with errors) over the whole staged tree. This is what
    /// the pre-commit hook runs, on every commit, so its cost follows the change: it compares the
    /// index with HEAD's `goals/` tree in one pass and takes the rest of the tree from the
    /// ``GoalsTreeSummary`` of HEAD (the files that matter to the rules across files), which it
    /// carries forward from the last HEAD it saw. When the staged tree passes, it also keeps the
    /// summary of the `goals/` tree the commit will make, so the next commit finds its HEAD's
    /// summary ready. The result is the one ``validate(tree:ignoreMergeState:)`` gives for
    /// ``stagedFiles()``.
    /// - Returns: the diagnostics, and how many goal files the index holds.
    /// - Parameter preloadedIndex: an index file already read (while libgit2 started), used when
    ///   it is the one the next commit is made from.
    package func validateStaged(preloadedIndex: (path: String, file: IndexFile)? = nil) throws -> (diagnostics: [Diagnostic], goalFiles: Int) {
        let index = try stagedEntries(preloaded: preloadedIndex)
        // The id of the goals tree this commit will make (for the summary kept for the next one):
        // hashed on another core while HEAD's tree is read, when the index is read in place.
        let stagedGoalsTree = OneShot<ObjectID?>()
        if let file = index as? IndexFile {
            DispatchQueue.global().async { stagedGoalsTree.set(FolderDiff.stagedTreeID(of: file, folder: GoalPaths.goalsDirectory)) }
        } else {
            stagedGoalsTree.set(FolderDiff.stagedTreeID(of: index, folder: GoalPaths.goalsDirectory))
        }
        let head = try git.headTree()
        let headGoals = try head?.subtree(at: GoalPaths.goalsDirectory)
        let (changes, goalFiles) = FolderDiff.changes(from: headGoals, to: index, folder: GoalPaths.goalsDirectory, suffix: ".md")
        let summary = try goalsTreeSummary(for: headGoals)

        func path(_ name: String) -> String { GoalPaths.goalsDirectory + "/" + name }
        var files = [TreeFile]()
        var fullyValidated = Set<String>()
        let cache = StatusCache()  // in memory: what the summary knows of unchanged files
        let changed = Set(changes.map(\.name))
        for change in changes {
            guard let new = change.new else { continue }
            files.append(TreeFile(path: path(change.name), blob: Self.hex(new.id), isSymlink: new.isSymlink))
            // Changed content is checked in full; a file whose mode alone changed, like any
            // unchanged one (as validate(tree:) decides, by blob).
            if change.old?.id != new.id { fullyValidated.insert(path(change.name)) }
        }
        for (name, entry) in summary.notable where !changed.contains(name) {
            let hex = Self.hex(entry.blob)
            files.append(TreeFile(path: path(name), blob: hex, isSymlink: entry.isSymlink))
            if let s = entry.summary { cache[hex] = s }
        }
        let vision = index.entry(at: GoalPaths.vision).flatMap { $0.isIntentToAdd ? nil : $0 }
        if let vision, try head?.entry(at: GoalPaths.vision)?.id != vision.id {
            files.append(TreeFile(path: GoalPaths.vision, blob: Self.hex(vision.id), isSymlink: vision.isSymlink))
            fullyValidated.insert(GoalPaths.vision)
        }

        var diagnostics = validateStagedFiles(files, fullyValidated: fullyValidated, cache: cache)
        // A file whose id is not its name is an error, and so is a second file with the same id:
        // the file named after that id, when the index holds it unchanged and ordinary, is not
        // among `files` yet. Add those owners and check again (rare: it takes a file in error).
        var owners = [TreeFile]()
        let listed = Set(files.map(\.path))
        for file in files where file.path != GoalPaths.vision {
            guard let hex = file.blob, let id = cache[hex]?.id, !id.isEmpty, GoalPaths.id(fromPath: file.path) != id else { continue }
            let owner = GoalPaths.path(forID: id)
            guard !listed.contains(owner), !owners.contains(where: { $0.path == owner }), let entry = index.entry(at: owner), !entry.isIntentToAdd else { continue }
            owners.append(TreeFile(path: owner, blob: Self.hex(entry.id), isSymlink: entry.isSymlink))
        }
        if !owners.isEmpty {
            diagnostics = validateStagedFiles(files + owners, fullyValidated: fullyValidated, cache: cache)
        }
        for change in changes {
            guard let old = change.old, let new = change.new, old.id != new.id else { continue }
            diagnostics += checkinHistoryDiagnostics(path: path(change.name), old: old.id, new: new.id)
        }
        diagnostics += try pendingConflictDiagnostics()
        // The summary of the tree this commit will make: HEAD's, with the changed files as checked.
        if let stagedGoalsTree = stagedGoalsTree.wait(), stagedGoalsTree != headGoals?.id, !diagnostics.contains(where: { $0.severity == .error }) {
            var next = summary
            next.tree = stagedGoalsTree
            for change in changes {
                next.notable[change.name] = nil
                guard let new = change.new else { continue }
                let s = cache[Self.hex(new.id)]
                let regular = new.mode == 0o100644 || new.mode == 0o100755
                if GoalsTreeSummary.isNotable(name: change.name, mode: new.mode, summary: s) {
                    next.notable[change.name] = .init(blob: new.id, mode: new.mode, summary: regular ? s : nil)
                }
            }
            GoalsTreeSummary.save(headGoals == nil ? [next] : [summary, next], gitDir: git.gitDir)
        }
        return (diagnostics, goalFiles)
    }

    /// The index the next commit is made from: git's `GIT_INDEX_FILE` when it hands one to the
    /// hook (`git commit -a`, `git commit PATH`), else `.git/index`.
    func stagedIndex() throws -> GoalSyncGit.Index {
        if let path = stagedIndexPath() { return try git.index(atPath: path) }
        return try git.index()
    }

    /// `GIT_INDEX_FILE` as an absolute path (git gives it relative to the folder it runs the hook in).
    private func stagedIndexPath() -> String? {
        guard let file = environment["GIT_INDEX_FILE"], !file.isEmpty else { return nil }
        return file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
    }

    /// The staged entries, read in place from the index file when ``IndexFile`` reads its format
    /// (every index git writes by default), else through libgit2.
    private func stagedEntries(preloaded: (path: String, file: IndexFile)?) throws -> any IndexEntries {
        let path = stagedIndexPath() ?? git.gitDir + "index"
        if let preloaded, preloaded.path == path { return preloaded.file }
        if let file = IndexFile.open(path: path) { return file }
        return try stagedIndex()
    }

    /// What the pre-commit hook can read before libgit2 has started, guessing that it runs at the
    /// top of the work tree (git runs hooks there): the configuration and the index file. Each is
    /// used only if the repository found is that one (see `open(at:preloaded:)`, `validateStaged`).
    package static func preloadForStagedCheck(in directory: String, environment: [String: String])
        -> (config: (root: String, config: RepoConfig)?, index: (path: String, file: IndexFile)?)
    {
        var config: (String, RepoConfig)?
        if let bytes = try? FileSystem.readRegularFile(directory + "/" + RepoConfig.path, limit: RepoConfig.maximumSize),
            let text = String(validating: bytes, as: UTF8.self), let parsed = try? RepoConfig.parse(text) {
            config = (directory, parsed)
        }
        let path: String
        if let file = environment["GIT_INDEX_FILE"], !file.isEmpty {
            path = file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
        } else {
            path = directory + "/.git/index"
        }
        return (config, IndexFile.open(path: path).map { (path, $0) })
    }

    private func validateStagedFiles(_ files: [TreeFile], fullyValidated: Set<String>, cache: StatusCache) -> [Diagnostic] {
        RepositoryValidator(goalValidator: validator).validate(
            files: files, fullyValidated: fullyValidated, cache: cache, concurrentReads: false,
            read: blobReader, historyContributors: Auditor(repository).historyAuthorsBesidesOwners)
    }

    /// Reads a ``TreeFile``'s blob, refusing one over the size limit before reading it.
    func blobReader(_ file: TreeFile) throws -> [UInt8] {
        guard let hex = file.blob, let oid = ObjectID(hex: hex) else { throw FileSystem.ReadError.missing }
        let size = try git.blobSize(oid)
        if size > MarkdownDocument.maximumSize { throw FileSystem.ReadError.tooLarge(bytes: size, limit: MarkdownDocument.maximumSize) }
        return try git.blobData(oid)
    }

    /// The ``GoalsTreeSummary`` of `tree` (HEAD's `goals/`): one kept in the repository when it
    /// describes that tree, else one whose tree is in the repository carried forward by checking
    /// the files that differ between the two trees (all of them, the first time), and kept for
    /// the next commit.
    func goalsTreeSummary(for tree: Tree?) throws -> GoalsTreeSummary {
        guard let tree else { return .empty }
        let kept = GoalsTreeSummary.load(gitDir: git.gitDir)
        if let ready = kept.first(where: { $0.tree == tree.id }) { return ready }
        let summary = carriedSummary(for: tree, from: kept)
        GoalsTreeSummary.save([summary], gitDir: git.gitDir)
        return summary
    }

    /// The ``GoalsTreeSummary`` of the `goals/` tree `tree`, from the first of `known` whose tree is in
    /// the repository, carried forward by checking the goal files that differ between the two trees
    /// (every file when none is usable). Nothing is saved.
    func carriedSummary(for tree: Tree, from known: [GoalsTreeSummary]) -> GoalsTreeSummary {
        if let ready = known.first(where: { $0.tree == tree.id }) { return ready }
        var summary = GoalsTreeSummary.empty
        var old: Tree?
        // A kept summary of a commit that was not made has no tree in the repository.
        for candidate in known {
            guard let id = candidate.tree, let t = try? git.tree(id) else { continue }
            (summary, old) = (candidate, t)
            break
        }
        summary.tree = tree.id
        var regular = [(name: String, id: ObjectID, mode: UInt32)]()
        for change in tree.changes(since: old, comparingModes: true) {
            // Goal files only: `NAME.md` files, not folders.
            guard change.name.hasSuffix(".md"), change.oldMode != 0o40000 || change.newMode != 0o40000 else { continue }
            summary.notable[change.name] = nil
            guard let id = change.new, let mode = change.newMode, mode != 0o40000 else { continue }
            if mode == 0o100644 || mode == 0o100755 {
                regular.append((change.name, id, mode))
            } else {
                summary.notable[change.name] = .init(blob: id, mode: mode, summary: nil)
            }
        }
        // Many files (the first time, or after a large pull): through the status cache, which
        // keeps what earlier validations learned; a few: checked here.
        let cache = regular.count > 256 ? StatusCache(gitDir: git.gitDir) : StatusCache()
        let files = regular.map { TreeFile(path: GoalPaths.goalsDirectory + "/" + $0.name, blob: Self.hex($0.id), isSymlink: false) }
        _ = RepositoryValidator(goalValidator: validator).validate(
            files: files, fullyValidated: [], cache: cache, concurrentReads: false, read: blobReader)
        cache.save()
        for (file, (name, id, mode)) in zip(files, regular) {
            let s = file.blob.flatMap { cache[$0] }
            if GoalsTreeSummary.isNotable(name: name, mode: mode, summary: s) {
                summary.notable[name] = .init(blob: id, mode: mode, summary: s)
            }
        }
        return summary
    }
}

/// A value computed once on another thread, waited for where it is needed.
private final class OneShot<Value: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var value: Value?

    func set(_ value: Value) {
        self.value = value
        done.signal()
    }

    /// The value, once `set` ran (the semaphore orders the write before this read).
    func wait() -> Value {
        done.wait()
        return value!
    }
}
