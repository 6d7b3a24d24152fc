import Foundation
import GoalSyncGit
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Fetch, push and clone through libgit2's transports against real servers each test starts on
/// 127.0.0.1 (`git daemon`, OpenSSH `sshd`) and stops, with plain git as the teammate.
@Suite(.timeLimit(.minutes(2)))
struct TransportTests {
    // MARK: Round trips over every transport

    @Test(arguments: ["path", "file", "git", "ssh"])
    func cloneFetchAndPush(transport: String) throws {
        let sandbox = try TransportSandbox()
        defer { sandbox.remove() }
        let bare = try sandbox.makeRemote("team", commits: 2)
        var servers = [TestServer]()
        defer { servers.forEach { $0.stop() } }
        let url: String
        switch transport {
        case "path":
            url = bare
        case "file":
            url = "file://" + bare
        case "git":
            let daemon = try TestServer.gitDaemon(base: sandbox.root, sandbox: sandbox)
            servers.append(daemon)
            url = "git://127.0.0.1:\(daemon.port)/team.git"
        default:
            let ssh = try SSHServer.start(in: sandbox, authorizedKeys: sandbox.makeClientKey())
            servers.append(ssh.server)
            try sandbox.writeKnownHosts([ssh.knownHostsLine])
            url = ssh.url(bare)
        }
        let auth = sandbox.authentication

        let repo = try Repository.clone(url: url, to: sandbox.root + "/mine", authentication: auth, progress: nil)
        #expect(try repo.headID()?.hex == sandbox.git("rev-parse", "main", in: bare))
        #expect(try repo.headReferenceName() == "refs/heads/main")
        #expect(try repo.remoteNames() == ["origin"])
        let origin = try Remote.lookup(repo, name: "origin")
        #expect(origin.name == "origin")
        #expect(origin.url == url)

        // Our commit goes up.
        let ours = try sandbox.commit(in: sandbox.root + "/mine", file: "ours.txt", content: "ours\n")
        let pushed = try origin.push(refspecs: ["refs/heads/main:refs/heads/main"], authentication: auth)
        #expect(pushed == [PushedReference(name: "refs/heads/main", rejection: nil)])
        #expect(try sandbox.git("rev-parse", "main", in: bare) == ours)

        // A teammate's commit, pushed with plain git, comes down.
        try sandbox.git("clone", "-q", bare, sandbox.root + "/theirs")
        let theirs = try sandbox.commit(in: sandbox.root + "/theirs", file: "theirs.txt", content: "theirs\n")
        try sandbox.git("push", "-q", "origin", "main", in: sandbox.root + "/theirs")
        try origin.fetch(refspecs: nil, authentication: auth, progress: nil)
        #expect(try repo.referenceID("refs/remotes/origin/main")?.hex == theirs)

        #expect(try origin.defaultBranch(authentication: auth) == "refs/heads/main")
        let references = try origin.listReferences(authentication: auth)
        #expect(references.contains { $0.name == "refs/heads/main" && $0.id.hex == theirs })

        try repo.setUpstream(branch: "main", remote: "origin", remoteBranch: "main")
        #expect(try repo.upstreamName(ofBranch: "refs/heads/main") == "refs/remotes/origin/main")
        #expect(try sandbox.git("config", "branch.main.merge", in: sandbox.root + "/mine") == "refs/heads/main")
    }

    @Test func anonymousAndCreatedRemotes() throws {
        let sandbox = try TransportSandbox()
        defer { sandbox.remove() }
        let bare = try sandbox.makeRemote("team", commits: 1)
        let repo = try Repository.initialize(at: sandbox.root + "/local", initialHead: "main")
        let anonymous = try Remote.anonymous(repo, url: bare)
        #expect(anonymous.name == nil)
        try anonymous.fetch(refspecs: ["refs/heads/main:refs/heads/upstream"], authentication: sandbox.authentication, progress: nil)
        #expect(try repo.referenceID("refs/heads/upstream")?.hex == sandbox.git("rev-parse", "main", in: bare))

        let created = try Remote.create(repo, name: "team", url: "file://" + bare)
        #expect(created.name == "team")
        #expect(try repo.remoteNames() == ["team"])
        try created.fetch(refspecs: nil, authentication: sandbox.authentication, progress: nil)
        #expect(try repo.referenceID("refs/remotes/team/main") != nil)
        #expect(throws: GitError.self) { try Remote.lookup(repo, name: "nobody") }
    }

