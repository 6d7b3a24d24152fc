import Foundation
import Testing

/// A team sharing one remote: a bare repository and one clone per member, each with its own
/// identity, all in one temporary folder removed at the end.
package final class Team {
    package let base: String
    package let remote: String
    package let binary: String
    package let env: [String: String]

    /// - Parameter sshHome: also make `base`/home the home OpenSSH's client sees (which it reads from the
    ///   password database, not from HOME), through nss_wrapper (see ``nssWrapperEnvironment(home:dir:)``),
    ///   so a test's `~/.ssh/config`, keys and `known_hosts` are the ones every ssh the team runs uses.
    package init(sshHome: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) throws {
        binary = try Binary.path(sourceLocation: sourceLocation)
        let tmp = URL(fileURLWithPath: NSTemporaryDirectory()).resolvingSymlinksInPath().path
        base = tmp + "/goalsync-team-" + UUID().uuidString.lowercased()
        remote = base + "/remote.git"
        for dir in [base + "/home", base + "/xdg"] { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        var env = [
            "PATH": (binary as NSString).deletingLastPathComponent + ":/usr/local/bin:/usr/bin:/bin",
            "HOME": base + "/home", "XDG_CONFIG_HOME": base + "/xdg", "GIT_CONFIG_NOSYSTEM": "1",
            "GOALSYNC_TODAY": TestRepo.today, "LANG": "C.UTF-8", "TMPDIR": tmp,
        ]
        if sshHome { env.merge(try nssWrapperEnvironment(home: base + "/home", dir: base + "/nss")) { $1 } }
        self.env = env
        try run(TestRepo.gitPath, ["init", "-q", "--bare", "-b", "main", remote], in: base).requireOK("git init --bare")
    }

    deinit { try? FileManager.default.removeItem(atPath: base) }

    package func run(_ exe: String, _ args: [String], in dir: String, extra: [String: String] = [:]) throws -> ProcessResult {
        var e = env
        for (k, v) in extra { e[k] = v }
        return try ProcessRunner.run(exe, args, in: dir, environment: e)
    }

    /// The first member makes the goal repository and pushes it; the others clone it.
    package func founder(_ name: String) throws -> Member {
        let m = Member(team: self, name: name)
        try m.goalsync("init", m.dir).requireOK("init")
        try m.git("remote", "add", "origin", remote).requireOK("remote add")
        try m.goalsync("push").requireOK("first push")
        return m
    }

    package func join(_ name: String, url: String? = nil) throws -> Member {
        let m = Member(team: self, name: name)
        try run(binary, ["clone", url ?? remote, m.dir], in: base, extra: m.identity).requireOK("clone")
        return m
    }
}

/// One teammate's clone.
package struct Member {
    package let team: Team
    package let name: String
    package var dir: String { team.base + "/" + name }
    package var identity: [String: String] {
        let email = name.lowercased() + "@example.com"
        return ["GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email]
    }

    package init(team: Team, name: String) {
        self.team = team
        self.name = name
    }

    @discardableResult
    package func goalsync(_ args: String..., extra: [String: String] = [:]) throws -> ProcessResult {
        try goalsync(args, extra: extra)
    }

    @discardableResult
    package func goalsync(_ args: [String], extra: [String: String] = [:]) throws -> ProcessResult {
        let cwd = FileManager.default.fileExists(atPath: dir) ? dir : team.base
        return try team.run(team.binary, args, in: cwd, extra: identity.merging(extra) { $1 })
    }

    @discardableResult
    package func git(_ args: String...) throws -> ProcessResult {
        try team.run(TestRepo.gitPath, args, in: dir, extra: identity)
    }

    package func file(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/" + relative)))
    }

    package func text(_ relative: String) throws -> String { String(decoding: try file(relative), as: UTF8.self) }

    package func write(_ relative: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/" + relative))
    }

    package var head: String { (try? git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? "" }

    /// Everything a pull could touch: HEAD, index, status, and the work tree's files.
    package func state() throws -> [String] {
        let files = TestRepo.files(under: dir).filter { !$0.key.hasPrefix(".git/") && $0.key != ".git" }
        return [head, try git("ls-files", "--stage").stdout, try git("status", "--porcelain").stdout]
            + files.keys.sorted().map { "\($0): \(files[$0]!.count) \(files[$0]!.hashValue)" }
    }
}

extension ProcessResult {
    @discardableResult
    package func requireOK(_ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult {
        try #require(status == 0, "\(what) failed: \(self)", sourceLocation: sourceLocation)
        return self
    }
}

/// `git daemon` serving a folder on 127.0.0.1 with push enabled, stopped when the value goes.
package final class DaemonServer {
    package let port: Int
    private let server: SpawnedProcess

    package init(basePath: String) throws {
        for _ in 0..<5 {
            let port = try freePort()
            let p = try SpawnedProcess(gitExecPath() + "/git-daemon", [
                "--export-all", "--reuseaddr", "--base-path=\(basePath)", "--listen=127.0.0.1", "--port=\(port)",
                "--enable=receive-pack", basePath,
            ])
            if waitForPort(port, server: p) {
                self.port = port
                server = p
                return
            }
            p.stop()
        }
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "git daemon did not start"])
    }

    deinit { server.stop() }
}

/// OpenSSH's `sshd` on 127.0.0.1 with OpenSSH's default algorithms, its own host key of
/// `keyType`, accepting `root` with the given public keys; stopped when the value goes. Its log
/// (`-E`) is kept in `dir`/sshd.log and shown when it does not start.
package final class SSHDaemon {
    package let port: Int
    /// "ssh-ed25519 AAAA…", as a known_hosts line needs it.
    package let hostPublicKey: String
    private let server: SpawnedProcess

    package var knownHostsLine: String { "[127.0.0.1]:\(port) \(hostPublicKey)" }
    package func url(_ path: String) -> String { "ssh://root@127.0.0.1:\(port)\(path)" }

    /// An sshd configuration for a test server on 127.0.0.1 whose host key, authorized keys and pid
    /// file are in `dir`: public keys only, no PAM, no checks of the folders' owners.
    package static func config(dir: String) -> String {
        """
        HostKey \(dir)/host_key
        ListenAddress 127.0.0.1
        AuthorizedKeysFile \(dir)/authorized_keys
        PidFile \(dir)/sshd.pid
        PermitRootLogin prohibit-password
        PubkeyAuthentication yes
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        UsePAM no
        StrictModes no

        """
    }

    package init(dir: String, authorizedKeys: [String], keyType: String) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        // sshd refuses to start without its privilege separation folder.
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        hostPublicKey = try makeSSHKey(at: dir + "/host_key", type: keyType)
        try authorizedKeys.map { $0 + "\n" }.joined().write(toFile: dir + "/authorized_keys", atomically: true, encoding: .utf8)
        try Self.config(dir: dir).write(toFile: dir + "/sshd_config", atomically: true, encoding: .utf8)
        let log = dir + "/sshd.log"
        for _ in 0..<5 {
            let port = try freePort()
            let p = try SpawnedProcess("/usr/sbin/sshd", ["-D", "-f", dir + "/sshd_config", "-E", log, "-p", "\(port)"])
            if waitForPort(port, server: p) {
                self.port = port
                server = p
                return
            }
            p.stop()
        }
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "sshd did not start:\n\(text)"])
    }

    deinit { server.stop() }
}

