import Foundation
import GoalSyncGit
import GoalSyncTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Fetch, push and clone through goalsync's transports (libgit2's smart protocol over git's services, a
/// `git daemon` connection or OpenSSH's client; libgit2's own for http and a fetch by path) against real
/// servers each test starts on 127.0.0.1 (`git daemon`, OpenSSH `sshd`) and stops, with plain git as
/// the teammate. OpenSSH's client sees the sandbox's home as `~` through nss_wrapper.
@Suite(.tags(.server), .timeLimit(.minutes(2)))
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
        let before = try sandbox.git("rev-parse", "main", in: bare)
        let pushed = try origin.push(refspecs: ["refs/heads/main:refs/heads/main"], authentication: auth).references
        #expect(pushed == [PushedReference(name: "refs/heads/main", remoteValue: ObjectID(hex: before), pushedValue: ObjectID(hex: ours), rejection: nil)])
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
        let unknown = try origin.push(refspecs: ["refs/heads/main:refs/heads/main"], authentication: auth).references
        #expect(unknown.map(\.name) == ["refs/heads/main"])
        #expect(unknown.first?.rejection == .notFastForward)
        #expect(unknown.first?.rejection?.description.contains("non-fast-forward") == true)
        #expect(try sandbox.git("rev-parse", "main", in: bare) == theirs)

        // Known after a fetch, but still not contained in ours; "+" does not force either.
        try origin.fetch(refspecs: nil, authentication: auth, progress: nil)
        for refspec in ["refs/heads/main:refs/heads/main", "+refs/heads/main:refs/heads/main"] {
            let diverged = try origin.push(refspecs: [refspec], authentication: auth).references
            #expect(diverged.first?.rejection == .notFastForward, "\(refspec)")
        }
        #expect(try sandbox.git("rev-parse", "main", in: bare) == theirs)

        // After merging theirs, the push is a fast-forward.
        try sandbox.git("merge", "-q", "--no-edit", "origin/main", in: mine)
        let merged = try sandbox.git("rev-parse", "HEAD", in: mine)
        let accepted = try origin.push(refspecs: ["refs/heads/main:refs/heads/main"], authentication: auth).references
        #expect(accepted == [PushedReference(name: "refs/heads/main", remoteValue: ObjectID(hex: theirs), pushedValue: ObjectID(hex: merged), rejection: nil)])
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
            refspecs: ["refs/heads/main:refs/heads/locked", "refs/heads/main:refs/heads/open"], authentication: auth).references
        #expect(results.count == 2)
        let locked = results.first { $0.name == "refs/heads/locked" }
        #expect(locked?.rejection == .refused(reason: "hook declined"))
        let open = results.first { $0.name == "refs/heads/open" }
        #expect(open.map { $0.rejection == nil } == true)
        #expect(try sandbox.gitStatus("rev-parse", "--verify", "-q", "refs/heads/locked", in: bare) != 0)
    }

    // MARK: ssh: OpenSSH's own host keys and keys

    /// Host keys are OpenSSH's business now: its `known_hosts` (plain, hashed, `@revoked`) and
    /// `StrictHostKeyChecking` decide, and its reason reaches the error.
    @Test func sshHostKeysAreCheckedByOpenSSH() throws {
        let sandbox = try TransportSandbox()
        defer { sandbox.remove() }
        let bare = try sandbox.makeRemote("team", commits: 1)
        let ssh = try SSHServer.start(in: sandbox, authorizedKeys: sandbox.makeClientKey())
        defer { ssh.server.stop() }
        let repo = try Repository.initialize(at: sandbox.root + "/local", initialHead: "main")
        let remote = try Remote.anonymous(repo, url: ssh.url(bare))
        let name = "[127.0.0.1]:\(ssh.port)"
        func refusal() -> GitError? {
            #expect(throws: GitError.self) { try remote.listReferences(authentication: sandbox.authentication) }
        }

        // Unknown: refused, with OpenSSH's words, naming the host.
        let unknown = refusal()
        #expect(unknown?.isNetwork == true)
        #expect(unknown?.message.contains("Host key verification failed") == true, "\(String(describing: unknown))")
        #expect(unknown?.message.contains("over ssh to root@127.0.0.1") == true, "\(String(describing: unknown))")

        // A different key: refused.
        let impostor = try sandbox.makeKeyPair(at: sandbox.root + "/impostor", type: "rsa")
        try sandbox.writeKnownHosts(["\(name) \(impostor)"])
        #expect(refusal()?.message.contains("Host key verification failed") == true)

        // The right key: in a comma list, and hashed by ssh-keygen -H.
        try sandbox.writeKnownHosts(["# a comment", "elsewhere.example,\(name) \(ssh.hostPublicKey) comment"])
        #expect(try remote.listReferences(authentication: sandbox.authentication).contains { $0.name == "refs/heads/main" })
        try sandbox.writeKnownHosts(["\(name) \(ssh.hostPublicKey)"])
        try sandbox.run("/usr/bin/ssh-keygen", "-H", "-f", sandbox.home + "/.ssh/known_hosts")
        #expect(try String(contentsOfFile: sandbox.home + "/.ssh/known_hosts", encoding: .utf8).hasPrefix("|1|"))
        #expect(try remote.defaultBranch(authentication: sandbox.authentication) == "refs/heads/main")

        // A revoked key is refused even when also listed as the host's key.
        try sandbox.writeKnownHosts(["\(name) \(ssh.hostPublicKey)", "@revoked * \(ssh.hostPublicKey)"])
        #expect(refusal() != nil)

        // StrictHostKeyChecking accept-new (here through GIT_SSH_COMMAND) records a new host, never a changed key.
        try FileManager.default.removeItem(atPath: sandbox.home + "/.ssh/known_hosts")
        let acceptNew = sandbox.authentication(adding: ["GIT_SSH_COMMAND": "ssh -o StrictHostKeyChecking=accept-new -o HashKnownHosts=no"])
        #expect(try !remote.listReferences(authentication: acceptNew).isEmpty)
        let recorded = try String(contentsOfFile: sandbox.home + "/.ssh/known_hosts", encoding: .utf8)
        #expect(recorded.contains(name), "\(recorded)")
        #expect(try !remote.listReferences(authentication: sandbox.authentication).isEmpty)
        try sandbox.writeKnownHosts(["\(name) \(impostor)"])
        let stillRefused = #expect(throws: GitError.self) { try remote.listReferences(authentication: acceptNew) }
        #expect(stillRefused?.message.contains("Host key verification failed") == true)
    }

    @Test func sshRefusesAWrongKeyWithOpenSSHsReason() throws {
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

        let refused = #expect(throws: GitError.self) {
            try remote.fetch(refspecs: ["refs/heads/main:refs/heads/main"], authentication: sandbox.authentication, progress: nil)
        }
        #expect(refused?.isNetwork == true)
        #expect(refused?.message.contains("Permission denied (publickey") == true, "\(String(describing: refused))")
        #expect(refused?.message.contains("exit status 255") == true)

        // No key at all: the same, and no clone is left behind.
        try FileManager.default.removeItem(atPath: sandbox.home + "/.ssh/id_rsa")
        let none = #expect(throws: GitError.self) {
            _ = try Repository.clone(url: ssh.url(bare), to: sandbox.root + "/clone", authentication: sandbox.authentication, progress: nil)
        }
        #expect(none?.message.contains("Permission denied") == true)
        #expect(!FileManager.default.fileExists(atPath: sandbox.root + "/clone/.git"))
    }

    /// A server with OpenSSH's defaults (no SHA-1 "ssh-rsa") and an ed25519 host key takes an ed25519
    /// key, and an RSA key too (OpenSSH signs with rsa-sha2; libssh2 1.10 could not).
    @Test func sshWithOpenSSHDefaultsTakesEd25519AndRSAKeys() throws {
        let sandbox = try TransportSandbox()
        defer { sandbox.remove() }
        let bare = try sandbox.makeRemote("team", commits: 1)
        let ed25519 = try sandbox.makeKeyPair(at: sandbox.home + "/.ssh/id_ed25519", type: "ed25519")
        let rsa = try sandbox.makeClientKey()
        let ssh = try SSHServer.start(in: sandbox, authorizedKeys: ed25519 + "\n" + rsa, hostKeyType: "ed25519")
        defer { ssh.server.stop() }
        try sandbox.writeKnownHosts([ssh.knownHostsLine])
        let repo = try Repository.clone(url: ssh.url(bare), to: sandbox.root + "/mine", authentication: sandbox.authentication, progress: nil)
        #expect(try repo.headID()?.hex == sandbox.git("rev-parse", "main", in: bare))

        try FileManager.default.removeItem(atPath: sandbox.home + "/.ssh/id_ed25519")
        let remote = try Remote.lookup(repo, name: "origin")
        try remote.fetch(refspecs: nil, authentication: sandbox.authentication, progress: nil)
        #expect(try repo.referenceID("refs/remotes/origin/main")?.hex == sandbox.git("rev-parse", "main", in: bare))
    }

    // MARK: http(s) credentials

    /// libgit2 asks the credential callback the same way over http and https; a server that refuses
    /// everything shows what is offered, and that a refused credential is offered once and then reported.
    @Test func httpCredentialsComeFromTheTokenOrGitsHelpersAndAreTriedOnce() throws {
        let sandbox = try TransportSandbox()
        defer { sandbox.remove() }
        let server = try HTTPAuthServer(log: sandbox.root + "/authorization.log")
        defer { server.stop() }
        let url = "http://127.0.0.1:\(server.port)/team.git"
        let repo = try Repository.initialize(at: sandbox.root + "/local", initialHead: "main")
        let remote = try Remote.anonymous(repo, url: url)
        func basic(_ user: String, _ password: String) -> String {
            "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        }

        // Over plain http GOALSYNC_TOKEN is not sent unless goalsync.allowTokenOverHTTP is true.
        let withheld = #expect(throws: TransportError.self) {
            try remote.fetch(refspecs: nil, authentication: sandbox.authentication(adding: ["GOALSYNC_TOKEN": "s3cret"]), progress: nil)
        }
        #expect(withheld?.kind == .noCredentials)
        #expect(withheld?.message.contains("goalsync.allowTokenOverHTTP") == true, "\(withheld?.message ?? "")")
        #expect(server.authorizations().isEmpty)
        try sandbox.git("config", "goalsync.allowTokenOverHTTP", "true", in: sandbox.root + "/local")

        // GOALSYNC_TOKEN, with the default user.
        let token = #expect(throws: TransportError.self) {
            try remote.fetch(refspecs: nil, authentication: sandbox.authentication(adding: ["GOALSYNC_TOKEN": "s3cret"]), progress: nil)
        }
        #expect(token?.kind == .authenticationFailed)
        #expect(token?.message.contains("GOALSYNC_TOKEN") == true, "\(token?.message ?? "")")
        #expect(server.authorizations() == [basic("x-access-token", "s3cret")])

        // Nothing to offer.
        let nothing = #expect(throws: TransportError.self) { try remote.fetch(refspecs: nil, authentication: sandbox.authentication, progress: nil) }
        #expect(nothing?.kind == .noCredentials)
        #expect(nothing?.message.contains("credential helper") == true)

        // git's store helper has a password: it is offered once, and forgotten when refused.
        let store = sandbox.home + "/git-credentials"
        try "http://alice:pw%21@127.0.0.1:\(server.port)\n".write(toFile: store, atomically: true, encoding: .utf8)
        try sandbox.git("config", "--global", "credential.helper", "store --file=\(store)")
        let helper = #expect(throws: TransportError.self) { try remote.fetch(refspecs: nil, authentication: sandbox.authentication, progress: nil) }
        #expect(helper?.kind == .authenticationFailed)
        #expect(helper?.message.contains("alice") == true)
        #expect(server.authorizations() == [basic("x-access-token", "s3cret"), basic("alice", "pw!")])
        #expect(try String(contentsOfFile: store, encoding: .utf8).isEmpty)
    }

    /// A credential that works is handed back to git's helpers (`git credential approve`). With the
    /// `cache` helper that starts a daemon which outlives the call; the fetch must not wait for it.
    @Test func aWorkingHelperCredentialIsApprovedWithoutWaitingForTheCacheDaemon() throws {
        let sandbox = try TransportSandbox()
        defer { sandbox.remove() }
        let accepted = "Basic " + Data("bob:hunter2".utf8).base64EncodedString()
        let server = try HTTPAuthServer(log: sandbox.root + "/authorization.log", accepting: accepted)
        defer { server.stop() }
        let socket = sandbox.home + "/cache/socket"
        try sandbox.git("config", "--global", "credential.helper", "cache --timeout=120 --socket=\(socket)")
        defer { _ = try? sandbox.gitStatus("credential-cache", "--socket=\(socket)", "exit", in: sandbox.root) }
        // A second helper, consulted first, that knows bob's password.
        let store = sandbox.home + "/git-credentials"
        try "http://bob:hunter2@127.0.0.1:\(server.port)\n".write(toFile: store, atomically: true, encoding: .utf8)
        try sandbox.git("config", "--global", "--add", "credential.helper", "store --file=\(store)")

        let repo = try Repository.initialize(at: sandbox.root + "/local", initialHead: "main")
        let remote = try Remote.anonymous(repo, url: "http://127.0.0.1:\(server.port)/team.git")
        let start = Date()
        try remote.fetch(refspecs: nil, authentication: sandbox.authentication, progress: nil)
        #expect(Date().timeIntervalSince(start) < 30)
        #expect(server.authorizations() == [accepted])
        // approve reached the cache: it answers without the store helper.
        try sandbox.git("config", "--global", "--unset-all", "credential.helper", "store")
        let cached = try ProcessRunner.run(
            "/usr/bin/env", ["git", "credential", "fill"], in: sandbox.root, environment: sandbox.environment,
            stdin: Array("protocol=http\nhost=127.0.0.1:\(server.port)\n\n".utf8))
        #expect(cached.stdout.contains("password=hunter2"), "\(cached)")
    }

    /// A self-signed certificate is refused (libcurl's verdict, with the CAs git would use) before any
    /// credential is asked for, saying how to trust a private CA.
    @Test func anUntrustedTLSCertificateIsRefused() throws {
        let sandbox = try TransportSandbox()
        defer { sandbox.remove() }
        try sandbox.run(
            "/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-keyout", sandbox.root + "/tls.key", "-out", sandbox.root + "/tls.crt")
        // s_server says ACCEPT on stdout; the shell sends that to stderr, where readiness is read.
        let server = try TestServer.start(
            "openssl s_server", executable: "/bin/sh", environment: sandbox.environment, readyLine: "ACCEPT"
        ) { port in
            [
                "-c", "exec /usr/bin/openssl s_server -www -accept 127.0.0.1:\(port) -cert \(sandbox.root)/tls.crt "
                    + "-key \(sandbox.root)/tls.key 1>&2",
            ]
        }
        defer { server.stop() }
        let repo = try Repository.initialize(at: sandbox.root + "/local", initialHead: "main")
        let url = "https://127.0.0.1:\(server.port)/team.git"
        let remote = try Remote.anonymous(repo, url: url)
        let error = #expect(throws: TransportError.self) {
            try remote.fetch(refspecs: nil, authentication: sandbox.authentication(adding: ["GOALSYNC_TOKEN": "t"]), progress: nil)
        }
        #expect(error?.kind == .certificateRejected, "\(String(describing: error))")
        #expect(error?.remote == url)
        #expect(error?.message.contains("http.sslCAInfo") == true, "\(String(describing: error))")
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
        let created = try origin.push(refspecs: ["refs/heads/main:refs/heads/main"], authentication: auth).references
        #expect(created.first?.rejection == nil)
        #expect(created.first?.remoteValue?.isZero == true)
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
///
/// Servers are started with `posix_spawn` and reaped here, not with Foundation's `Process`: that one
/// notices a child's exit when a socket the child inherited closes, and then waits for it on its single
/// monitor thread; sshd closes every inherited descriptor at start, and a long-running server would
/// keep other children's sockets open, so either would hang every later `Process` in the test run.
/// The child gets /dev/null, our pipe as stderr, and no other descriptor of ours.
private final class TestServer: @unchecked Sendable {  // `stopped` is guarded by `lock`
    let port: Int
    private let pid: pid_t
    private let errors: FileHandle
    private let lock = NSLock()
    private var stopped = false

