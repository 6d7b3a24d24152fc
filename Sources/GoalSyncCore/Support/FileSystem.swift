import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small POSIX file helpers: safe reads (no symlinks, bounded size) and atomic writes.
package enum FileSystem {
    /// Why a file could not be read; the reader names the file (``message`` says the rest).
    package enum ReadError: Error, Equatable, LocalizedError, CustomStringConvertible {
        case missing
        case symlink
        case notAFile
        case tooLarge(bytes: Int, limit: Int)
        case io(String)

        /// What went wrong and what to do, to follow the file's name.
        package var message: String {
            switch self {
            case .missing: return "file is missing"
            case .symlink: return "is a symbolic link; goalsync reads only regular files inside the repository (replace the link with the file itself)"
            case .notAFile: return "is not a regular file"
            case .tooLarge(let bytes, let limit):
                return "file is \(YAMLLimits.Excess.count(bytes)) bytes, over goalsync's limit of \(Self.size(limit)) for it; make it smaller"
            case .io(let reason): return "cannot read: \(reason)"
            }
        }

        package var description: String { message }
        package var errorDescription: String? { message }

        /// `1 MiB`, `512 KiB`, or bytes.
        static func size(_ bytes: Int) -> String {
            if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
            if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
            return "\(YAMLLimits.Excess.count(bytes)) bytes"
        }
    }

    /// Reads a regular file that is not a symlink and not over `limit` bytes (`lstat`, then `read`).
    package static func readRegularFile(_ path: String, limit: Int = MarkdownDocument.maximumSize) throws(ReadError) -> [UInt8] {
        var st = stat()
        guard lstat(path, &st) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { throw .missing }
            throw .io(String(cString: strerror(errno)))
        }
        let type = st.st_mode & S_IFMT
        if type == S_IFLNK { throw .symlink }
        guard type == S_IFREG else { throw .notAFile }
        if Int(st.st_size) > limit { throw .tooLarge(bytes: Int(st.st_size), limit: limit) }
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw .io(String(cString: strerror(errno))) }
        defer { close(fd) }
        var out = [UInt8](repeating: 0, count: Int(st.st_size) + 1)
        var total = 0
        while true {
            if total == out.count { out.append(contentsOf: [UInt8](repeating: 0, count: 4096)) }
            let n = out.withUnsafeMutableBytes { read(fd, $0.baseAddress! + total, $0.count - total) }
            if n < 0 { if errno == EINTR { continue }; throw .io(String(cString: strerror(errno))) }
            if n == 0 { break }
            total += n
            if total > limit { throw .tooLarge(bytes: total, limit: limit) }
        }
        out.removeSubrange(total...)
        return out
    }

    /// Whether `path` exists (without following a final symlink).
    package static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    package static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Writes `bytes` to `path` atomically: a temporary file in the same folder, `fsync`, `rename`.
    /// A reader (or a crash) sees the old file or the new one, never a half-written one.
    package static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        try replace(path, with: bytes, mode: mode, sync: true)
    }

    /// Writes a work-tree file as git's checkout does, without `fsync`: git does not sync work-tree
    /// files either, and a pull that is killed before its branch moves is finished from its
    /// journal (`PullJournal`), which is synced. The file is written under a temporary name and
    /// renamed into place, so a reader never sees half of it; the old file is removed first, as
    /// git's checkout does, because ext4 starts writing a file's data to disk when it is renamed
    /// over an existing one (`auto_da_alloc`), which costs as much as the `fsync` left out. The
    /// folder must exist. Returns the file's `lstat` after the rename, so the index can record it
    /// without reading the file back.
    package static func writeWorkTreeFile(_ bytes: [UInt8], to path: String, mode: mode_t) throws -> stat {
        try replace(path, with: bytes, mode: mode, sync: false)
        var st = stat()
        guard lstat(path, &st) == 0 else { throw GoalSyncError.repository("cannot write \(path): \(String(cString: strerror(errno)))") }
        return st
    }

    private static func replace(_ path: String, with bytes: [UInt8], mode: mode_t, sync: Bool) throws {
        // `.NAME.goalsync-PID` next to the file.
        let name = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        let temporary = "\(path[..<name]).\(path[name...]).goalsync-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw GoalSyncError.repository("cannot write \(path): \(String(cString: strerror(errno)))") }
        var ok = true
        var written = 0
        bytes.withUnsafeBytes { buf in
            while written < buf.count {
                let n = write(fd, buf.baseAddress! + written, buf.count - written)
                if n < 0 { if errno == EINTR { continue }; ok = false; break }
                written += n
            }
        }
        let error = String(cString: strerror(errno))
        if ok, sync { ok = fsync(fd) == 0 }
        close(fd)
        if ok, !sync { unlink(path) }  // see writeWorkTreeFile
        guard ok, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw GoalSyncError.repository("cannot write \(path): \(error)")
        }
        if mode != 0o644 { chmod(path, mode) }
    }

    package static func remove(_ path: String) {
        unlink(path)
    }
}

/// An exclusive lock on a repository for goalsync's writes: `.git/goalsync/lock`, made with
/// `O_EXCL`, holding the owner's pid. A lock left by a process that no longer runs is taken over.
package final class RepositoryLock {
    private let path: String
    private var held = false

    package init(gitDir: String) throws {
        let dir = gitDir + "goalsync"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        path = dir + "/lock"
        for _ in 0..<2 {
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd >= 0 {
                let pid = "\(getpid())\n"
                _ = pid.withCString { write(fd, $0, strlen($0)) }
                close(fd)
                held = true
                return
            }
            guard errno == EEXIST else { throw GoalSyncError.repository("cannot create \(path): \(String(cString: strerror(errno)))") }
            let owner = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if let pid = Int32(owner), pid > 0, kill(pid, 0) == 0 || errno == EPERM {
                throw GoalSyncError.locked(pid: owner)
            }
            unlink(path)  // the owner is gone: a stale lock from a killed process
        }
        throw GoalSyncError.locked(pid: "unknown")
    }

    package func release() {
        if held { unlink(path); held = false }
    }

    deinit { release() }
}
