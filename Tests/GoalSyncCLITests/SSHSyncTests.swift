import Foundation
import GoalSyncTestSupport
import Testing

/// SPEC §6 over ssh: the built binary against OpenSSH's `sshd`, started by the test on 127.0.0.1 with
/// OpenSSH's default algorithms, and plain git as a teammate. goalsync runs OpenSSH's client as git
/// does, so every ssh (goalsync's and git's) sees the team's home as `~` through nss_wrapper
/// (``Team/init(sshHome:sourceLocation:)``): its `~/.ssh/config`, keys and `known_hosts` apply.
@Suite("Sync over ssh", .tags(.server), .timeLimit(.minutes(3)))
struct SSHSyncTests {
    /// A team whose remote is served by sshd; the host key and the client key are both `keyType`, the
    /// client key at `~/.ssh/id_<type>` (or `keyName`), where OpenSSH finds it.
    final class SSHTeam {
        let team: Team
        let sshd: SSHDaemon
        let url: String
        let key: String

        init(keyType: String, keyName: String? = nil, hostKeyType: String? = nil) throws {
            team = try Team(sshHome: true)
            try FileManager.default.createDirectory(atPath: team.base + "/home/.ssh", withIntermediateDirectories: true)
            key = URL(fileURLWithPath: team.base + "/home/.ssh/" + (keyName ?? "id_" + keyType)).standardizedFileURL.path
            try FileManager.default.createDirectory(atPath: (key as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let publicKey = try makeSSHKey(at: key, type: keyType)
            sshd = try SSHDaemon(dir: team.base + "/sshd", authorizedKeys: [publicKey], keyType: hostKeyType ?? keyType)
            url = sshd.url(team.remote)
        }

        var ssh: String { team.base + "/home/.ssh" }
        var knownHosts: String { ssh + "/known_hosts" }

        func trustHost() throws {
            try (sshd.knownHostsLine + "\n").write(toFile: knownHosts, atomically: true, encoding: .utf8)
        }

        /// Plain git as `member`, with the same environment (and so the same ssh set-up) as goalsync.
        @discardableResult
        func plainGit(_ member: Member, _ args: String..., in dir: String? = nil, extra: [String: String] = [:]) throws -> ProcessResult {
            try team.run(TestRepo.gitPath, args, in: dir ?? member.dir, extra: member.identity.merging(extra) { $1 })
        }

        /// The authors of the remote's history of `path`.
        func remoteAuthors(of path: String) throws -> Set<String> {
            let log = try team.run(TestRepo.gitPath, ["--git-dir", team.remote, "log", "--format=%an", "main", "--", path], in: team.base)
            try log.requireOK("git log")
            return Set(log.stdout.split(separator: "\n").map(String.init))
        }

        func remoteHead() throws -> String {
            try team.run(TestRepo.gitPath, ["--git-dir", team.remote, "rev-parse", "--verify", "-q", "main"], in: team.base)
                .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    @Test(arguments: ["ed25519", "ecdsa"])
    func cloneEditPushPullAndSettleAConflictOverSSH(keyType: String) throws {
        let t = try SSHTeam(keyType: keyType)
        let team = t.team
        let ana = Member(team: team, name: "Ana")
        try ana.goalsync("init", ana.dir).requireOK("init")
        try ana.git("remote", "add", "origin", t.url).requireOK("remote add")
        try ana.goalsync("new", "Raise activation from 30% to 50%", "--id", "g", "--set", "persona=Admins").requireOK("new")
        try ana.goalsync("add", "g", "metrics", "{id: m, name: Activation, unit: percent, direction: increase, baseline: 30, target: 50}").requireOK("add metric")

        // An unknown host is refused as OpenSSH refuses it, in one line naming it; nothing reaches the remote.
        let refused = try ana.goalsync("push")
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderrLines.count == 1, "\(refused)")
        #expect(refused.stderr.contains("Host key verification failed"), "\(refused)")
        #expect(refused.stderr.contains(t.url), "\(refused)")
        #expect(!refused.stderr.contains("\r"), "\(refused)")
        #expect(try t.remoteHead().isEmpty)

        try t.trustHost()
        try ana.goalsync("push").requireOK("first push over ssh")
        #expect(try t.remoteHead() == ana.head)

        // Ben clones over ssh: same files, hooks and merge driver set up, upstream set.
        let ben = try team.join("Ben", url: t.url)
        #expect(try ben.file("goals/g.md") == (try ana.file("goals/g.md")))
        #expect(FileManager.default.isExecutableFile(atPath: ben.dir + "/.git/hooks/pre-commit"))
        #expect(try ben.git("config", "merge.goalsync.driver").stdout.contains("goalsync merge-driver"))
        #expect(try ben.git("remote", "get-url", "origin").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == t.url)

        // Disjoint edits of one goal: Ana pushes first, Ben pulls (a merge with both parents), pushes.
        try ana.goalsync("set", "g", "title", "Raise activation to 55%").requireOK("set title")
        try ana.goalsync("push").requireOK("push")
        try ben.goalsync("set", "g", "persona", "New admins").requireOK("set persona")
        try ben.goalsync("checkin", "g", "m", "34", "--confidence", "on_track").requireOK("checkin")
        let pull = try ben.goalsync("pull").requireOK("pull over ssh")
        #expect(pull.stdout.contains("Merged"), "\(pull)")
        let merged = try ben.text("goals/g.md")
        #expect(merged.contains("title: Raise activation to 55%"))
        #expect(merged.contains("persona: New admins"))
        #expect(merged.contains("value: 34"))
        #expect(try ben.git("rev-list", "--parents", "-n", "1", "HEAD").stdout.split(separator: " ").count == 3)
        try ben.goalsync("push").requireOK("push the merge")
        #expect(try t.remoteHead() == ben.head)
        try ana.goalsync("pull").requireOK("pull the merge")
        #expect(ana.head == ben.head)
        #expect(try ana.file("goals/g.md") == (try ben.file("goals/g.md")))

        // A true conflict: both retitle. Ben's sync stops before committing; settled, continued, pushed.
        try ana.goalsync("set", "g", "title", "Ana's title").requireOK("set")
        try ana.goalsync("push").requireOK("push")
        try ben.goalsync("set", "g", "title", "Ben's title").requireOK("set")
        let before = ben.head
        let sync = try ben.goalsync("sync")
        #expect(sync.status == 1, "\(sync)")
        #expect(sync.stderr.contains("g title"), "\(sync)")
        #expect(ben.head == before)
        #expect(try t.remoteHead() == ana.head, "a stopped sync pushes nothing")
        let status = try ben.goalsync("status")
        #expect(status.status == 1)
        #expect(status.stdout.contains("theirs: Ana's title"), "\(status)")
        try ben.goalsync("resolve", "g", "title", "--theirs").requireOK("resolve")
        try ben.goalsync("pull", "--continue").requireOK("continue")
        try ben.goalsync("push").requireOK("push the settled merge")
        try ana.goalsync("pull").requireOK("pull")
        #expect(try ana.text("goals/g.md").contains("title: Ana's title"))
        #expect(try ana.file("goals/g.md") == (try ben.file("goals/g.md")))

        // Cara uses plain git over ssh: she clones, edits by hand, commits and pushes while Ben adds
        // proof offline; Ben's sync merges both and pushes; Cara's plain pull fast-forwards to it.
        let cara = Member(team: team, name: "Cara")
        try t.plainGit(cara, "clone", "-q", t.url, cara.dir, in: team.base).requireOK("git clone over ssh")
        let hand = try cara.text("goals/g.md").replacingOccurrences(of: "persona: New admins", with: "persona: Admins of new workspaces")
        try cara.write("goals/g.md", hand)
        try cara.git("commit", "-q", "-am", "Sharpen the persona").requireOK("git commit")
        try t.plainGit(cara, "push", "-q", "origin", "main").requireOK("git push over ssh")
        try ben.goalsync("add", "g", "proof", "Q3 funnel: 70% never invite").requireOK("add proof")
        try ben.goalsync("sync").requireOK("sync over ssh")
        let synced = try ben.text("goals/g.md")
        #expect(synced.contains("persona: Admins of new workspaces"))
        #expect(synced.contains("Q3 funnel: 70% never invite"))
        #expect(try t.remoteHead() == ben.head)
        try t.plainGit(cara, "pull", "-q", "--ff-only", "origin", "main").requireOK("git pull over ssh")
        #expect(cara.head == ben.head)
        #expect(try cara.file("goals/g.md") == (try ben.file("goals/g.md")))
        #expect(try t.remoteAuthors(of: "goals/g.md") == ["Ana", "Ben", "Cara"])
        #expect(try ben.git("fsck", "--no-progress").status == 0)
    }

    /// The team: an RSA key named `work_key`, reached through a `~/.ssh/config` alias with a
    /// non-default port and the user; no user in the URL (the local user, `tess`, is unknown to the
    /// server, so only the alias's `User` logs in). The server has OpenSSH's defaults: RSA signs with
    /// rsa-sha2, as OpenSSH's client does.
    @Test func aTeamOnAnSSHConfigAliasWithAnRSAWorkKey() throws {
        let t = try SSHTeam(keyType: "rsa", keyName: "work_key", hostKeyType: "ed25519")
        let team = t.team
        try """
            Host teamgit
                HostName 127.0.0.1
                Port \(t.sshd.port)
                User root
                IdentityFile ~/.ssh/work_key
                IdentitiesOnly yes

            """.write(toFile: t.ssh + "/config", atomically: true, encoding: .utf8)
        try t.trustHost()
        let ana = try team.founder("Ana")
        let url = "teamgit:" + team.remote

        // Ben clones through the alias, edits, pushes.
        let ben = try team.join("Ben", url: url)
        #expect(try ben.git("remote", "get-url", "origin").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == url)
        try ben.goalsync("new", "Cut onboarding to one day", "--id", "onboarding").requireOK("new")
        let pushed = try ben.goalsync("push").requireOK("push through the alias")
        #expect(pushed.stdout.contains("Pushed"), "\(pushed)")
        #expect(try t.remoteHead() == ben.head)

        // Ana switches to the alias and pulls Ben's goal.
        try ana.git("remote", "set-url", "origin", url).requireOK("set-url")
        try ana.goalsync("pull").requireOK("pull through the alias")
        #expect(ana.head == ben.head)
        #expect(try ana.file("goals/onboarding.md") == (try ben.file("goals/onboarding.md")))

        // Plain git over the same URL agrees.
        let lsRemote = try t.plainGit(ana, "ls-remote", url, "refs/heads/main").requireOK("git ls-remote")
        #expect(lsRemote.stdout.hasPrefix(ben.head), "\(lsRemote)")
        let cara = Member(team: team, name: "Cara")
        try t.plainGit(cara, "clone", "-q", url, cara.dir, in: team.base).requireOK("git clone through the alias")
        #expect(cara.head == ben.head)
    }

    /// `GIT_SSH_COMMAND` (a shell command: the key's path has a space and is quoted) and git config
    /// `core.sshCommand` choose the ssh that runs, as with git: the key is nowhere OpenSSH looks by
    /// itself, so without them the server refuses, with OpenSSH's reason.
    @Test func gitSSHCommandAndCoreSSHCommandAreHonored() throws {
        let t = try SSHTeam(keyType: "ed25519", keyName: "../../keys dir/team key", hostKeyType: "ed25519")
        let team = t.team
        try t.trustHost()
        _ = try team.founder("Ana")
        let command = "ssh -i '\(t.key)' -o IdentitiesOnly=yes"

        let ben = Member(team: team, name: "Ben")
        let refused = try ben.goalsync("clone", t.url, ben.dir)
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("Permission denied (publickey)"), "\(refused)")
        #expect(refused.stderrLines.count == 1, "\(refused)")
        #expect(!FileManager.default.fileExists(atPath: ben.dir))

        try ben.goalsync(["clone", t.url, ben.dir], extra: ["GIT_SSH_COMMAND": command]).requireOK("clone with GIT_SSH_COMMAND")
        try ben.goalsync("new", "Cut onboarding to one day", "--id", "onboarding").requireOK("new")
        let plainPush = try ben.goalsync("push")
        #expect(plainPush.status == 2, "\(plainPush)")
        try ben.git("config", "core.sshCommand", command).requireOK("config core.sshCommand")
        try ben.goalsync("push").requireOK("push with core.sshCommand")
        #expect(try t.remoteHead() == ben.head)
        // GIT_SSH_COMMAND wins over core.sshCommand, as in git.
        let overridden = try ben.goalsync(["pull"], extra: ["GIT_SSH_COMMAND": "ssh -o IdentitiesOnly=yes"])
        #expect(overridden.status == 2, "\(overridden)")
        #expect(overridden.stderr.contains("Permission denied"), "\(overridden)")
        try ben.goalsync("pull").requireOK("pull with core.sshCommand")
    }

    /// ed25519 through an agent the test starts, with no key file at all; a stale `SSH_AUTH_SOCK` (a
    /// socket that does not exist) does not stop OpenSSH from trying the key files.
    @Test func anAgentAndAStaleAgentSocket() throws {
        let t = try SSHTeam(keyType: "ed25519", keyName: "../../agent-key")
        let team = t.team
        try t.trustHost()
        _ = try team.founder("Ana")
        let agent = try SSHAgent(socket: team.base + "/agent.sock")
        try agent.add(t.key)

        let ben = Member(team: team, name: "Ben")
        let noAgent = try ben.goalsync("clone", t.url, ben.dir)
        #expect(noAgent.status == 2, "\(noAgent)")
        try ben.goalsync(["clone", t.url, ben.dir], extra: ["SSH_AUTH_SOCK": agent.socket]).requireOK("clone through the agent")
        #expect(try ben.file("VISION.md").count > 0)

        // The key as a file in ~/.ssh, and an agent socket that is gone.
        try FileManager.default.copyItem(atPath: t.key, toPath: t.ssh + "/id_ed25519")
        let cara = Member(team: team, name: "Cara")
        try cara.goalsync(["clone", t.url, cara.dir], extra: ["SSH_AUTH_SOCK": team.base + "/no-such-agent.sock"])
            .requireOK("clone with a stale SSH_AUTH_SOCK")
        #expect(cara.head == ben.head)
    }

    /// No `known_hosts` entry and OpenSSH's default `StrictHostKeyChecking`: the clone and the pull are
    /// refused as OpenSSH refuses them, in one line naming the remote; nothing is written.
    @Test func anUnknownHostIsRefusedAsOpenSSHRefusesIt() throws {
        let t = try SSHTeam(keyType: "ed25519")
        let team = t.team
        let ana = try team.founder("Ana")
        let ben = Member(team: team, name: "Ben")
        let clone = try ben.goalsync("clone", t.url, ben.dir)
        #expect(clone.status == 2, "\(clone)")
        #expect(clone.stderrLines.count == 1, "\(clone)")
        #expect(clone.stderr.contains("Host key verification failed"), "\(clone)")
        #expect(clone.stderr.contains(t.url), "\(clone)")
        #expect(!FileManager.default.fileExists(atPath: ben.dir))
        #expect(!FileManager.default.fileExists(atPath: t.knownHosts))

        try ana.git("remote", "set-url", "origin", t.url).requireOK("set-url")
        let before = try ana.state()
        let pull = try ana.goalsync("pull")
        #expect(pull.status == 2, "\(pull)")
        #expect(pull.stderrLines.count == 1, "\(pull)")
        #expect(pull.stderr.contains("Host key verification failed"), "\(pull)")
        #expect(pull.stderr.contains(t.url), "\(pull)")
        #expect(try ana.state() == before)

        // `StrictHostKeyChecking accept-new` in ~/.ssh/config: OpenSSH records the host, and goalsync works.
        try "Host *\n    StrictHostKeyChecking accept-new\n".write(toFile: t.ssh + "/config", atomically: true, encoding: .utf8)
        try ana.goalsync("pull").requireOK("pull with accept-new")
        #expect(FileManager.default.fileExists(atPath: t.knownHosts))
    }

    /// URLs an attacker could hand a team: a host or user starting with `-` is refused exactly as git
    /// refuses it, before anything runs; a path with quotes and `$(...)` reaches the server quoted, and
    /// is never run on either side.
    @Test func hostileSSHURLsRunNothing() throws {
        let t = try SSHTeam(keyType: "ed25519")
        let team = t.team
        try t.trustHost()
        let ana = try team.founder("Ana")
        // ssh would run a ProxyCommand in goalsync's folder: the sentinel would appear in the work tree.
        let sentinel = ana.dir + "/hostile-sentinel"
        let hostile = [
            "ssh://-oProxyCommand=touch%20hostile-sentinel/team.git",
            "ssh://-oProxyCommand=touch%20hostile-sentinel@127.0.0.1/team.git",
            "-oProxyCommand=touch hostile-sentinel:team.git",
        ]
        for url in hostile {
            try ana.git("config", "remote.origin.url", url).requireOK("config")
            let before = try ana.state()
            let pull = try ana.goalsync("pull")
            #expect(pull.status == 2, "\(url): \(pull)")
            #expect(pull.stderr.contains("strange hostname '-oProxyCommand=touch hostile-sentinel"), "\(url): \(pull)")
            #expect(pull.stderrLines.count == 1, "\(pull)")
            #expect(try ana.state() == before)
            #expect(!FileManager.default.fileExists(atPath: sentinel), "\(url) ran a command")
            // git refuses the same URLs.
            let git = try ana.git("fetch", "origin")
            #expect(git.status != 0 && git.stderr.contains("strange hostname"), "\(url): \(git)")
        }
        let serverSentinel = team.base + "/server-sentinel"
        let quoted = "ssh://root@127.0.0.1:\(t.sshd.port)\(team.base)/x'$(touch \(serverSentinel))'\"`touch \(serverSentinel)`.git"
        try ana.git("config", "remote.origin.url", quoted).requireOK("config")
        let pull = try ana.goalsync("pull")
        #expect(pull.status == 2, "\(pull)")
        #expect(pull.stderr.contains("does not appear to be a git repository"), "\(pull)")
        #expect(!FileManager.default.fileExists(atPath: serverSentinel), "a hostile path ran a command")
    }
}

/// A server that takes the connection and then says nothing, as ssh and as `git daemon`: with
/// `goalsync.timeout 2`, clone and pull each end with exit 2 and one line naming the remote, and leave
/// everything as it was. Bounded by the suite's time limit; no sleeps.
@Suite("No stall on a silent server", .tags(.server), .timeLimit(.minutes(2)))
struct SilentServerTests {
    @Test(arguments: ["ssh", "git"])
    func aSilentServerEndsWithinTheTimeout(scheme: String) throws {
        let team = try Team(sshHome: true)
        let listener = try SilentListener()
        let url = scheme == "ssh" ? "ssh://root@127.0.0.1:\(listener.port)/team.git" : "git://127.0.0.1:\(listener.port)/team.git"
        try team.run(TestRepo.gitPath, ["config", "--global", "goalsync.timeout", "2"], in: team.base).requireOK("config --global")

        let ben = Member(team: team, name: "Ben")
        let started = Date()
        let clone = try ben.goalsync("clone", url, ben.dir)
        #expect(clone.status == 2, "\(clone)")
        #expect(clone.stderrLines.count == 1, "\(clone)")
        #expect(clone.stderr.contains(url), "\(clone)")
        #expect(clone.stderr.contains("made no progress for 2 s"), "\(clone)")
        #expect(!FileManager.default.fileExists(atPath: ben.dir))

        let ana = try team.founder("Ana")
        try ana.git("remote", "set-url", "origin", url).requireOK("set-url")
        try ana.goalsync("new", "Raise activation", "--id", "g").requireOK("new")
        let before = try ana.state()
        for command in ["pull", "push"] {
            let result = try ana.goalsync(command)
            #expect(result.status == 2, "\(command): \(result)")
            #expect(result.stderrLines.count == 1, "\(command): \(result)")
            #expect(result.stderr.contains(url), "\(command): \(result)")
            #expect(result.stderr.contains("made no progress for 2 s"), "\(command): \(result)")
            #expect(try ana.state() == before)
        }
        // Three operations of about 2 s each, not a hang.
        #expect(Date().timeIntervalSince(started) < 60)
    }
}