    /// How long a server may serve one test. Past this time the server and its connections are
    /// killed, so a client stuck in a read ends and the test fails with the client's error, within the
    /// suite's time limit, instead of holding the whole run until CI's timeout. (It was added for
    /// libssh2 1.10, which could wait forever in a blocking read; ssh is OpenSSH's client now, and every
    /// transport goalsync drives has its own no-progress timeout.)
    static let watchdog: DispatchTimeInterval = .seconds(100)

    private init(port: Int, pid: pid_t, errors: FileHandle) {
        self.port = port
        self.pid = pid
        self.errors = errors
        DispatchQueue.global().asyncAfter(deadline: .now() + Self.watchdog) { [weak self] in
            guard let self else { return }
            lock.lock()
            defer { lock.unlock() }
            guard !stopped else { return }
            Issue.record("server \(pid) on port \(port) still serving after \(Self.watchdog); killed with its connections")
            killWithConnections()
        }
    }

    /// SIGKILL to the server's connection processes (its children, found in /proc) and to itself.
    private func killWithConnections() {
        let children = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { entry -> pid_t? in
            guard let child = pid_t(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")") else { return nil }
            // "pid (comm) state ppid ...": the comm may hold spaces, so read after the last ')'.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && pid_t(fields[1]) == pid ? child : nil
        }
        for child in children { kill(child, SIGKILL) }
        kill(pid, SIGKILL)
    }

