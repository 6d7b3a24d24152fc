#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a short program to completion with `posix_spawn`, for `git credential`.
///
/// Not Foundation's `Process`: on Linux it learns that a child ended when a socket the child inherited
/// closes, so it waits for any background process the child leaves behind, e.g. the
/// `git-credential-cache--daemon` that `git credential approve` starts, for the cache's whole lifetime.
/// Here the child is reaped with `waitpid`, inherits no descriptor but its three pipes (so no helper
/// daemon keeps one of libgit2's sockets open), and its output is read after it exited, from what the
/// pipes hold: plenty for a credential, and never blocked by a daemon holding a pipe open.
enum Subprocess {
    struct Result {
        let status: Int32
        let output: [UInt8]
        let errors: [UInt8]
    }

    /// Runs `arguments[0]` found through `PATH` in `environment`; nil when it cannot be started.
    static func run(_ arguments: [String], environment: [String: String], input: [UInt8]) -> Result? {
        guard let stdin = makePipe() else { return nil }
        guard let stdout = makePipe() else {
            closeAll(stdin)
            return nil
        }
        guard let stderr = makePipe() else {
            closeAll(stdin, stdout)
            return nil
        }
        // The request is a few hundred bytes: it fits in the pipe, so writing it first cannot block.
        _ = input.withUnsafeBytes { write(stdin.write, $0.baseAddress, $0.count) }
        close(stdin.write)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin.read, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout.write, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr.write, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        #if canImport(Darwin)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_CLOEXEC_DEFAULT))
        #else
        closeFrom(3, &actions)
        #endif

        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
        closeAll((stdin.read, -1), (stdout.write, -1), (stderr.write, -1))
        defer { closeAll((stdout.read, -1), (stderr.read, -1)) }
        guard spawned == 0 else { return nil }

        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let exitStatus = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Result(status: exitStatus, output: drain(stdout.read), errors: drain(stderr.read))
    }

    private static func makePipe() -> (read: Int32, write: Int32)? {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return nil }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (fds[0], fds[1])
    }

    private static func closeAll(_ pipes: (Int32, Int32)...) {
        for (a, b) in pipes {
            if a >= 0 { close(a) }
            if b >= 0 { close(b) }
        }
    }

    /// What the pipe holds now, without waiting for writers that may still have it open.
    private static func drain(_ fd: Int32) -> [UInt8] {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var out = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(fd, &chunk, chunk.count)
            guard count > 0 else { break }
            out += chunk[0..<count]
        }
        return out
    }

    #if !canImport(Darwin)
    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), looked up at run time because Swift's
    /// Glibc module does not declare it; on an older glibc the child keeps only close-on-exec protection.
    private static func closeFrom(_ lowest: Int32, _ actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return }
        _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, lowest)
    }
    #endif
}
