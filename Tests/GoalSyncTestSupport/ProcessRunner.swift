import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// What a finished process printed and how it exited.
package struct ProcessResult: CustomStringConvertible, Sendable {
    /// The exit status, or the signal's number when `killedBySignal`.
    package var status: Int32
    package var stdout: String
    package var stderr: String
    package var killedBySignal = false

    package init(status: Int32, stdout: String, stderr: String, killedBySignal: Bool = false) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
        self.killedBySignal = killedBySignal
    }

    package var description: String {
        "\(killedBySignal ? "killed by signal" : "exit") \(status)\n--- stdout:\n\(stdout)--- stderr:\n\(stderr)"
    }

    /// stderr's non-empty lines; any line break counts (`"\r\n"` is one Character, not a `"\n"`).
    package var stderrLines: [String] { stderr.split(whereSeparator: \.isNewline).map(String.init) }
}

/// Runs programs with an environment the test builds (nothing inherited), capturing output through
/// temporary files (no pipe can fill up, and no other test's child can hold one open).
///
/// The child is started with `posix_spawn` and reaped with a blocking `waitpid` on its own pid:
/// Foundation's `Process` watches children through a shared SIGCHLD handler that, with many tests
/// starting processes at once, can miss an exit and leave `waitUntilExit()` waiting on a zombie.
/// A watchdog kills a child that runs longer than `timeout` seconds, so a hung command fails its
/// test instead of hanging the suite.
package enum ProcessRunner {
    package struct SpawnError: Error, CustomStringConvertible {
        package var description: String
    }

    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    /// glibc's `posix_spawn_file_actions_addchdir_np` (2.29+), which Swift's Glibc module does not export.
    private static let addchdir: AddChdir? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np") else { return nil }
        return unsafeBitCast(symbol, to: AddChdir.self)
    }()

    package static func run(
        _ executable: String, _ arguments: [String], in directory: String, environment: [String: String],
        stdin: [UInt8]? = nil, timeout: Double = 300
    ) throws -> ProcessResult {
        let child = try spawn(executable, arguments, in: directory, environment: environment, stdin: stdin)
        let watchdog = DispatchWorkItem { kill(child.pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        defer { watchdog.cancel() }
        return try child.wait()
    }

    /// A started child: its pid, and where its output goes until ``wait()`` reads it.
    package struct Child {
        package let pid: pid_t
        fileprivate let scratch: String

        /// Reaps the child (a blocking `waitpid` on its pid) and returns what it printed and how it ended.
        package func wait() throws -> ProcessResult {
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 {
                guard errno == EINTR else { throw SpawnError(description: "waitpid \(pid): \(String(cString: strerror(errno)))") }
            }
            let stdout = String(decoding: FileManager.default.contents(atPath: scratch + "/out") ?? Data(), as: UTF8.self)
            let stderr = String(decoding: FileManager.default.contents(atPath: scratch + "/err") ?? Data(), as: UTF8.self)
            let signal = status & 0x7F
            if signal == 0 {
                return ProcessResult(status: (status >> 8) & 0xFF, stdout: stdout, stderr: stderr)
            }
            return ProcessResult(status: signal, stdout: stdout, stderr: stderr + "\n[killed by signal \(signal)]", killedBySignal: true)
        }
    }

    /// Starts a program without waiting for it (see ``run(_:_:in:environment:stdin:timeout:)``);
    /// the caller must ``Child/wait()`` for it.
    package static func spawn(
        _ executable: String, _ arguments: [String], in directory: String, environment: [String: String], stdin: [UInt8]? = nil
    ) throws -> Child {
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("goalsync-proc-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let outPath = scratch + "/out", errPath = scratch + "/err", inPath = scratch + "/in"
        _ = FileManager.default.createFile(atPath: inPath, contents: Data(stdin ?? []))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var program = executable, programArguments = arguments
        if let addchdir = Self.addchdir {
            _ = addchdir(&actions, directory)
        } else {
            // Without posix_spawn_file_actions_addchdir_np (glibc < 2.29), a shell changes directory.
            program = "/bin/sh"
            programArguments = ["-c", "cd \"$0\" && exec \"$@\"", directory, executable] + arguments
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t(), allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([program] + programArguments).map { strdup($0) } + [nil]
        // The one exception to "nothing inherited": a sanitizer's settings (scripts/sanitize.sh), so
        // that an instrumented binary runs as the instrumented suite was told to run.
        var environment = environment
        for name in ["ASAN_OPTIONS", "TSAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS"] where environment[name] == nil {
            if let value = getenv(name) { environment[name] = String(cString: value) }
        }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, program, &actions, &attributes, argv, envp)
        guard rc == 0 else {
            try? FileManager.default.removeItem(atPath: scratch)
            throw SpawnError(description: "cannot start \(executable): \(String(cString: strerror(rc)))")
        }
        return Child(pid: pid, scratch: scratch)
    }
}

/// Where the built `goalsync` binary is: beside the test bundle.
package enum Binary {
    package static let directory: String? = {
        var candidates = [URL]()
        if let arg0 = CommandLine.arguments.first {
            candidates.append(URL(fileURLWithPath: arg0).deletingLastPathComponent())
        }
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
        candidates.append(Bundle.main.bundleURL)
        for dir in candidates {
            let path = dir.appendingPathComponent("goalsync").path
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue,
                FileManager.default.isExecutableFile(atPath: path)
            {
                return dir.standardizedFileURL.path
            }
        }
        return nil
    }()

    /// The binary's path; records a clear failure when it is not there.
    package static func path(sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let dir = try #require(
            directory,
            "the goalsync binary was not found beside the test bundle (\(CommandLine.arguments.first ?? "?")); build it with swift build --build-tests",
            sourceLocation: sourceLocation)
        return dir + "/goalsync"
    }
}

/// Writes an executable script (an editor, a hook). The file is opened with `O_CLOEXEC`: a child
/// that another test starts at that moment must not inherit the open file, or running the script
/// fails with "Text file busy" (ETXTBSY).
package func writeExecutable(_ text: String, to path: String) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
    guard fd >= 0 else { throw ProcessRunner.SpawnError(description: "cannot write \(path): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    let bytes = Array(text.utf8)
    var written = 0
    while written < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
        guard n > 0 else { throw ProcessRunner.SpawnError(description: "cannot write \(path): \(String(cString: strerror(errno)))") }
        written += n
    }
    fchmod(fd, 0o755)
}