    // MARK: Pushing never forces

    @Test func aPushThatIsNotAFastForwardIsRejected() throws {
        let sandbox = try TransportSandbox()
        defer { sandbox.remove() }
        let bare = try sandbox.makeRemote("team", commits: 1)
        let daemon = try TestServer.gitDaemon(base: sandbox.root, sandbox: sandbox)
        defer { daemon.stop() }
        let url = "git://127.0.0.1:\(daemon.port)/team.git"
        let auth = sandbox.authentication
        let mine = sandbox.root + "/mine"
        let repo = try Repository.clone(url: url, to: mine, authentication: auth, progress: nil)
        let origin = try Remote.lookup(repo, name: "origin")

        try sandbox.git("clone", "-q", bare, sandbox.root + "/theirs")
        let theirs = try sandbox.commit(in: sandbox.root + "/theirs", file: "theirs.txt", content: "theirs\n")
        try sandbox.git("push", "-q", "origin", "main", in: sandbox.root + "/theirs")
        _ = try sandbox.commit(in: mine, file: "ours.txt", content: "ours\n")

        // Their commit is not even known here.
        let unknown = try origin.push(refspecs: ["refs/heads/main:refs/heads/main"], authentication: auth)
        #expect(unknown.map(\.name) == ["refs/heads/main"])
        #expect(unknown.first?.rejection?.contains("non-fast-forward") == true)
        #expect(try sandbox.git("rev-parse", "main", in: bare) == theirs)

        // Known after a fetch, but still not contained in ours; "+" does not force either.
        try origin.fetch(refspecs: nil, authentication: auth, progress: nil)
        for refspec in ["refs/heads/main:refs/heads/main", "+refs/heads/main:refs/heads/main"] {
            let diverged = try origin.push(refspecs: [refspec], authentication: auth)
            #expect(diverged.first?.rejection?.contains("non-fast-forward") == true, "\(refspec)")
        }
        #expect(try sandbox.git("rev-parse", "main", in: bare) == theirs)

        // After merging theirs, the push is a fast-forward.
        try sandbox.git("merge", "-q", "--no-edit", "origin/main", in: mine)
        let merged = try sandbox.git("rev-parse", "HEAD", in: mine)
        let accepted = try origin.push(refspecs: ["refs/heads/main:refs/heads/main"], authentication: auth)
        #expect(accepted == [PushedReference(name: "refs/heads/main", rejection: nil)])
        #expect(try sandbox.git("rev-parse", "main", in: bare) == merged)
    }

    @Test func aRefusalByTheServerIsReportedPerReference() throws {
        let sandbox = try TransportSandbox()
        defer { sandbox.remove() }
        let bare = try sandbox.makeRemote("team", commits: 1)
        let hook = bare + "/hooks/update"
        try "#!/bin/sh\ncase \"$1\" in refs/heads/locked) exit 1;; esac\nexit 0\n".write(toFile: hook, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook)
        let daemon = try TestServer.gitDaemon(base: sandbox.root, sandbox: sandbox)
        defer { daemon.stop() }
        let auth = sandbox.authentication
        let repo = try Repository.clone(
            url: "git://127.0.0.1:\(daemon.port)/team.git", to: sandbox.root + "/mine", authentication: auth, progress: nil)
        _ = try sandbox.commit(in: sandbox.root + "/mine", file: "ours.txt", content: "ours\n")
        let results = try Remote.lookup(repo, name: "origin").push(
            refspecs: ["refs/heads/main:refs/heads/locked", "refs/heads/main:refs/heads/open"], authentication: auth)
        #expect(results.count == 2)
        #expect(results.first { $0.name == "refs/heads/locked" }?.rejection != nil)
        #expect(results.first { $0.name == "refs/heads/open" }.map { $0.rejection == nil } == true)
        #expect(try sandbox.gitStatus("rev-parse", "--verify", "-q", "refs/heads/locked", in: bare) != 0)
    }

