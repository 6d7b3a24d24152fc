import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive lock on a repository for goalsync's writes: `flock(2)` on `.git/goalsync/lock`.
/// The kernel releases it when its holder exits or is killed, so a killed goalsync never leaves a
/// lock behind; the holder's pid is written into the file for the message another process shows.
/// A second writer waits for the lock, polling with a short backoff, up to `timeout` seconds
/// (``defaultTimeout``; `GOALSYNC_LOCK_TIMEOUT` sets it) before it refuses, so writers that meet
/// take turns instead of failing. The file is removed on release, as git removes its `index.lock`.
package final class RepositoryLock {
    /// How long a writer waits for another one by default, in seconds.
    package static let defaultTimeout = 10.0

    private let path: String
    private var descriptor: Int32 = -1

    /// Takes the lock, waiting up to `timeout` seconds for another process that holds it.
    package init(gitDir: String, timeout: Double = defaultTimeout) throws {
        let dir = gitDir + "goalsync"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        path = dir + "/lock"
        let start = Self.now()
        var pause: UInt32 = 1_000  // microseconds, doubled up to 50 ms
        while true {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
            guard fd >= 0 else { throw GoalSyncError.repository("cannot open \(path): \(String(cString: strerror(errno)))") }
            if flock(fd, LOCK_EX | LOCK_NB) == 0 {
                // The holder before us may have removed the file between our open and our flock:
                // a lock on a file that is no longer at `path` locks nothing. Try again.
                var held = stat(), named = stat()
                if fstat(fd, &held) == 0, stat(path, &named) == 0, held.st_ino == named.st_ino, held.st_dev == named.st_dev {
                    let pid = Array("\(getpid())\n".utf8)
                    _ = ftruncate(fd, 0)
                    _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
                    descriptor = fd
                    return
                }
                close(fd)
                continue
            }
            let error = errno
            close(fd)
            guard error == EWOULDBLOCK || error == EAGAIN || error == EINTR else {
                throw GoalSyncError.repository("cannot lock \(path): \(String(cString: strerror(error)))")
            }
            let waited = Self.now() - start
            if waited >= timeout {
                let owner = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
                throw GoalSyncError.locked(pid: owner.flatMap { Int32($0) }.map(String.init) ?? "unknown", waited: timeout)
            }
            // A little jitter, so writers that keep meeting do not wake up together.
            let remaining = (timeout - waited) * 1_000_000 + 1
            usleep(UInt32(min(Double(pause + UInt32.random(in: 0...pause)), remaining)))
            pause = min(pause * 2, 50_000)
        }
    }

    /// Removes the lock file, then lets go of the lock (closing the file releases it).
    package func release() {
        guard descriptor >= 0 else { return }
        unlink(path)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }

    /// Takes the lock only when no other process holds it; nil when one does.
    package static func attempt(gitDir: String) throws -> RepositoryLock? {
        do {
            return try RepositoryLock(gitDir: gitDir, timeout: 0)
        } catch GoalSyncError.locked {
            return nil
        }
    }

    private static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}

extension GoalRepository {
    /// How long a write waits for another goalsync process that holds the repository's lock:
    /// `GOALSYNC_LOCK_TIMEOUT` seconds, else ``RepositoryLock/defaultTimeout``.
    package func lockTimeout() throws -> Double {
        guard let text = environment["GOALSYNC_LOCK_TIMEOUT"], !text.isEmpty else { return RepositoryLock.defaultTimeout }
        guard let seconds = Double(text), seconds >= 0, seconds.isFinite else {
            throw GoalSyncError.usage("GOALSYNC_LOCK_TIMEOUT must be a number of seconds (such as 10 or 0.5), not '\(text)'")
        }
        return seconds
    }

    /// Takes the repository's write lock, waiting for another writer up to ``lockTimeout()``.
    package func lockRepository() throws -> RepositoryLock {
        try RepositoryLock(gitDir: git.gitDir, timeout: try lockTimeout())
    }
}
