import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small POSIX file helpers: safe reads (no symlinks, bounded size) and atomic writes.
package enum FileSystem {
    package enum ReadError: Error, Equatable {
        case missing
        case symlink
        case notAFile
        case tooLarge(Int)
        case io(String)
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
        if Int(st.st_size) > limit { throw .tooLarge(Int(st.st_size)) }
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
            if total > limit { throw .tooLarge(total) }
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