    // MARK: ssh host keys and keys

    @Test func sshHostKeysAreCheckedAgainstKnownHosts() throws {
        let sandbox = try TransportSandbox()
        defer { sandbox.remove() }
        let bare = try sandbox.makeRemote("team", commits: 1)
        let ssh = try SSHServer.start(in: sandbox, authorizedKeys: sandbox.makeClientKey())
        defer { ssh.server.stop() }
        let repo = try Repository.initialize(at: sandbox.root + "/local", initialHead: "main")
        let remote = try Remote.anonymous(repo, url: ssh.url(bare))
        let name = "[127.0.0.1]:\(ssh.port)"

        // Unknown: refused, saying how to accept it.
        let unknown = #expect(throws: TransportError.self) { try remote.listReferences(authentication: sandbox.authentication) }
        #expect(unknown?.kind == .unknownHostKey)
        #expect(unknown?.message.contains(name) == true)
        #expect(unknown?.message.contains("ssh -p \(ssh.port) root@127.0.0.1") == true, "\(unknown?.message ?? "")")
        #expect(unknown?.message.contains("SHA256:") == true)

        // A different key of the same type: refused as a mismatch.
        let impostor = try sandbox.makeKeyPair(at: sandbox.root + "/impostor", type: "rsa")
        try sandbox.writeKnownHosts(["\(name) \(impostor)"])
        let mismatch = #expect(throws: TransportError.self) { try remote.listReferences(authentication: sandbox.authentication) }
        #expect(mismatch?.kind == .hostKeyMismatch)
        #expect(mismatch?.message.contains("does not match") == true)

        // Only a key of another type is known: refused, naming the type offered.
        let other = try sandbox.makeKeyPair(at: sandbox.root + "/other", type: "ed25519")
        try sandbox.writeKnownHosts(["\(name) \(other)"])
        let otherType = #expect(throws: TransportError.self) { try remote.listReferences(authentication: sandbox.authentication) }
        #expect(otherType?.kind == .unknownHostKeyType)
        #expect(otherType?.message.contains("ssh-keyscan -t rsa -p \(ssh.port) 127.0.0.1") == true)

        // The right key: in a comma list, and hashed by ssh-keygen -H.
        try sandbox.writeKnownHosts(["# a comment", "elsewhere.example,\(name) \(ssh.hostPublicKey) comment"])
        #expect(try remote.listReferences(authentication: sandbox.authentication).contains { $0.name == "refs/heads/main" })
        try sandbox.writeKnownHosts(["\(name) \(ssh.hostPublicKey)"])
        try sandbox.run("/usr/bin/ssh-keygen", "-H", "-f", sandbox.home + "/.ssh/known_hosts")
        #expect(try String(contentsOfFile: sandbox.home + "/.ssh/known_hosts", encoding: .utf8).hasPrefix("|1|"))
        #expect(try remote.defaultBranch(authentication: sandbox.authentication) == "refs/heads/main")

        // A revoked key is refused even when also listed as the host's key.
        try sandbox.writeKnownHosts(["\(name) \(ssh.hostPublicKey)", "@revoked * \(ssh.hostPublicKey)"])
        let revoked = #expect(throws: TransportError.self) { try remote.listReferences(authentication: sandbox.authentication) }
        #expect(revoked?.kind == .hostKeyRevoked)

        // GOALSYNC_SSH_ACCEPT_NEW_HOSTS=1 accepts and records a new host, never a changed key.
        try FileManager.default.removeItem(atPath: sandbox.home + "/.ssh/known_hosts")
        let acceptNew = sandbox.authentication(adding: ["GOALSYNC_SSH_ACCEPT_NEW_HOSTS": "1"])
        #expect(try !remote.listReferences(authentication: acceptNew).isEmpty)
        let recorded = try String(contentsOfFile: sandbox.home + "/.ssh/known_hosts", encoding: .utf8)
        #expect(recorded == "\(name) \(ssh.hostPublicKey)\n")
        #expect(try !remote.listReferences(authentication: sandbox.authentication).isEmpty)
        try sandbox.writeKnownHosts(["\(name) \(impostor)"])
        let stillRefused = #expect(throws: TransportError.self) { try remote.listReferences(authentication: acceptNew) }
        #expect(stillRefused?.kind == .hostKeyMismatch)
    }