    /// `git daemon` serving every repository under `base`, pushes allowed.
    static func gitDaemon(base: String, sandbox: TransportSandbox) throws -> TestServer {
        let daemon = try sandbox.git("--exec-path") + "/git-daemon"
        return try start("git daemon", executable: daemon, environment: sandbox.environment, readyLine: "Ready to rumble") {
            [
                "--verbose", "--export-all", "--base-path=\(base)", "--reuseaddr", "--listen=127.0.0.1", "--port=\($0)",
                "--enable=receive-pack", base,
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
            var fds: [Int32] = [-1, -1]
            guard pipe(&fds) == 0 else { throw TransportTestFailure("pipe failed: errno \(errno)") }
            _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
            let pid = try spawn(executable, arguments(port), environment: environment, stderr: fds[1])
            close(fds[1])
            let errors = FileHandle(fileDescriptor: fds[0], closeOnDealloc: true)
            let (ready, output) = waitForLine(readyLine, on: fds[0], seconds: 20)
            if ready {
                // Keep reading what the server logs, so it can never block on a full pipe.
                errors.readabilityHandler = { handle in
                    if handle.availableData.isEmpty { handle.readabilityHandler = nil }
                }
                return TestServer(port: port, pid: pid, errors: errors)
            }
            kill(pid, SIGKILL)
            waitpid(pid, nil, 0)
            log += output
        }
        throw TransportTestFailure("\(name) did not start:\n\(log)")
    }

    /// Kills the server (SIGKILL: it cannot linger) and reaps it. Connections it forked end on their own.
    func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        errors.readabilityHandler = nil
        kill(pid, SIGKILL)
        waitpid(pid, nil, 0)
    }

