import Foundation
import GoalSyncGit

/// A pull stopped by conflicts, kept in `.git/goalsync/merge.json` until `pull --continue` or
/// `pull --abort` (never committed). Together with `.git/MERGE_HEAD` it makes the repository
/// visibly mid-merge for plain git too.
package struct MergeState: Codable, Sendable {
    package struct Conflict: Codable, Sendable, Equatable {
        package var path: String
        /// The goal's id, when the file is a goal.
        package var goal: String?
        package var field: String
        package var base: String?
        package var ours: String?
        package var theirs: String?
        /// Who last changed the file on each side since the base: "Name <email>, YYYY-MM-DD".
        package var oursBy: String?
        package var theirsBy: String?
        /// Blob ids of the file on each side, to settle whole-file conflicts.
        package var baseBlob: String?
        package var oursBlob: String?
        package var theirsBlob: String?
        /// How it was settled (`ours`, `theirs`, `base`, `value`), or nil while pending.
        package var resolution: String?
    }

    /// Goals active at once after the merge (the one-active rule): settled by `resolve --active`.
    package struct ActiveConflict: Codable, Sendable, Equatable {
        package var goals: [String]
        /// Each goal's status in the base, restored for the goals that do not stay active.
        package var baseStatus: [String: String]
        package var resolution: String?
    }

    package var ours: String
    package var theirs: String
    /// The merge base (the oldest, when there are several).
    package var base: String?
    /// After criss-cross merges, every merge base, oldest first, and the virtual tree merged from
    /// them that the pull merged against (see ``VirtualBase``; referenced by nothing else).
    package var bases: [String]? = nil
    package var baseTree: String? = nil
    /// What was merged, e.g. "origin/main".
    package var source: String
    /// Every path the merge wrote in the work tree and index (for --abort).
    package var touched: [String]
    package var conflicts: [Conflict]
    package var active: ActiveConflict?
    /// Rule errors in the merged files that are not conflicts of values (fixed by editing).
    package var message: String
    /// "git" when the merge was started by plain git (`git pull`, `git merge`) and taken over by
    /// goalsync (``GitMergeAdoption``); nil for a goalsync pull.
    package var startedBy: String? = nil
    /// Files git left with conflict markers goalsync's merge driver did not write (git's own, or
    /// edited since): the file as it was, kept as a blob by path, before goalsync rewrote it.
    package var kept: [String: String]? = nil

    package var pending: [Conflict] { conflicts.filter { $0.resolution == nil } }
    package var isSettled: Bool { pending.isEmpty && (active == nil || active?.resolution != nil) }

    static func path(gitDir: String) -> String { gitDir + "goalsync/merge.json" }

    /// The largest `merge.json` goalsync reads (a stopped pull of 10,000 conflicting goals
    /// writes a few MiB).
    static let maximumSize = 64 << 20

    /// The stopped pull, or nil when there is none. A file that cannot be read as one (cut short,
    /// empty, binary, of the wrong shape, too large, not a regular file, naming commits by
    /// something that is not an id) is an error that names the file and the way out:
    /// `goalsync pull --abort` works without it.
    package static func load(gitDir: String) throws -> MergeState? {
        let path = path(gitDir: gitDir)
        let state: MergeState
        do {
            state = try JSONDecoder().decode(MergeState.self, from: Data(try FileSystem.readRegularFile(path, limit: maximumSize)))
        } catch FileSystem.ReadError.missing {
            return nil
        } catch let error as FileSystem.ReadError {
            throw damaged(path, error.message)
        } catch {
            throw damaged(path, "not the JSON goalsync writes")
        }
        for (name, hex) in [("ours", state.ours), ("theirs", state.theirs), ("base", state.base ?? state.ours)] where ObjectID(hex: hex) == nil {
            throw damaged(path, "its \(name) commit is not a commit id")
        }
        return state
    }

    static func damaged(_ path: String, _ reason: String) -> GoalSyncError {
        .repository("\(path) (the stopped pull's state) is damaged: \(reason); run goalsync pull --abort to return to before the pull (it works without this file), then pull again")
    }

    package func save(gitDir: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try FileSystem.writeAtomically(Array(try encoder.encode(self)), to: Self.path(gitDir: gitDir))
    }

    package static func remove(gitDir: String) {
        let path = path(gitDir: gitDir)
        // A folder made there by hand would otherwise keep every command refusing.
        if FileSystem.isDirectory(path) && !FileSystem.isSymlink(path) { try? FileManager.default.removeItem(atPath: path) }
        FileSystem.remove(path)
    }
}

/// A merge or fast-forward whose commit exists but whose work tree and branch were not yet both
/// updated: `.git/goalsync/pull.json`. If goalsync is killed in between, the next goalsync run
/// finishes it (the commit object is already safe), so a pull is all or nothing.
package struct PullJournal: Codable, Sendable {
    package var reference: String
    package var old: String?
    package var new: String
    package var paths: [String]

    static func path(gitDir: String) -> String { gitDir + "goalsync/pull.json" }

    package static func load(gitDir: String) -> PullJournal? {
        guard let bytes = try? FileSystem.readRegularFile(path(gitDir: gitDir), limit: MergeState.maximumSize) else { return nil }
        return try? JSONDecoder().decode(PullJournal.self, from: Data(bytes))
    }

    package func save(gitDir: String) throws {
        try FileSystem.writeAtomically(Array(try JSONEncoder().encode(self)), to: Self.path(gitDir: gitDir))
    }

    package static func remove(gitDir: String) { FileSystem.remove(path(gitDir: gitDir)) }
}