    @Test func sshRefusesAWrongKeyAndSaysWhatWasTried() throws {
        let sandbox = try TransportSandbox()
        defer { sandbox.remove() }
        let bare = try sandbox.makeRemote("team", commits: 1)
        _ = try sandbox.makeClientKey()
        let stranger = try sandbox.makeKeyPair(at: sandbox.root + "/stranger", type: "rsa")
        let ssh = try SSHServer.start(in: sandbox, authorizedKeys: stranger)
        defer { ssh.server.stop() }
        try sandbox.writeKnownHosts([ssh.knownHostsLine])
        let repo = try Repository.initialize(at: sandbox.root + "/local", initialHead: "main")
        let remote = try Remote.anonymous(repo, url: ssh.url(bare))

        let refused = #expect(throws: TransportError.self) {
            try remote.fetch(refspecs: ["refs/heads/main:refs/heads/main"], authentication: sandbox.authentication, progress: nil)
        }
        #expect(refused?.kind == .authenticationFailed)
        #expect(refused?.message.contains(sandbox.home + "/.ssh/id_rsa") == true, "\(refused?.message ?? "")")
        #expect(refused?.message.contains("as root") == true)

        // No key at all.
        try FileManager.default.removeItem(atPath: sandbox.home + "/.ssh/id_rsa")
        let none = #expect(throws: TransportError.self) {
            _ = try Repository.clone(url: ssh.url(bare), to: sandbox.root + "/clone", authentication: sandbox.authentication, progress: nil)
        }
        #expect(none?.kind == .noCredentials)
        #expect(!FileManager.default.fileExists(atPath: sandbox.root + "/clone/.git"))
    }

    @Test func sshWithAnEd25519KeyInOpenSSHFormat() throws {
        let sandbox = try TransportSandbox()
        defer { sandbox.remove() }
        let bare = try sandbox.makeRemote("team", commits: 1)
        let key = try sandbox.makeKeyPair(at: sandbox.home + "/.ssh/id_ed25519", type: "ed25519")
        let ssh = try SSHServer.start(in: sandbox, authorizedKeys: key)
        defer { ssh.server.stop() }
        try sandbox.writeKnownHosts([ssh.knownHostsLine])
        let repo = try Repository.clone(url: ssh.url(bare), to: sandbox.root + "/mine", authentication: sandbox.authentication, progress: nil)
        #expect(try repo.headID()?.hex == sandbox.git("rev-parse", "main", in: bare))
    }

    // MARK: Failures and edge cases

    @Test(arguments: ["git", "ssh"])
    func anUnreachableRemoteFailsQuicklyWithANetworkError(scheme: String) throws {
        let sandbox = try TransportSandbox()
        defer { sandbox.remove() }
        let port = try freeLoopbackPort()  // nothing listens there
        let url = scheme == "git" ? "git://127.0.0.1:\(port)/team.git" : "ssh://root@127.0.0.1:\(port)/team.git"
        let repo = try Repository.initialize(at: sandbox.root + "/local", initialHead: "main")
        let remote = try Remote.anonymous(repo, url: url)
        let start = Date()
        let error = #expect(throws: GitError.self) {
            try remote.fetch(refspecs: ["refs/heads/main:refs/heads/main"], authentication: sandbox.authentication, progress: nil)
        }
        #expect(error?.isNetwork == true, "\(String(describing: error))")
        #expect(error?.operation == "fetch from \(url)")
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test func anEmptyRemoteClonesAndHasNoDefaultBranch() throws {
        let sandbox = try TransportSandbox()
        defer { sandbox.remove() }
        try sandbox.git("init", "-q", "--bare", "-b", "main", sandbox.root + "/empty.git")
        let daemon = try TestServer.gitDaemon(base: sandbox.root, sandbox: sandbox)
        defer { daemon.stop() }
        let auth = sandbox.authentication
        let mine = sandbox.root + "/mine"
        let repo = try Repository.clone(url: "git://127.0.0.1:\(daemon.port)/empty.git", to: mine, authentication: auth, progress: nil)
        #expect(repo.isHeadUnborn)
        let origin = try Remote.lookup(repo, name: "origin")
        #expect(try origin.defaultBranch(authentication: auth) == nil)
        #expect(try origin.listReferences(authentication: auth).isEmpty)

        // The first push creates the branch the remote's HEAD names.
        try sandbox.git("symbolic-ref", "HEAD", "refs/heads/main", in: mine)
        let first = try sandbox.commit(in: mine, file: "first.txt", content: "first\n")
        #expect(try origin.push(refspecs: ["refs/heads/main:refs/heads/main"], authentication: auth).first?.rejection == nil)
        #expect(try origin.defaultBranch(authentication: auth) == "refs/heads/main")
        #expect(try origin.listReferences(authentication: auth).contains { $0.name == "refs/heads/main" && $0.id.hex == first })
    }

    @Test func aFetchReportsProgress() throws {
        let sandbox = try TransportSandbox()
        defer { sandbox.remove() }
        let bare = try sandbox.makeRemote("big", commits: 10, filesPerCommit: 30)
        let daemon = try TestServer.gitDaemon(base: sandbox.root, sandbox: sandbox)
        defer { daemon.stop() }
        let repo = try Repository.initialize(at: sandbox.root + "/local", initialHead: "main")
        let remote = try Remote.anonymous(repo, url: "git://127.0.0.1:\(daemon.port)/big.git")
        var reports = [TransferProgress]()
        try remote.fetch(
            refspecs: ["refs/heads/main:refs/remotes/origin/main"], authentication: sandbox.authentication,
            progress: { reports.append($0) })
        let last = try #require(reports.last)
        #expect(reports.count > 1)
        #expect(last.totalObjects > 300)  // 300 blobs, 10 trees, 10 commits
        #expect(last.receivedObjects == last.totalObjects)
        #expect(last.indexedObjects == last.totalObjects)
        #expect(last.receivedBytes > 0)
        #expect(try repo.referenceID("refs/remotes/origin/main")?.hex == sandbox.git("rev-parse", "main", in: bare))
    }
}