    private static func spawn(_ executable: String, _ arguments: [String], environment: [String: String], stderr: Int32) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        try closeInheritedDescriptors(&actions, from: 3)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard result == 0 else { throw TransportTestFailure("could not start \(executable): error \(result)") }
        return pid
    }

    /// Adds glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+; not in Swift's Glibc module, so
    /// looked up at run time): the child keeps no descriptor above `from`.
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t, from: Int32) throws {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else {
            throw TransportTestFailure("posix_spawn_file_actions_addclosefrom_np is missing (glibc older than 2.34)")
        }
        let closeFrom = unsafeBitCast(symbol, to: CloseFrom.self)
        guard closeFrom(&actions, from) == 0 else { throw TransportTestFailure("posix_spawn_file_actions_addclosefrom_np failed") }
    }

    /// Reads `fd` as data arrives (poll with a deadline, no sleeping) until `line` appears, EOF, or time is up.
    private static func waitForLine(_ line: String, on fd: Int32, seconds: Double) -> (Bool, String) {
        let deadline = Date().addingTimeInterval(seconds)
        var received = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let text = String(decoding: received, as: UTF8.self)
            if text.contains(line) { return (true, text) }
            let remaining = Int32(deadline.timeIntervalSinceNow * 1000)
            guard remaining > 0 else { return (false, text + "\n(no \"\(line)\" within \(seconds)s)") }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, remaining)
            if ready < 0, errno == EINTR { continue }
            guard ready > 0 else { continue }
            let count = read(fd, &chunk, chunk.count)
            guard count > 0 else { return (false, text) }  // EOF: the server exited
            received += chunk[0..<count]
        }
    }
}