/// The environment that makes a child process (ssh) see `home` as the home of the user it runs as,
/// through nss_wrapper (Debian's `libnss-wrapper`): OpenSSH reads `~` from the password database, not
/// from HOME. The user is named `tess` (uid 0), so an ssh that logs in without a `User` from the URL or
/// `~/.ssh/config` tries `tess`, whom the test sshd does not know. Files go in `dir`.
package func nssWrapperEnvironment(home: String, dir: String) throws -> [String: String] {
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try "tess:x:0:0:Tess Tester:\(home):/bin/sh\n".write(toFile: dir + "/passwd", atomically: true, encoding: .utf8)
    try "root:x:0:\n".write(toFile: dir + "/group", atomically: true, encoding: .utf8)
    try #require(
        FileManager.default.fileExists(atPath: "/usr/lib/x86_64-linux-gnu/libnss_wrapper.so")
            || FileManager.default.fileExists(atPath: "/usr/lib/aarch64-linux-gnu/libnss_wrapper.so"),
        "nss_wrapper is missing: run scripts/install-deps.sh (Debian package libnss-wrapper)")
    return ["LD_PRELOAD": "libnss_wrapper.so", "NSS_WRAPPER_PASSWD": dir + "/passwd", "NSS_WRAPPER_GROUP": dir + "/group"]
}