// MARK: - Servers

/// A server process started for one test, ready once it printed its ready line on stderr.
private final class TestServer {
    let port: Int
    private let process: Process
    private let errors: FileHandle

    private init(port: Int, process: Process, errors: FileHandle) {
        self.port = port
        self.process = process
        self.errors = errors
    }

    /// `git daemon` serving every repository under `base`, pushes allowed.
    static func gitDaemon(base: String, sandbox: TransportSandbox) throws -> TestServer {
        try start("git daemon", executable: "/usr/bin/env", environment: sandbox.environment, readyLine: "Ready to rumble") { port in
            [
                "git", "daemon", "--verbose", "--export-all", "--base-path=\(base)", "--reuseaddr", "--listen=127.0.0.1",
                "--port=\(port)", "--enable=receive-pack", base,
            ]
        }
    }

    /// Starts the server on a free port and waits, bounded, for `readyLine` on its stderr; another
    /// port is tried when the server exits first (someone took the port between probe and bind).
    static func start(
        _ name: String, executable: String, environment: [String: String], readyLine: String,
        arguments: (Int) -> [String]
    ) throws -> TestServer {
        var log = ""
        for _ in 0..<5 {
            let port = try freeLoopbackPort()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments(port)
            process.environment = environment
            let errors = Pipe()
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let (ready, output) = waitForLine(readyLine, on: errors.fileHandleForReading, seconds: 20)
            if ready {
                // Keep reading what the server logs, so it can never block on a full pipe.
                errors.fileHandleForReading.readabilityHandler = { handle in
                    if handle.availableData.isEmpty { handle.readabilityHandler = nil }
                }
                return TestServer(port: port, process: process, errors: errors.fileHandleForReading)
            }
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            log += output
        }
        throw TransportTestFailure("\(name) did not start:\n\(log)")
    }