/// OpenSSH's sshd with its own host key and config, accepting `root` with the given public keys.
///
/// With an RSA host key the server also accepts SHA-1 "ssh-rsa" signatures, as an older server does;
/// `hostKeyType: "ed25519"` gives a server with OpenSSH's defaults.
private struct SSHServer {
    let server: TestServer
    /// "ssh-rsa AAAA…", as a known_hosts line needs it.
    let hostPublicKey: String

    var port: Int { server.port }
    var knownHostsLine: String { "[127.0.0.1]:\(port) \(hostPublicKey)" }
    func url(_ path: String) -> String { "ssh://root@127.0.0.1:\(port)\(path)" }

    static func start(in sandbox: TransportSandbox, authorizedKeys: String, hostKeyType: String = "rsa") throws -> SSHServer {
        let dir = sandbox.root + "/sshd"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        let hostKey = try sandbox.makeKeyPair(at: dir + "/host_key", type: hostKeyType)
        try (authorizedKeys + "\n").write(toFile: dir + "/authorized_keys", atomically: true, encoding: .utf8)
        var config = SSHDaemon.config(dir: dir) + "LogLevel INFO\n"
        if hostKeyType == "rsa" { config += "HostKeyAlgorithms +ssh-rsa\nPubkeyAcceptedAlgorithms +ssh-rsa\n" }
        try config.write(toFile: dir + "/sshd_config", atomically: true, encoding: .utf8)
        let server = try TestServer.start(
            "sshd", executable: "/usr/sbin/sshd", environment: sandbox.environment, readyLine: "Server listening on"
        ) { port in ["-D", "-e", "-f", dir + "/sshd_config", "-p", "\(port)"] }
        return SSHServer(server: server, hostPublicKey: hostKey)
    }
}

