#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// goalsync's one process runner: every program goalsync starts is started here, with `posix_spawn`:
/// `git credential` and askpass helpers run to completion (``run(_:environment:input:)``), the
/// services the exec transport talks to (``ServiceConnection``), the team's pre-commit hooks
/// (``runCollectingOutput(_:arguments:environment:directory:limit:)``) and the person's editor
/// (``runInTerminal(_:arguments:environment:directory:)``).
///
/// Not Foundation's `Process`: on Linux it learns that a child ended when a socket the child inherited
/// closes, so it waits for any background process the child leaves behind, e.g. the
/// `git-credential-cache--daemon` that `git credential approve` starts, for the cache's whole lifetime.
/// Here the child is reaped with `waitpid` and inherits no descriptor but the three it is given (so no
/// helper daemon keeps one of libgit2's sockets open), with no signal blocked and every signal's default
/// action.
package enum Subprocess {
    struct Result {
        let status: Int32
        let output: [UInt8]
        let errors: [UInt8]
    }

    /// What a program run by ``runCollectingOutput(_:arguments:environment:directory:limit:)`` did.
    package struct Outcome: Sendable {
        /// Its exit status, or 128 + the signal that ended it.
        package let status: Int32
        /// What it wrote to its standard output and error, interleaved as written; at most the
        /// limit asked for.
        package let output: [UInt8]
        /// Whether it wrote more than that.
        package let truncated: Bool
    }

    /// Runs `program` (a path) with `arguments` (after argv[0], which is the program) and exactly
    /// `environment`, in `directory`, its standard input `/dev/null`, and waits for it to end. Its
    /// standard output and error go to one anonymous temporary file (`tmpfile`), read after it
    /// ended: neither a program that writes more than a pipe holds nor a background process it
    /// leaves behind holding the output open can make goalsync wait (the hang of Foundation's
    /// `Process` with a pipe and `readDataToEndOfFile` on Linux). A script without a `#!` line is
    /// run by `/bin/sh`, as git runs hooks.
    package static func runCollectingOutput(
        _ program: String, arguments: [String], environment: [String: String], directory: String?, limit: Int = 1 << 20
    ) -> Swift.Result<Outcome, SpawnError> {
        guard let file = tmpfile() else { return .failure(SpawnError(code: errno)) }
        defer { fclose(file) }
        let output = fileno(file)
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        guard null >= 0 else { return .failure(SpawnError(code: errno)) }
        defer { close(null) }
        let pid: pid_t
        switch spawnInDirectory(program, arguments, environment: environment, directory: directory, stdin: null, stdout: output, stderr: output) {
        case .success(let p): pid = p
        case .failure(let error): return .failure(error)
        }
        let status = waitForExit(pid)
        // What the file holds now (a process the program left behind may still write to it).
        let size = max(0, Int(lseek(output, 0, SEEK_END)))
        var bytes = [UInt8](repeating: 0, count: min(size, max(0, limit)))
        var total = 0
        while total < bytes.count {
            let n = bytes.withUnsafeMutableBytes { buffer in
                pread(output, buffer.baseAddress.map { $0 + total }, buffer.count - total, off_t(total))
            }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { break }
            total += n
        }
        bytes.removeSubrange(total...)
        let truncated = size > bytes.count
        return .success(Outcome(status: status, output: bytes, truncated: truncated))
    }

    /// Runs `program` (a path) with `arguments` and exactly `environment` in `directory`, on
    /// goalsync's own standard input, output and error (an editor the person works in), and
    /// waits for it to end. Its exit status, or 128 + the signal that ended it.
    package static func runInTerminal(
        _ program: String, arguments: [String], environment: [String: String], directory: String?
    ) -> Swift.Result<Int32, SpawnError> {
        spawnInDirectory(program, arguments, environment: environment, directory: directory, stdin: 0, stdout: 1, stderr: 2).map(waitForExit)
    }

    /// ``spawn(_:_:environment:stdin:stdout:stderr:newProcessGroup:)`` with argv[0] the program,
    /// in `directory` (`posix_spawn_file_actions_addchdir_np`, or through `/bin/sh` where the C
    /// library has none), and a script without `#!` run by `/bin/sh` (`ENOEXEC`).
    private static func spawnInDirectory(
        _ program: String, _ arguments: [String], environment: [String: String], directory: String?,
        stdin: Int32, stdout: Int32, stderr: Int32
    ) -> Swift.Result<pid_t, SpawnError> {
        var program = program, argv = [program] + arguments
        var directory = directory
        if let folder = directory, !canChangeDirectory {
            argv = ["sh", "-c", "cd -- \"$0\" && exec \"$@\"", folder] + argv
            program = "/bin/sh"
            directory = nil
        }
        let first = spawn(program, argv, environment: environment, stdin: stdin, stdout: stdout, stderr: stderr, directory: directory)
        if case .failure(let error) = first, error.code == ENOEXEC {
            return spawn("/bin/sh", ["sh"] + argv, environment: environment, stdin: stdin, stdout: stdout, stderr: stderr, directory: directory)
        }
        return first
    }

    /// Runs `arguments[0]` found through `PATH` in `environment`; nil when it cannot be started. Its
    /// output is read after it exited, from what the pipes hold: plenty for a credential, and never
    /// blocked by a daemon holding a pipe open.
    static func run(_ arguments: [String], environment: [String: String], input: [UInt8]) -> Result? {
        guard let program = arguments.first.flatMap({ find($0, environment: environment) }) else { return nil }
        guard let stdin = makePipe() else { return nil }
        guard let stdout = makePipe() else {
            closeAll(stdin.read, stdin.write)
            return nil
        }
        guard let stderr = makePipe() else {
            closeAll(stdin.read, stdin.write, stdout.read, stdout.write)
            return nil
        }
        // The request is a few hundred bytes: it fits in the pipe, so writing it first cannot block.
        _ = input.withUnsafeBytes { write(stdin.write, $0.baseAddress, $0.count) }
        close(stdin.write)
        let spawned = spawn(program, arguments, environment: environment, stdin: stdin.read, stdout: stdout.write, stderr: stderr.write)
        closeAll(stdin.read, stdout.write, stderr.write)
        defer { closeAll(stdout.read, stderr.read) }
        guard case .success(let pid) = spawned else { return nil }
        return Result(status: waitForExit(pid), output: drain(stdout.read), errors: drain(stderr.read))
    }

    /// The program `name` as `execvp` would find it through `PATH` in `environment` (git's own default,
    /// `/usr/local/bin:/usr/bin:/bin`, when it has none); a name with a slash is taken as it is. Nil
    /// when no executable file has that name.
    static func find(_ name: String, environment: [String: String]) -> String? {
        if name.contains("/") { return isExecutableFile(name) ? name : nil }
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = folder.hasSuffix("/") ? "\(folder)\(name)" : "\(folder)/\(name)"
            if isExecutableFile(candidate) { return candidate }
        }
        return nil
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && access(path, X_OK) == 0
    }

    /// Starts `program` (a path) with `arguments` (argv, the program's name first) and exactly the given
    /// environment, on the three descriptors given, each dup'ed to 0, 1 and 2. With `newProcessGroup`
    /// the child leads a process group of its own, so it and whatever it starts can be stopped together.
    /// Returns the child's pid, or `errno` when it could not be started.
    static func spawn(
        _ program: String, _ arguments: [String], environment: [String: String],
        stdin: Int32, stdout: Int32, stderr: Int32, newProcessGroup: Bool = false, directory: String? = nil
    ) -> Swift.Result<pid_t, SpawnError> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let directory, let changeDirectory {
            let rc = directory.withCString { changeDirectory(&actions, $0) }
            if rc != 0 { return .failure(SpawnError(code: rc)) }
        }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The calling thread may block signals (dispatch's threads do) and the process may ignore
        // SIGPIPE: the child starts with none blocked and every default action.
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        if newProcessGroup {
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        #if canImport(Darwin)
        flags |= Int32(POSIX_SPAWN_CLOEXEC_DEFAULT)
        #else
        closeFrom(3, &actions)
        #endif
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, program, &actions, &attributes, argv, envp)
        return rc == 0 ? .success(pid) : .failure(SpawnError(code: rc))
    }

    /// Why `posix_spawn` failed: its `errno`.
    package struct SpawnError: Error, Sendable {
        package let code: Int32
        package var description: String { String(cString: strerror(code)) }
    }

    typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    /// glibc's (2.29+) and macOS's `posix_spawn_file_actions_addchdir_np`, looked up at run time
    /// because Swift's Glibc module does not declare it.
    private static var changeDirectory: ChangeDirectory? {
        #if canImport(Darwin)
        let everywhere = UnsafeMutableRawPointer(bitPattern: -2)  // RTLD_DEFAULT
        #else
        let everywhere: UnsafeMutableRawPointer? = nil  // RTLD_DEFAULT
        #endif
        return dlsym(everywhere, "posix_spawn_file_actions_addchdir_np").map { unsafeBitCast($0, to: ChangeDirectory.self) }
    }

    private static var canChangeDirectory: Bool { changeDirectory != nil }

    /// Waits for `pid` to end and reaps it; its exit status, or 128 + the signal that ended it (as a
    /// shell reports it).
    static func waitForExit(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        return exitStatus(status)
    }

    /// A `waitpid` status as a shell reports it: the exit status, or 128 + the signal.
    static func exitStatus(_ status: Int32) -> Int32 {
        status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }

    static func makePipe() -> (read: Int32, write: Int32)? {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return nil }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (fds[0], fds[1])
    }

    static func closeAll(_ descriptors: Int32...) {
        for fd in descriptors where fd >= 0 { close(fd) }
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