    func stop() {
        errors.readabilityHandler = nil
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    /// Reads `handle` as data arrives (poll with a deadline, no sleeping) until `line` appears, EOF, or time is up.
    private static func waitForLine(_ line: String, on handle: FileHandle, seconds: Double) -> (Bool, String) {
        let deadline = Date().addingTimeInterval(seconds)
        var received = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let text = String(decoding: received, as: UTF8.self)
            if text.contains(line) { return (true, text) }
            let remaining = Int32(deadline.timeIntervalSinceNow * 1000)
            guard remaining > 0 else { return (false, text + "\n(no \"\(line)\" within \(seconds)s)") }
            var descriptor = pollfd(fd: handle.fileDescriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, remaining)
            if ready < 0, errno == EINTR { continue }
            guard ready > 0 else { continue }
            let count = read(handle.fileDescriptor, &chunk, chunk.count)
            guard count > 0 else { return (false, text) }  // EOF: the server exited
            received += chunk[0..<count]
        }
    }
}

/// OpenSSH's sshd with its own RSA host key and config, accepting `root` with the given public keys.
private struct SSHServer {
    let server: TestServer
    /// "ssh-rsa AAAA…", as a known_hosts line needs it.
    let hostPublicKey: String

    var port: Int { server.port }
    var knownHostsLine: String { "[127.0.0.1]:\(port) \(hostPublicKey)" }
    func url(_ path: String) -> String { "ssh://root@127.0.0.1:\(port)\(path)" }

    static func start(in sandbox: TransportSandbox, authorizedKeys: String) throws -> SSHServer {
        let dir = sandbox.root + "/sshd"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        let hostKey = try sandbox.makeKeyPair(at: dir + "/host_rsa_key", type: "rsa")
        try (authorizedKeys + "\n").write(toFile: dir + "/authorized_keys", atomically: true, encoding: .utf8)
        let config = """
            HostKey \(dir)/host_rsa_key
            ListenAddress 127.0.0.1
            AuthorizedKeysFile \(dir)/authorized_keys
            PidFile \(dir)/sshd.pid
            PermitRootLogin prohibit-password
            PubkeyAuthentication yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            UsePAM no
            StrictModes no
            LogLevel INFO

            """
        try config.write(toFile: dir + "/sshd_config", atomically: true, encoding: .utf8)
        let server = try TestServer.start(
            "sshd", executable: "/usr/sbin/sshd", environment: sandbox.environment, readyLine: "Server listening on"
        ) { port in ["-D", "-e", "-f", dir + "/sshd_config", "-p", "\(port)"] }
        return SSHServer(server: server, hostPublicKey: hostKey)
    }
}

