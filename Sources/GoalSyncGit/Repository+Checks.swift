import CLibgit2
import Foundation

extension Repository {
    /// Makes the objects in `directories` readable through this repository, after its own
    /// (`git_repository_odb`, `git_odb_add_disk_alternate`). For a repository opened inside a git
    /// `pre-receive` hook: the pushed objects are still in a quarantine folder that git names in
    /// `GIT_OBJECT_DIRECTORY`, with the repository's own objects in `GIT_ALTERNATE_OBJECT_DIRECTORIES`
    /// (see ``objectDirectories(environment:relativeTo:)``).
    public func addObjectDirectories(_ directories: [String]) throws {
        guard !directories.isEmpty else { return }
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, pointer), "open the object database")
        defer { git_odb_free(odb) }
        for dir in directories {
            try check(git_odb_add_disk_alternate(odb, dir), "read objects from \(dir)")
        }
    }

    /// The object folders git hands a hook in the environment (`GIT_OBJECT_DIRECTORY`, then each of
    /// `GIT_ALTERNATE_OBJECT_DIRECTORIES`, separated by `:`), made absolute against `base`; the
    /// folders that exist only.
    public static func objectDirectories(environment: [String: String], relativeTo base: String) -> [String] {
        var out = [String]()
        let listed = [environment["GIT_OBJECT_DIRECTORY"] ?? ""]
            + (environment["GIT_ALTERNATE_OBJECT_DIRECTORIES"] ?? "").split(separator: ":").map(String.init)
        for dir in listed where !dir.isEmpty {
            let absolute = dir.hasPrefix("/") ? dir : base + "/" + dir
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: absolute, isDirectory: &isDir), isDir.boolValue, !out.contains(absolute) {
                out.append(absolute)
            }
        }
        return out
    }

    /// Why a revision could not be resolved to a commit.
    public enum RevisionError: Error, Sendable, Equatable {
        /// No object by that name (`GIT_ENOTFOUND`), or a malformed name (`GIT_EINVALIDSPEC`).
        case unknown(String)
        /// A short id that names several objects (`GIT_EAMBIGUOUS`).
        case ambiguous(String)
        /// The name resolves to an object that is not a commit (and is no tag of one).
        case notACommit(String)
    }

    /// The commit a revision names, as `git rev-parse REV^{commit}` finds it (`git_revparse_single`,
    /// `git_object_peel`): an id, a branch, a tag, `HEAD~2`...
    public func resolveCommit(_ revision: String) throws -> ObjectID {
        var object: OpaquePointer?
        let rc = git_revparse_single(&object, pointer, revision)
        if rc == GIT_ENOTFOUND.rawValue || rc == GIT_EINVALIDSPEC.rawValue {
            git_error_clear()
            throw RevisionError.unknown(revision)
        }
        if rc == GIT_EAMBIGUOUS.rawValue {
            git_error_clear()
            throw RevisionError.ambiguous(revision)
        }
        try check(rc, "resolve \(revision)")
        defer { git_object_free(object) }
        var peeled: OpaquePointer?
        let prc = git_object_peel(&peeled, object, GIT_OBJECT_COMMIT)
        guard prc == 0 else {
            git_error_clear()
            throw RevisionError.notACommit(revision)
        }
        defer { git_object_free(peeled) }
        return ObjectID(git_object_id(peeled))
    }
}
