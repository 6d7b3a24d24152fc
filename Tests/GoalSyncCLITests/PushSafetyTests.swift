import Foundation
import GoalSyncGit
import GoalSyncTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// SPEC §6, "push never forces": concurrent pushes land as fast-forwards or are pulled and pushed
/// again, on every transport; a remote by path behaves as git-receive-pack (its hooks run, a refusal is
/// reported with the hook's reason); commits that break the rules are not pushed unless told.
@Suite("Push safety", .tags(.server), .timeLimit(.minutes(6)))
struct PushSafetyTests {
    // MARK: Concurrent pushes

    /// Five clones of one bare remote push in parallel loops, all started together: each client checks
    /// in on the shared active goal and retitles its own goal, three times each, pushing after every
    /// edit. Every push lands (pulling and pushing again when another won the race), every commit a
    /// client was told is pushed is in the remote's history, every update of the remote's branch was a
    /// fast-forward (its reflog), the one-active rule holds at every remote commit, and no edit is lost.
    @Test(arguments: ["path", "file", "git"])
    func concurrentPushesFromFiveClonesAllLandAsFastForwards(transport: String) throws {
        let team = try Team()
        try team.git(["--git-dir", team.remote, "config", "core.logAllRefUpdates", "true"])
        let ana = try team.founder("Ana")
        try ana.goalsync("new", "Raise activation", "--id", "shared").requireOK("new")
        try ana.goalsync("add", "shared", "metrics", "{id: m, name: Activation, unit: percent, direction: increase, baseline: 30, target: 50}")
            .requireOK("metric")
        try ana.goalsync("set", "shared", "status", "proposed").requireOK("propose")
        try ana.goalsync("activate", "shared").requireOK("activate")
        let names = (1...5).map { "c\($0)" }
        for name in names { try ana.goalsync("new", "Goal of \(name)", "--id", name).requireOK("new \(name)") }
        try ana.goalsync("push").requireOK("push")

        var daemon: DaemonServer?
        let url: String
        switch transport {
        case "path": url = team.remote
        case "file": url = "file://" + team.remote
        default:
            let server = try DaemonServer(basePath: team.base)
            daemon = server
            url = "git://127.0.0.1:\(server.port)/remote.git"
        }
        let clients = try names.map { name in
            let member = try team.join(name, url: url)
            return SoakClient(name: name, dir: member.dir, environment: team.env.merging(member.identity) { $1 }, binary: team.binary)
        }

        let log = SoakLog()
        let start = DispatchSemaphore(value: 0)
        let finished = DispatchGroup()
        for client in clients {
            finished.enter()
            Thread {
                start.wait()
                for round in 1...6 {
                    let edit =
                        round % 2 == 1
                        ? ["checkin", "shared", "m", "\(30 + round)", "--note", "\(client.name) round \(round)"]
                        : ["set", client.name, "title", "Goal of \(client.name), round \(round)"]
                    let edited = client.run(edit)
                    let pushed = client.run(["push"])
                    log.add(SoakLog.Step(client: client.name, round: round, edit: edited, push: pushed))
                }
                finished.leave()
            }.start()
        }
        for _ in clients { start.signal() }
        let ended = finished.wait(timeout: .now() + 300)
        try #require(ended == .success, "the clients did not finish in 300 s")
        withExtendedLifetime(daemon) {}

        let steps = log.steps
        #expect(steps.count == 30)
        let history = Set(try team.git(["--git-dir", team.remote, "rev-list", "main"]).requireOK("rev-list").stdout.split(separator: "\n").map(String.init))
        for step in steps {
            #expect(step.edit?.status == 0, "\(step.client) round \(step.round) edit: \(String(describing: step.edit))")
            let push = try #require(step.push, "\(step.client) round \(step.round): push did not run")
            #expect(push.status == 0, "\(step.client) round \(step.round) push: \(push)")
            guard push.status == 0 else { continue }
            // "Pushed main to origin (1a2b3c4d)...": that commit is in the remote's history.
            let short = try #require(push.stdout.firstMatch(of: /Pushed main to origin \(([0-9a-f]{8})\)/)?.1, "\(push)")
            #expect(history.contains { $0.hasPrefix(short) }, "\(step.client) was told \(short) is pushed; the remote does not have it")
        }
        for client in clients {
            let head = try team.git(["-C", client.dir, "rev-parse", "HEAD"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(history.contains(head), "\(client.name)'s last commit is not on the remote")
        }

        // Every update of the remote's branch was a fast-forward of what it held.
        let reflog = try String(contentsOfFile: team.remote + "/logs/refs/heads/main", encoding: .utf8)
        var updates = 0
        for line in reflog.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 2, fields[0] != String(repeating: "0", count: 40) else { continue }
            updates += 1
            let ff = try team.git(["--git-dir", team.remote, "merge-base", "--is-ancestor", String(fields[0]), String(fields[1])])
            #expect(ff.status == 0, "the remote's main moved from \(fields[0]) to \(fields[1]), not a fast-forward")
        }
        #expect(updates >= 30, "\(updates) updates of the remote's main for 30 pushes of new commits")

        // The one-active rule at every commit of the remote.
        let active = try team.git(["--git-dir", team.remote, "grep", "-l", "^status: active$"] + Array(history) + ["--", "goals/"])
        var activeByCommit = [Substring: Int]()
        for line in active.stdout.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            activeByCommit[line[..<colon], default: 0] += 1
        }
        #expect(activeByCommit.values.allSatisfy { $0 <= 1 }, "commits with more than one active goal: \(activeByCommit.filter { $0.value > 1 })")

        // Nothing lost: every check-in and each client's last title.
        let shared = try team.git(["--git-dir", team.remote, "show", "main:goals/shared.md"]).requireOK("show").stdout
        for name in names {
            for round in [1, 3, 5] { #expect(shared.contains("\(name) round \(round)"), "\(name)'s check-in of round \(round) is lost") }
            let own = try team.git(["--git-dir", team.remote, "show", "main:goals/\(name).md"]).requireOK("show").stdout
            #expect(own.contains("Goal of \(name), round 6"))
        }
    }

    // MARK: The remote's hooks

    @Test func aPreReceiveHookThatDeclinesStopsThePushWithItsReason() throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        try writeExecutable("#!/bin/sh\necho 'pushes are frozen until the release' >&2\nexit 1\n", to: team.remote + "/hooks/pre-receive")
        try ana.goalsync("new", "Raise activation", "--id", "g").requireOK("new")
        let remoteBefore = try team.remoteHead()
        let local = ana.head
        let push = try ana.goalsync("push")
        #expect(push.status == 2, "\(push)")
        // The hook's words as git shows them, then which reference was refused and why.
        #expect(push.stderrLines.first == "remote: pushes are frozen until the release", "\(push)")
        #expect(push.stderrLines.last?.contains("refused main on origin: pre-receive hook declined") == true, "\(push)")
        #expect(push.stderrLines.count == 2, "\(push)")
        #expect(!push.stdout.contains("Pushed"))
        #expect(try team.remoteHead() == remoteBefore)
        #expect(try team.git(["--git-dir", team.remote, "cat-file", "-e", local]).status != 0, "the refused commit reached the remote")
        #expect(ana.head == local)
        #expect(try ana.git("status", "--porcelain").stdout.isEmpty)
    }