/// A port on 127.0.0.1 nobody listens on right now: bind port 0, read the port, close.
private func freeLoopbackPort() throws -> Int {
    #if os(Linux)
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { throw TransportTestFailure("socket() failed: errno \(errno)") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard ok else { throw TransportTestFailure("could not bind a loopback port: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}

// MARK: - Sandbox

struct TransportTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One test's temporary folder: a client HOME with `~/.ssh`, repositories, server files.
private final class TransportSandbox {
    let root: String
    let home: String

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("goalsync-transport-\(UUID().uuidString)")
            .standardizedFileURL.path
        home = root + "/home"
        try FileManager.default.createDirectory(atPath: home + "/.ssh", withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }

    /// What plain git and the servers run with: nothing inherited but PATH.
    var environment: [String: String] {
        [
            "HOME": home, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
            "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C",
            "GIT_AUTHOR_NAME": "Tess Tester", "GIT_AUTHOR_EMAIL": "tess@example.com",
            "GIT_COMMITTER_NAME": "Tess Tester", "GIT_COMMITTER_EMAIL": "tess@example.com",
        ]
    }

    var authentication: Authentication { authentication(adding: [:]) }

    func authentication(adding extra: [String: String]) -> Authentication {
        Authentication(environment: environment.merging(extra) { $1 }, homeDirectory: home)
    }

    @discardableResult
    func run(_ executable: String, _ arguments: String..., in directory: String? = nil) throws -> String {
        let result = try ProcessRunner.run(executable, arguments, in: directory ?? root, environment: environment)
        guard result.status == 0 else {
            throw TransportTestFailure("\(executable) \(arguments.joined(separator: " ")) failed: \(result)")
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @discardableResult
    func git(_ arguments: String..., in directory: String? = nil) throws -> String {
        let result = try ProcessRunner.run("/usr/bin/env", ["git"] + arguments, in: directory ?? root, environment: environment)
        guard result.status == 0 else { throw TransportTestFailure("git \(arguments.joined(separator: " ")) failed: \(result)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func gitStatus(_ arguments: String..., in directory: String) throws -> Int32 {
        try ProcessRunner.run("/usr/bin/env", ["git"] + arguments, in: directory, environment: environment).status
    }

    /// Commits `content` at `file` with plain git; returns the new commit's id.
    func commit(in directory: String, file: String, content: String) throws -> String {
        try content.write(toFile: directory + "/" + file, atomically: true, encoding: .utf8)
        try git("add", file, in: directory)
        try git("commit", "-q", "-m", "add \(file)", in: directory)
        return try git("rev-parse", "HEAD", in: directory)
    }

    /// A bare `name.git` under the root, on main, with `commits` commits of `filesPerCommit` new files each.
    func makeRemote(_ name: String, commits: Int, filesPerCommit: Int = 1) throws -> String {
        let seed = root + "/seed-" + name
        try git("init", "-q", "-b", "main", seed)
        for c in 0..<commits {
            for f in 0..<filesPerCommit {
                let text = (0..<40).map { "commit \(c) file \(f) line \($0) \(UUID().uuidString)" }.joined(separator: "\n")
                try text.write(toFile: "\(seed)/f\(c)-\(f).txt", atomically: true, encoding: .utf8)
            }
            try git("add", "-A", in: seed)
            try git("commit", "-q", "-m", "commit \(c)", in: seed)
        }
        let bare = root + "/" + name + ".git"
        try git("clone", "-q", "--bare", seed, bare)
        return bare
    }

    /// Makes a key pair without a passphrase (RSA in PEM form) at `path`; returns the public key line.
    func makeKeyPair(at path: String, type: String) throws -> String {
        var arguments = ["-q", "-t", type, "-N", "", "-C", "goalsync-test", "-f", path]
        if type == "rsa" { arguments += ["-m", "PEM", "-b", "2048"] }
        let result = try ProcessRunner.run("/usr/bin/ssh-keygen", arguments, in: root, environment: environment)
        guard result.status == 0 else { throw TransportTestFailure("ssh-keygen failed: \(result)") }
        let line = try String(contentsOfFile: path + ".pub", encoding: .utf8)
        return line.split(separator: " ").prefix(2).joined(separator: " ")
    }

    /// The client's `~/.ssh/id_rsa`; returns its public key line.
    func makeClientKey() throws -> String {
        try makeKeyPair(at: home + "/.ssh/id_rsa", type: "rsa")
    }

    func writeKnownHosts(_ lines: [String]) throws {
        try lines.map { $0 + "\n" }.joined().write(toFile: home + "/.ssh/known_hosts", atomically: true, encoding: .utf8)
    }
}
