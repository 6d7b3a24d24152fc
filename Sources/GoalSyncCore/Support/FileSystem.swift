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
            let n = out.withUnsafeMutableBytes { read(fd, $0.baseAddress.map { $0 + total }, $0.count - total) }
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

    /// Whether `path` is a symbolic link (`lstat`).
    package static func isSymlink(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK
    }

    package static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Writes `bytes` to `path` atomically: a temporary file, `fsync`, `rename`. A reader (or a
    /// crash) sees the old file or the new one, never a half-written one. The temporary file is
    /// made in `temporaryDirectory` when given (goalsync passes `.git/goalsync/tmp` for work-tree
    /// files, where `git status` never shows one left by a killed process), else next to the file.
    package static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644, temporaryDirectory: String? = nil) throws {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        var temporary = temporaryDirectory
        if let t = temporary, (try? FileManager.default.createDirectory(atPath: t, withIntermediateDirectories: true)) == nil { temporary = nil }
        try replace(path, with: bytes, mode: mode, sync: true, temporaryDirectory: temporary)
    }

    /// Writes a work-tree file as git's checkout does, without `fsync`: git does not sync work-tree
    /// files either, and a pull that is killed before its branch moves is finished from its
    /// journal (`PullJournal`), which is synced. The file is written under a temporary name (in
    /// `temporaryDirectory`, see ``writeAtomically(_:to:mode:temporaryDirectory:)``) and renamed
    /// into place, so a reader never sees half of it; the old file is removed first, as git's
    /// checkout does, because ext4 starts writing a file's data to disk when it is renamed over an
    /// existing one (`auto_da_alloc`), which costs as much as the `fsync` left out. The folder must
    /// exist. Returns the file's `lstat` after the rename, so the index can record it without
    /// reading the file back.
    package static func writeWorkTreeFile(_ bytes: [UInt8], to path: String, mode: mode_t, temporaryDirectory: String? = nil) throws -> stat {
        try replace(path, with: bytes, mode: mode, sync: false, temporaryDirectory: temporaryDirectory)
        var st = stat()
        guard lstat(path, &st) == 0 else { throw writeError(path, "lstat", errno) }
        return st
    }

    /// Creates a work-tree file that must not exist yet (a clone's checkout into its new, empty
    /// folder), as git's checkout of a new file does: written in place, `O_EXCL | O_NOFOLLOW`, so
    /// nothing already there (a file, a link) is followed or replaced, and without the temporary
    /// name and the rename of ``writeWorkTreeFile(_:to:mode:temporaryDirectory:)``. A rename from
    /// the temporary folder into another folder locks both folders (and, on ext4, the file
    /// system's rename lock), which threads writing thousands of files at once wait on. Nobody
    /// reads the clone before it is complete, and a failed clone is removed. The folder must exist.
    /// Returns the new file's `fstat`, for the index.
    package static func createWorkTreeFile(_ bytes: [UInt8], at path: String, mode: mode_t) throws -> stat {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw writeError(path, "create", errno) }
        var failure: (step: String, code: Int32)? = writeAll(fd, bytes).map { ("write", $0) }
        if failure == nil, mode != 0o644, fchmod(fd, mode) != 0 { failure = ("chmod", errno) }
        var st = stat()
        if failure == nil, fstat(fd, &st) != 0 { failure = ("fstat", errno) }
        if close(fd) != 0, failure == nil, errno != EINTR { failure = ("close", errno) }
        if let failure {
            unlink(path)
            throw writeError(path, failure.step, failure.code)
        }
        return st
    }

    /// Writes all of `bytes` to `fd` (again after EINTR and short writes); the errno of a failed
    /// `write`, kept as it failed, or nil.
    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32? {
        bytes.withUnsafeBytes { buf -> Int32? in
            var written = 0
            while written < buf.count {
                let n = write(fd, buf.baseAddress.map { $0 + written }, buf.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += n
            }
            return nil
        }
    }

    /// The prefix of the temporary files this process makes in a temporary directory: `PID-`.
    private static func ownPrefix() -> String { "\(getpid())-" }

    private static func replace(_ path: String, with bytes: [UInt8], mode: mode_t, sync: Bool, temporaryDirectory: String?) throws {
        let temporary: String
        let fd: Int32
        if let temporaryDirectory {
            // `PID-RANDOM` (several threads write at once): made with O_EXCL, a new name if taken.
            var attempt: (String, Int32) = ("", -1)
            for _ in 0..<8 {
                let name = temporaryDirectory + "/" + ownPrefix() + String(UInt64.random(in: 0...UInt64.max), radix: 36)
                attempt = (name, open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode))
                if attempt.1 >= 0 || errno != EEXIST { break }
            }
            (temporary, fd) = attempt
        } else {
            // `.NAME.goalsync-PID` next to the file.
            let name = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
            temporary = "\(path[..<name]).\(path[name...]).goalsync-\(getpid())"
            fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode)
        }
        guard fd >= 0 else { throw writeError(path, "create \(temporary)", errno) }
        // Each step's errno is kept as it fails: a later call (close, unlink) may change errno.
        var failure: (step: String, code: Int32)? = writeAll(fd, bytes).map { ("write", $0) }
        if failure == nil, mode != 0o644, fchmod(fd, mode) != 0 { failure = ("chmod", errno) }
        if failure == nil, sync, fsync(fd) != 0 { failure = ("fsync", errno) }
        if close(fd) != 0, failure == nil, errno != EINTR { failure = ("close", errno) }
        if let failure {
            unlink(temporary)
            throw writeError(path, failure.step, failure.code)
        }
        if !sync { unlink(path) }  // see writeWorkTreeFile
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            // The temporary directory is on another file system (or mount): next to the file instead.
            if code == EXDEV, temporaryDirectory != nil {
                return try replace(path, with: bytes, mode: mode, sync: sync, temporaryDirectory: nil)
            }
            throw writeError(path, "rename", code)
        }
    }

    private static func writeError(_ path: String, _ step: String, _ code: Int32) -> GoalSyncError {
        .repository("cannot write \(path) (\(step): \(String(cString: strerror(code)))); check the free space and the permissions there, then run the command again")
    }

    /// Removes the temporary files that killed goalsync processes left in `directory` (see
    /// ``writeAtomically(_:to:mode:temporaryDirectory:)``): those whose process no longer runs.
    package static func removeStaleTemporaries(in directory: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names {
            guard let dash = name.firstIndex(of: "-"), let pid = Int32(name[..<dash]), !isRunning(pid) else { continue }
            unlink(directory + "/" + name)
        }
    }

    /// Removes the `.NAME.goalsync-PID` files that killed goalsync processes left next to work-tree
    /// files in `directory` (where a temporary file goes when the temporary directory is on another
    /// file system).
    package static func removeStaleSiblingTemporaries(in directory: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix(".") {
            guard let marker = name.range(of: ".goalsync-", options: .backwards), let pid = Int32(name[marker.upperBound...]),
                !isRunning(pid) else { continue }
            unlink(directory + "/" + name)
        }
    }

    /// Whether process `pid` runs (`kill(pid, 0)`; one of another user counts as running).
    static func isRunning(_ pid: Int32) -> Bool {
        pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)
    }

    package static func remove(_ path: String) {
        unlink(path)
    }
}
