import Foundation
import GoalSyncGit

/// What a goalsync write (`set`, `new`, `checkin`, `edit`, `activate`, …) is about to do to the
/// work tree and the index, kept in `.git/goalsync/write.json` (synced) from before it touches
/// them until its commit is made or it has put everything back. A write killed in between (power
/// cut, `kill -9`) leaves the journal behind, and the next goalsync command rolls the write back
/// (``GoalRepository/recoverInterruptedWrite()``), so a killed write never leaves an edit staged
/// and uncommitted without a word.
///
/// Why a journal and not "commit first": the team's pre-commit hooks must see the edit in the
/// index and the work tree before the commit exists (as git runs them), so the files necessarily
/// change before the branch moves; what the journal adds is the way back.
package struct WriteJournal: Codable, Sendable {
    package struct File: Codable, Sendable {
        package var path: String
        /// The work-tree file before the write, as a blob (nil: there was none).
        package var before: String?
        package var beforeExecutable: Bool
        /// The index entry before the write (nil: none).
        package var indexBefore: String?
        package var indexBeforeMode: UInt32?
        /// What the write puts in the file and the index (nil: it deletes the path).
        package var after: String?
    }

    /// The commit's subject, to name the write in the report.
    package var command: String
    /// HEAD before the write (nil: an unborn branch).
    package var head: String?
    /// The tree the commit is made of.
    package var tree: String
    package var files: [File]

    static func path(gitDir: String) -> String { gitDir + "goalsync/write.json" }

    package static func exists(gitDir: String) -> Bool { FileSystem.exists(path(gitDir: gitDir)) }

    /// The journal, or nil when there is none; a damaged one (a write killed while writing it,
    /// before it touched anything) counts as none.
    package static func load(gitDir: String) -> WriteJournal? {
        guard let bytes = try? FileSystem.readRegularFile(path(gitDir: gitDir), limit: 64 << 20) else { return nil }
        return try? JSONDecoder().decode(WriteJournal.self, from: Data(bytes))
    }

    package func save(gitDir: String) throws {
        try FileSystem.writeAtomically(Array(try JSONEncoder().encode(self)), to: Self.path(gitDir: gitDir))
    }

    package static func remove(gitDir: String) { FileSystem.remove(path(gitDir: gitDir)) }
}

extension GoalRepository {
    /// Rolls back a goalsync write that was killed before it committed (see ``WriteJournal``),
    /// when no other goalsync process holds the repository's lock (a live writer's journal is its
    /// own business). Each path the write touched is put back as it was when the work-tree file
    /// and the index still hold what the write left there; a path changed since is left as it is
    /// and named. Returns the one line to show the person, or nil when there was nothing to do.
    package func recoverInterruptedWrite() throws -> String? {
        guard WriteJournal.exists(gitDir: git.gitDir), let lock = try RepositoryLock.attempt(gitDir: git.gitDir) else { return nil }
        defer { lock.release() }
        return try recoverInterruptedWriteLocked()
    }

    /// ``recoverInterruptedWrite()`` for a caller that holds the lock.
    func recoverInterruptedWriteLocked() throws -> String? {
        guard WriteJournal.exists(gitDir: git.gitDir) else { return nil }
        guard let journal = WriteJournal.load(gitDir: git.gitDir) else {
            WriteJournal.remove(gitDir: git.gitDir)
            return nil
        }
        let head = try git.headID()
        if head?.hex != journal.head {
            WriteJournal.remove(gitDir: git.gitDir)
            // Killed after its commit moved the branch: the write is complete.
            if let head, let commit = try? git.commit(head), commit.treeID.hex == journal.tree,
                commit.parentIDs.map(\.hex) == (journal.head.map { [$0] } ?? []) {
                return nil
            }
            let paths = journal.files.map(\.path).joined(separator: ", ")
            return "note: “\(journal.command)” was interrupted before it committed, and the branch has moved since; \(paths) left as they are (see git status)"
        }
        let index = try git.index()
        var restored = [String](), changedSince = [String]()
        for file in journal.files {
            func bytes(_ hex: String?) throws -> [UInt8]? { try hex.flatMap(ObjectID.init(hex:)).map { try git.blobData($0) } }
            let before = try bytes(file.before), after = try bytes(file.after)
            let current: [UInt8]?
            do {
                current = try FileSystem.readRegularFile(absolute(file.path), limit: Int.max)
            } catch .missing {
                current = nil
            } catch {
                changedSince.append(file.path)
                continue
            }
            let staged = index.entry(at: file.path)
            let stagedHex = staged?.id.hex
            guard current == after || current == before, stagedHex == file.after || (stagedHex == file.indexBefore && (file.indexBefore == nil || staged?.mode == file.indexBeforeMode)) else {
                changedSince.append(file.path)
                continue
            }
            if current == before && stagedHex == file.indexBefore { continue }  // not reached yet
            if let before {
                try FileSystem.writeAtomically(before, to: absolute(file.path), mode: file.beforeExecutable ? 0o755 : 0o644)
            } else {
                FileSystem.remove(absolute(file.path))
            }
            if let hex = file.indexBefore, let id = ObjectID(hex: hex) {
                try index.add(path: file.path, blob: id, mode: file.indexBeforeMode ?? 0o100644)
            } else {
                try? index.remove(path: file.path)
            }
            restored.append(file.path)
        }
        try index.write()
        WriteJournal.remove(gitDir: git.gitDir)
        if changedSince.isEmpty {
            return restored.isEmpty ? nil : "note: rolled back “\(journal.command)”, which was interrupted before it committed: \(restored.joined(separator: ", ")) as before it"
        }
        let list = changedSince.joined(separator: " ")
        return "note: “\(journal.command)” was interrupted before it committed\(restored.isEmpty ? "" : " (\(restored.joined(separator: ", ")) put back)"); "
            + "\(list) changed since, so left as they are, possibly with its edit staged: see git diff --cached \(list); to drop it, git restore --staged --worktree \(list)"
    }
}
