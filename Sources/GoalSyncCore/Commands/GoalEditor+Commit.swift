import Foundation
import GoalSyncGit

/// One file a goalsync commit writes (or deletes, when `bytes` is nil).
package struct FileWrite: Sendable {
    package var path: String
    package var bytes: [UInt8]?
    package var executable = false

    package init(path: String, bytes: [UInt8]?, executable: Bool = false) {
        self.path = path
        self.bytes = bytes
        self.executable = executable
    }

    package init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }
}

/// What a goalsync commit made.
package struct CommitResult: Sendable {
    package var commit: String
    /// Lint findings on what was committed (errors stop the commit instead).
    package var warnings: [Diagnostic]
    /// What was done first about an earlier write that had been killed (see ``WriteJournal``).
    package var recovery: String? = nil
}

extension GoalEditor {
    /// Makes one commit of `writes` on top of HEAD, all or nothing (SPEC §5, §7):
    /// under the repository lock, the new tree is validated before anything is touched; then the
    /// files are written atomically and staged, the team's other pre-commit hooks run (unless
    /// `noVerify`), and the commit moves HEAD. If any step fails, the files and the index are put
    /// back as they were; if the process is killed meanwhile, the ``WriteJournal`` written before
    /// the first file lets the next goalsync command put them back.
    @discardableResult
    package func commit(_ writes: [FileWrite], message: CommitMessage, noVerify: Bool, allowWhileMerging: Bool = false) throws -> CommitResult {
        let lock = try repository.lockRepository()
        defer { lock.release() }
        let recovery = try repository.recoverInterruptedWriteLocked()
        if git.isMerging && !allowWhileMerging { throw repository.mergeInProgressError }
        let (author, committer) = try repository.identity()
        let head = try git.headID()
        let headTree = try head.map { try git.commit($0).treeID }

        // 1. The new tree, validated before the work tree changes.
        var updates = [Repository.TreeUpdate]()
        var blobs = [String: ObjectID]()
        for w in writes {
            if let bytes = w.bytes {
                let blob = try git.writeBlob(bytes)
                blobs[w.path] = blob
                updates.append(.upsert(path: w.path, blob: blob, executable: w.executable))
            } else {
                updates.append(.remove(path: w.path))
            }
        }
        let newTree = try git.tree(updating: headTree, with: updates)
        let diagnostics = try RepositoryChecks(repository).validate(tree: repository.treeFiles(newTree))
        if diagnostics.contains(where: { $0.severity == .error }) {
            throw GoalSyncError.validationFailed(diagnostics.filter { $0.severity == .error })
        }

        // 2. Work tree and index, with a way back: in memory for a failure, in the journal (synced
        // before the first file changes) for a kill.
        let index = try git.index()
        var backups = [(path: String, bytes: [UInt8]?, executable: Bool, entry: Index.Entry?)]()
        var journal = WriteJournal(command: String(message.text.prefix { $0 != "\n" }), head: head?.hex, tree: newTree.hex, files: [])
        for w in writes {
            let old = try? FileSystem.readRegularFile(absolute(w.path), limit: Int.max)
            var st = stat()
            let executable = lstat(absolute(w.path), &st) == 0 && st.st_mode & 0o100 != 0
            let entry = index.entry(at: w.path)
            backups.append((w.path, old, executable, entry))
            journal.files.append(WriteJournal.File(
                path: w.path, before: try old.map { try git.writeBlob($0).hex }, beforeExecutable: executable,
                indexBefore: entry?.id.hex, indexBeforeMode: entry?.mode, after: blobs[w.path]?.hex))
        }
        func rollback() {
            for b in backups {
                if let bytes = b.bytes { try? FileSystem.writeAtomically(bytes, to: absolute(b.path), mode: b.executable ? 0o755 : 0o644, temporaryDirectory: repository.temporaryDirectory) } else { FileSystem.remove(absolute(b.path)) }
                if let e = b.entry { try? index.add(path: e.path, blob: e.id, mode: e.mode) } else { try? index.remove(path: b.path) }
            }
            try? index.write()
            WriteJournal.remove(gitDir: git.gitDir)
        }
        try journal.save(gitDir: git.gitDir)
        CrashPoint.hit("commit-after-journal", environment: environment)
        do {
            for w in writes {
                if let bytes = w.bytes {
                    try FileSystem.writeAtomically(bytes, to: absolute(w.path), mode: w.executable ? 0o755 : 0o644, temporaryDirectory: repository.temporaryDirectory)
                    CrashPoint.hit("commit-after-file", environment: environment)
                    try index.addFromWorkdir(w.path)
                } else {
                    FileSystem.remove(absolute(w.path))
                    try index.remove(path: w.path)
                }
            }
            try index.write()
            CrashPoint.hit("commit-after-worktree", environment: environment)
            if !noVerify { try runPreCommitHooks() }
            CrashPoint.hit("commit-after-hooks", environment: environment)
            let id = try git.createCommit(tree: newTree, parents: head.map { [$0] } ?? [], author: author, committer: committer, message: message.text)
            CrashPoint.hit("commit-after-commit", environment: environment)
            WriteJournal.remove(gitDir: git.gitDir)
            return CommitResult(commit: id.hex, warnings: diagnostics, recovery: recovery)
        } catch {
            rollback()
            throw error
        }
    }

    /// Runs the repository's pre-commit hook as git would (libgit2 runs none). goalsync's own part
    /// of the hook is skipped through `GOALSYNC_IN_PROCESS` (the commit was validated in process),
    /// so what runs is any other hook the team has configured, chained behind it.
    func runPreCommitHooks() throws {
        let hook = try repository.hooksDirectory() + "/pre-commit"
        guard FileManager.default.isExecutableFile(atPath: hook) else { return }
        var env = environment
        env["GOALSYNC_IN_PROCESS"] = "1"
        env["GIT_INDEX_FILE"] = git.gitDir + "index"
        let outcome: Subprocess.Outcome
        switch Subprocess.runCollectingOutput(hook, arguments: [], environment: env, directory: root) {
        case .success(let o): outcome = o
        case .failure(let error): throw GoalSyncError.hookFailed(hook: hook, status: -1, output: "cannot run: \(error.description)")
        }
        // The hook's output goes to stderr as git passes it on, but without the secrets this process
        // knows of (SecretMask), as everything else goalsync writes.
        let data = outcome.output
        let mask = data.isEmpty ? SecretMask(secrets: []) : SecretMask.known(arguments: CommandLine.arguments, environment: environment, directory: root)
        var text = mask.apply(String(decoding: data, as: UTF8.self))
        if outcome.truncated { text += "\n[goalsync: the hook wrote more than \(data.count) bytes; the rest is not shown]\n" }
        let shown = mask.secrets.isEmpty && !outcome.truncated ? Data(data) : Data(text.utf8)
        guard outcome.status == 0 else {
            FileHandle.standardError.write(shown)
            throw GoalSyncError.hookFailed(hook: "pre-commit", status: outcome.status, output: text)
        }
        if !text.isEmpty { FileHandle.standardError.write(shown) }
    }
}