    /// git-receive-pack runs the remote's hooks: pre-receive sees the update, post-receive runs to
    /// its end before goalsync says "Pushed".
    @Test(arguments: ["path", "file"])
    func theRemotesHooksRunOnAPushByPathOrFileURL(transport: String) throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        if transport == "file" { try ana.git("remote", "set-url", "origin", "file://" + team.remote).requireOK("set-url") }
        try writeExecutable("#!/bin/sh\ncat > pre-receive.input\nexit 0\n", to: team.remote + "/hooks/pre-receive")
        try writeExecutable("#!/bin/sh\ncat > post-receive.input\n", to: team.remote + "/hooks/post-receive")
        try ana.goalsync("new", "Raise activation", "--id", "g").requireOK("new")
        let before = try team.remoteHead()
        let push = try ana.goalsync("push").requireOK("push")
        #expect(push.stdout.contains("Pushed main to origin (\(ana.head.prefix(8)))"))
        #expect(try team.remoteHead() == ana.head)
        for hook in ["pre-receive", "post-receive"] {
            let input = try String(contentsOfFile: team.remote + "/\(hook).input", encoding: .utf8)
            #expect(input == "\(before) \(ana.head) refs/heads/main\n", "\(hook) saw: \(input)")
        }
    }

    /// Through the library: a push on a `Remote` that first listed the remote's references (libgit2
    /// keeps a remote's transport, and its local transport writes references directly) still goes
    /// through git-receive-pack, and comes back typed: refused by the hook, with its reason.
    @Test func aPushAfterAListingStillRunsTheRemotesHooks() throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        try writeExecutable("#!/bin/sh\necho 'no pushes today' >&2\nexit 1\n", to: team.remote + "/hooks/pre-receive")
        try ana.goalsync("new", "Raise activation", "--id", "g").requireOK("new")
        let before = try team.remoteHead()
        let repo = try Repository.open(at: ana.dir)
        let auth = Authentication(environment: team.env, homeDirectory: team.base + "/home")
        let origin = try Remote.lookup(repo, name: "origin")
        #expect(try origin.listReferences(authentication: auth).contains { $0.name == "refs/heads/main" && $0.id.hex == before })
        let result = try origin.push(refspecs: ["refs/heads/main:refs/heads/main"], authentication: auth)
        #expect(result.references.map(\.name) == ["refs/heads/main"])
        #expect(result.references.first?.rejection == .refused(reason: "pre-receive hook declined"))
        #expect(result.references.first?.remoteValue?.hex == before)
        #expect(result.references.first?.pushedValue?.hex == ana.head)
        #expect(result.serverMessages.contains("no pushes today"), "\(result.serverMessages)")
        #expect(try team.remoteHead() == before)
    }

    /// The exec transport serves fetches and listings too (`git-upload-pack`), as the ssh transport
    /// will: a fetch and a listing from a path and from `file://` through it.
    @Test(arguments: ["path", "file"])
    func fetchesAndListingsGoThroughGitUploadPackWhenAsked(transport: String) throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        let ben = try team.join("Ben")
        try ana.goalsync("new", "Raise activation", "--id", "g").requireOK("new")
        try ana.goalsync("push").requireOK("push")
        let repo = try Repository.open(at: ben.dir)
        let auth = Authentication(environment: team.env, homeDirectory: team.base + "/home")
        let url = transport == "path" ? team.remote : "file://" + team.remote
        let remote = try Remote.anonymous(repo, url: url)
        remote.localFetchThroughService = true
        #expect(try remote.listReferences(authentication: auth).contains { $0.name == "refs/heads/main" && $0.id.hex == ana.head })
        #expect(try remote.defaultBranch(authentication: auth) == "refs/heads/main")
        try remote.fetch(refspecs: ["+refs/heads/main:refs/goalsync/fetched/main"], authentication: auth, progress: nil)
        #expect(try repo.referenceID("refs/goalsync/fetched/main")?.hex == ana.head)

        let missing = try Remote.anonymous(repo, url: team.base + "/nowhere.git")
        missing.localFetchThroughService = true
        let error = #expect(throws: GitError.self) { try missing.listReferences(authentication: auth) }
        #expect(error?.message.contains("git-upload-pack '\(team.base)/nowhere.git' failed (exit status 128)") == true, "\(String(describing: error))")
        #expect(error?.isNetwork == true)
    }

    // MARK: Commits that break the rules

    @Test func aCommitThatBreaksTheRulesIsNotPushedUnlessAllowed() throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        for id in ["a", "b"] {
            try ana.goalsync("new", "Goal \(id)", "--id", id).requireOK("new")
            try ana.goalsync("set", id, "status", "proposed").requireOK("propose")
        }
        try ana.goalsync("push").requireOK("push")
        // Plain git, hook skipped: two active goals, then an unrelated commit on top (still two).
        for id in ["a", "b"] {
            let text = try ana.text("goals/\(id).md").replacingOccurrences(of: "status: proposed", with: "status: active")
            try ana.write("goals/\(id).md", text)
        }
        try ana.git("commit", "-qam", "Activate both", "--no-verify").requireOK("commit")
        let broken = ana.head
        try ana.write("notes.txt", "notes\n")
        try ana.git("add", "notes.txt").requireOK("add")
        try ana.git("commit", "-qm", "Add notes", "--no-verify").requireOK("commit")
        let remoteBefore = try team.remoteHead()

        let refused = try ana.goalsync("push")
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("commit \(broken.prefix(8)) \"Activate both\": goals/a.md:"), "\(refused)")
        #expect(refused.stderr.contains("2 goals are active (a, b)"))
        #expect(refused.stderr.contains("\"Add notes\""), "the commit on top holds two active goals too")
        #expect(refused.stderrLines.last?.contains("nothing was pushed") == true)
        #expect(refused.stderrLines.last?.contains("--allow-invalid") == true)
        #expect(try team.remoteHead() == remoteBefore)

        let allowed = try ana.goalsync("push", "--allow-invalid").requireOK("push --allow-invalid")
        let warnings = allowed.stderrLines.filter { $0.hasPrefix("goalsync: warning: pushed ") }
        #expect(warnings.count == 2, "\(allowed)")
        #expect(warnings.first?.contains("\(broken.prefix(8)) \"Activate both\", which breaks the rules") == true)
        #expect(try team.remoteHead() == ana.head)
    }

    /// A commit already on the remote is not checked again; one made after it, that fixes it, is pushed.
    @Test func onlyOutgoingCommitsAreChecked() throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        for id in ["a", "b"] {
            try ana.goalsync("new", "Goal \(id)", "--id", id).requireOK("new")
            try ana.goalsync("set", id, "status", "proposed").requireOK("propose")
        }
        for id in ["a", "b"] {
            let text = try ana.text("goals/\(id).md").replacingOccurrences(of: "status: proposed", with: "status: active")
            try ana.write("goals/\(id).md", text)
        }
        try ana.git("commit", "-qam", "Activate both", "--no-verify").requireOK("commit")
        try ana.git("push", "-q", "origin", "main").requireOK("plain git push")
        let text = try ana.text("goals/b.md").replacingOccurrences(of: "status: active", with: "status: proposed")
        try ana.write("goals/b.md", text)
        try ana.git("commit", "-qam", "Step b back").requireOK("commit")
        try ana.goalsync("push").requireOK("push of the fix")
        #expect(try team.remoteHead() == ana.head)
    }

    // MARK: The service behind a remote by path

    @Test func aRemotePathThatIsNotARepositoryFailsWithGitsReason() throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        try ana.git("remote", "set-url", "origin", team.base + "/nowhere.git").requireOK("set-url")
        try ana.goalsync("new", "Raise activation", "--id", "g").requireOK("new")
        let head = ana.head
        let push = try ana.goalsync("push")
        #expect(push.status == 2)
        #expect(push.stderr.contains("git-receive-pack '\(team.base)/nowhere.git' failed (exit status 128)"), "\(push)")
        #expect(push.stderr.contains("does not appear to be a git repository"), "\(push)")
        #expect(push.stderrLines.count == 1)
        #expect(ana.head == head)
    }

    /// A service that says nothing is stopped after `goalsync.timeout` seconds, with everything it
    /// started (its process group), and the push fails saying how to wait longer.
    @Test func aStalledServiceIsStoppedAfterTheTimeout() throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        let fake = team.base + "/fake-git"
        try FileManager.default.createDirectory(atPath: fake, withIntermediateDirectories: true)
        try writeExecutable("#!/bin/sh\necho $$ > \"\(fake)/pid\"\nexec sleep 120\n", to: fake + "/git")
        try ana.git("config", "goalsync.timeout", "1").requireOK("config")
        try ana.goalsync("new", "Raise activation", "--id", "g").requireOK("new")
        let started = Date()
        let push = try ana.goalsync(["push"], extra: ["PATH": fake + ":" + (team.env["PATH"] ?? "")])
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(push.status == 2, "\(push)")
        #expect(push.stderr.contains("made no progress for 1 s and was stopped"), "\(push)")
        #expect(push.stderr.contains("git config goalsync.timeout"))
        let pid = try #require(Int32(try String(contentsOfFile: fake + "/pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(pid, 0) != 0, "the stalled service \(pid) still runs")
    }

    @Test func aTimeoutThatIsNotANumberSaysHowToSetIt() throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        try ana.git("config", "goalsync.timeout", "soon").requireOK("config")
        try ana.goalsync("new", "Raise activation", "--id", "g").requireOK("new")
        let push = try ana.goalsync("push")
        #expect(push.status == 2)
        #expect(push.stderr.contains("git config goalsync.timeout is 'soon', not a number of seconds"), "\(push)")
    }

    /// The command lines follow git's conventions: `git receive-pack PATH` for a local repository, and
    /// for ssh one argument `git-receive-pack 'PATH'` in git's quoting (more in SSHCommandTests).
    @Test func serviceCommandsFollowGitsConventions() throws {
        let target = try #require(try ConnectTarget.parse("ssh://ana@host:2222/srv/it's.git"))
        let ssh = try ServiceCommand.ssh(target: target, environment: ["PATH": "/usr/bin:/bin"], config: nil, remote: "r")
        #expect(
            try ssh.invocation(for: .receivePack, url: "ssh://ana@host:2222/srv/it's.git").endpoint
                == .process(arguments: ["/usr/bin/ssh", "-p", "2222", "ana@host", "git-receive-pack '/srv/it'\\''s.git'"]))

        #expect(try ServiceCommand.localPath(of: "file:///srv/a%20b.git", relativeTo: "/w") == "/srv/a b.git")
        #expect(try ServiceCommand.localPath(of: "file://localhost/srv/x.git", relativeTo: "/w") == "/srv/x.git")
        #expect(try ServiceCommand.localPath(of: "../x.git", relativeTo: "/w/repo") == "/w/repo/../x.git")
        let otherHost = #expect(throws: TransportError.self) { try ServiceCommand.localPath(of: "file://server/x.git", relativeTo: "/") }
        #expect(otherHost?.kind == .unsupportedURL)

        let missing = #expect(throws: TransportError.self) {
            try ServiceCommand.local(environment: ["PATH": "/nonexistent"], baseDirectory: "/", remote: "/srv/x.git", fallbackFolders: [])
        }
        #expect(missing?.kind == .gitMissing)
        #expect(missing?.message.contains("install git") == true)

        let local = try ServiceCommand.local(
            environment: ["PATH": "/usr/local/bin:/usr/bin:/bin", "GIT_DIR": "/elsewhere/.git", "GIT_INDEX_FILE": "/elsewhere/index", "HOME": "/h"],
            baseDirectory: "/w", remote: "/srv/x.git")
        #expect(local.environment["GIT_DIR"] == nil && local.environment["GIT_INDEX_FILE"] == nil)
        #expect(local.environment["HOME"] == "/h")
        let invocation = try local.invocation(for: .receivePack, url: "/srv/x.git")
        guard case .process(let arguments) = invocation.endpoint else {
            Issue.record("a local service is a process: \(invocation.endpoint)")
            return
        }
        #expect(arguments.suffix(2) == ["receive-pack", "/srv/x.git"])
        #expect(arguments.first?.hasSuffix("/git") == true)
        #expect(invocation.label == "git-receive-pack '/srv/x.git'")
    }
}

/// One soak client: its clone and environment, run from any thread.
private struct SoakClient: Sendable {
    let name: String
    let dir: String
    let environment: [String: String]
    let binary: String

    /// The built goalsync with `arguments` in the clone; nil when it could not be started.
    func run(_ arguments: [String]) -> ProcessResult? {
        try? ProcessRunner.run(binary, arguments, in: dir, environment: environment, timeout: 120)
    }
}

/// What the soak's clients did, collected from their threads.
private final class SoakLog: @unchecked Sendable {
    struct Step: Sendable {
        let client: String
        let round: Int
        let edit: ProcessResult?
        let push: ProcessResult?
    }

    private let lock = NSLock()
    private var collected = [Step]()

    func add(_ step: Step) { lock.withLock { collected.append(step) } }
    var steps: [Step] { lock.withLock { collected } }
}

extension Team {
    @discardableResult
    func git(_ arguments: [String]) throws -> ProcessResult {
        try run(TestRepo.gitPath, arguments, in: base)
    }

    /// The remote's main.
    func remoteHead() throws -> String {
        try git(["--git-dir", remote, "rev-parse", "main"]).requireOK("rev-parse").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