/// An HTTP server on 127.0.0.1 that answers "401, Basic" to every request except those carrying the
/// `accepting` Authorization, which get an empty repository's smart-HTTP advertisement; it appends each
/// request's Authorization header (if any) to a log file, one per line. Runs on its own thread until stopped.
private final class HTTPAuthServer {
    let port: Int
    private let socketFD: Int32
    private let log: String
    private let finished = DispatchSemaphore(value: 0)

    init(log: String, accepting accepted: String? = nil) throws {
        self.log = log
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        (socketFD, port) = try listeningLoopbackSocket()
        let fd = socketFD, finished = finished
        Thread.detachNewThread {
            defer { finished.signal() }
            while true {
                let connection = accept(fd, nil, nil)
                guard connection >= 0 else { return }  // closed by stop()
                var request = [UInt8]()
                var chunk = [UInt8](repeating: 0, count: 4096)
                while !String(decoding: request, as: UTF8.self).contains("\r\n\r\n") {
                    let count = read(connection, &chunk, chunk.count)
                    guard count > 0 else { break }
                    request += chunk[0..<count]
                }
                let header = String(decoding: request, as: UTF8.self).split(separator: "\r\n")
                    .first { $0.lowercased().hasPrefix("authorization:") }
                if let header, let handle = FileHandle(forWritingAtPath: log) {
                    handle.seekToEndOfFile()
                    handle.write(Data((header.dropFirst("authorization:".count).trimmingCharacters(in: .whitespaces) + "\n").utf8))
                    handle.closeFile()
                }
                let authorization = header.map { $0.dropFirst("authorization:".count).trimmingCharacters(in: .whitespaces) }
                let response: String
                if let accepted, authorization == accepted {
                    func packet(_ text: String) -> String { String(format: "%04x", text.utf8.count + 4) + text }
                    let body =
                        packet("# service=git-upload-pack\n") + "0000"
                        + packet(String(repeating: "0", count: 40) + " capabilities^{}\u{0}side-band-64k\n") + "0000"
                    response =
                        "HTTP/1.1 200 OK\r\nContent-Type: application/x-git-upload-pack-advertisement\r\n"
                        + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body
                } else {
                    response = "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                }
                let bytes = Array(response.utf8)
                _ = bytes.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
                close(connection)
            }
        }
    }

    /// The Authorization headers received so far, in order.
    func authorizations() -> [String] {
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    func stop() {
        shutdown(socketFD, Int32(SHUT_RDWR))
        close(socketFD)
        _ = finished.wait(timeout: .now() + 10)
    }
}

/// A socket bound to a free port on 127.0.0.1 and listening.
private func listeningLoopbackSocket() throws -> (Int32, Int) {
    let fd = try boundLoopbackSocket()
    guard listen(fd, 16) == 0 else {
        close(fd)
        throw TransportTestFailure("listen failed: errno \(errno)")
    }
    return (fd, try localPort(of: fd))
}

/// A port on 127.0.0.1 nobody listens on right now: bind port 0, read the port, close.
private func freeLoopbackPort() throws -> Int {
    let fd = try boundLoopbackSocket()
    defer { close(fd) }
    return try localPort(of: fd)
}

/// A TCP socket bound to port 0 (any free port) on 127.0.0.1, close-on-exec.
private func boundLoopbackSocket() throws -> Int32 {
    #if os(Linux)
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { throw TransportTestFailure("socket() failed: errno \(errno)") }
    _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    let bound = withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
    guard bound else {
        close(fd)
        throw TransportTestFailure("could not bind a loopback port: errno \(errno)")
    }
    return fd
}

private func localPort(of fd: Int32) throws -> Int {
    var address = sockaddr_in()
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) == 0 }
    }
    guard ok else { throw TransportTestFailure("getsockname failed: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}

// MARK: - Sandbox

private struct TransportTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One test's temporary folder: a client HOME with `~/.ssh`, repositories, server files.
private final class TransportSandbox {
    let root: String
    let home: String

    /// nss_wrapper's variables: OpenSSH's client reads `~` from the password database, not HOME.
    let sshHome: [String: String]

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("goalsync-transport-\(UUID().uuidString)")
            .standardizedFileURL.path
        home = root + "/home"
        try FileManager.default.createDirectory(atPath: home + "/.ssh", withIntermediateDirectories: true)
        sshHome = try nssWrapperEnvironment(home: home, dir: root + "/nss")
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

    /// What goalsync's transports run with: `environment`, OpenSSH's home, and `extra`.
    func authentication(adding extra: [String: String]) -> Authentication {
        Authentication(environment: environment.merging(sshHome) { $1 }.merging(extra) { $1 }, homeDirectory: home)
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