/// `ssh-agent -D -a SOCKET`, started by the test and stopped when the value goes.
package final class SSHAgent {
    package let socket: String
    private let agent: SpawnedProcess

    package init(socket: String) throws {
        self.socket = socket
        agent = try SpawnedProcess("/usr/bin/ssh-agent", ["-D", "-a", socket])
        // The agent makes its socket once it listens: poll for it (no sleeping), for 30 s at most.
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: socket) {
            try #require(agent.isRunning && Date() < deadline, "ssh-agent did not make \(socket)")
            sched_yield()
        }
    }

    /// `ssh-add KEY` into this agent.
    package func add(_ key: String) throws {
        let result = try ProcessRunner.run("/usr/bin/ssh-add", ["-q", key], in: "/", environment: ["PATH": "/usr/bin:/bin", "SSH_AUTH_SOCK": socket])
        try #require(result.status == 0, "ssh-add \(key) failed: \(result)")
    }

    deinit { agent.stop() }
}

/// A TCP socket on 127.0.0.1 that listens and never accepts: the kernel completes connections (the
/// backlog), and then nothing is ever said. Closed when the value goes.
package final class SilentListener {
    package let port: Int
    private let fd: Int32

    package init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "bind/listen failed: errno \(errno)"])
        }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        self.fd = fd
        port = Int(UInt16(bigEndian: addr.sin_port))
    }

    deinit { close(fd) }
}

/// Makes a key pair without a passphrase at `path` (OpenSSH's format) with `ssh-keygen`; returns
/// the public key as "TYPE BASE64".
package func makeSSHKey(at path: String, type: String) throws -> String {
    let result = try ProcessRunner.run(
        "/usr/bin/ssh-keygen", ["-q", "-t", type, "-N", "", "-C", "goalsync-test", "-f", path], in: "/",
        environment: ["PATH": "/usr/bin:/bin"])
    try #require(result.status == 0, "ssh-keygen -t \(type) failed: \(result)")
    let line = try String(contentsOfFile: path + ".pub", encoding: .utf8)
    return line.split(separator: " ").prefix(2).joined(separator: " ")
}

/// A server process started with `posix_spawn`, outside Foundation's `Process` bookkeeping (whose
/// child reaping a long-lived child can disturb), stopped and reaped by `stop()`.
package final class SpawnedProcess {
    package let pid: pid_t
    private var stopped = false

    package init(_ executable: String, _ arguments: [String]) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        // The calling thread may block signals (dispatch's threads do): give the child a clean mask
        // and default handlers, so SIGTERM stops it.
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setsigdefault(&attr, &all)
        // Its own process group, so that stop() also ends the workers it forks (fcgiwrap -c 4,
        // nginx's workers, sshd's and git daemon's children), which would outlive it otherwise.
        posix_spawnattr_setpgroup(&attr, 0)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attr, argv, environ)
        guard rc == 0 else { throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "cannot start \(executable): \(rc)"]) }
        self.pid = pid
    }

    /// Whether the process still runs (not yet exited).
    package var isRunning: Bool {
        var status: Int32 = 0
        return !stopped && waitpid(pid, &status, WNOHANG) == 0
    }

    package func stop() {
        guard !stopped else { return }
        stopped = true
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }

    deinit { stop() }
}

/// git's folder of helper programs (`git --exec-path`).
package func gitExecPath() -> String {
    (try? ProcessRunner.run(TestRepo.gitPath, ["--exec-path"], in: "/", environment: ["PATH": "/usr/bin:/bin"]).stdout
        .trimmingCharacters(in: .whitespacesAndNewlines)) ?? "/usr/lib/git-core"
}

/// A TCP port that was free a moment ago.
package func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
    return Int(UInt16(bigEndian: addr.sin_port))
}

/// Tries to connect until the port accepts, the server died, or 30 seconds passed (a loaded
/// machine can take a while to start a server; a count of attempts would be gone in a blink).
package func waitForPort(_ port: Int, server: SpawnedProcess) -> Bool {
    let deadline = Date().addingTimeInterval(30)
    while Date() < deadline {
        if !server.isRunning { return false }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        close(fd)
        if rc == 0 { return true }
        sched_yield()
    }
    return false
}
