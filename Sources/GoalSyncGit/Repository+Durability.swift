import CLibgit2
import Foundation

/// What goalsync flushes to disk after a download, and why: the same as git by default.
///
/// git (2.36 and later) flushes, by default (`core.fsync` unset, `core.fsyncMethod=fsync`), the pack
/// files it receives and their indexes (`.pack`, `.idx`, `.rev`: the "pack" and "pack-metadata"
/// components), and the commit graph; it does not flush loose objects, references, the index or
/// work-tree files. libgit2 1.5 flushes nothing unless `GIT_OPT_ENABLE_FSYNC_GITDIR` is on, and
/// then it flushes every file it writes in the git folder (loose objects, references, the index,
/// the config and the packs, each through its `git_filebuf`), which is far more than git does.
/// So goalsync leaves that option off and flushes the new pack files of a clone or fetch itself,
/// as git does, and then their folder, which git does not (one more `fsync`: the new names in the
/// folder are on disk too). The merge's own pack (``writeBlobs(_:)``) is not flushed, as git does
/// not flush the loose objects of its merges.
extension Repository {
    /// The names of the pack files now in `objects/pack` (see ``syncPacks(notIn:)``).
    package func packFileNames() -> Set<String> {
        Set((try? FileManager.default.contentsOfDirectory(atPath: gitDir + "objects/pack")) ?? [])
    }

    /// Flushes to disk (`fsync`) every `.pack`, `.idx` and `.rev` file in `objects/pack` whose name
    /// is not in `before` (all of them for nil), then the folder itself, as git does after it
    /// receives a pack. Throws when a flush fails (git stops there too).
    package func syncPacks(notIn before: Set<String>?) throws {
        let folder = gitDir + "objects/pack"
        let names = packFileNames().subtracting(before ?? [])
            .filter { $0.hasSuffix(".pack") || $0.hasSuffix(".idx") || $0.hasSuffix(".rev") }
        guard !names.isEmpty else { return }
        for name in names.sorted() { try flushToDisk(folder + "/" + name, flags: O_RDONLY) }
        try flushToDisk(folder, flags: O_RDONLY | O_DIRECTORY)
    }
}

/// `fsync` of the file or folder at `path`, again after EINTR.
private func flushToDisk(_ path: String, flags: Int32) throws {
    let fd = open(path, flags | O_CLOEXEC)
    guard fd >= 0 else { throw osError("open \(path) to flush it to disk") }
    defer { close(fd) }
    while fsync(fd) != 0 {
        if errno == EINTR { continue }
        throw osError("flush \(path) to disk (fsync)")
    }
}

private func osError(_ operation: String) -> GitError {
    GitError(code: -1, errorClass: Int32(GIT_ERROR_OS.rawValue), message: String(cString: strerror(errno)), operation: operation)
}
