import Foundation
import Testing

/// SPEC §6 over `ssh://`: the built binary against OpenSSH's `sshd`, started by the test on
/// 127.0.0.1 with OpenSSH's default algorithms, and plain git (OpenSSH's client) as a teammate.
/// Every member's HOME holds the same client key, `~/.ssh/id_<type>`, which goalsync finds there.
@Suite("Sync over ssh", .timeLimit(.minutes(3)))
struct SSHSyncTests {
    /// A team whose remote is served by sshd; the host key and the client key are both `keyType`.
    final class SSHTeam {
        let team: Team
        let sshd: SSHDaemon
        let url: String
        let key: String

        init(keyType: String) throws {
            team = try Team()
            let ssh = team.base + "/home/.ssh"
            try FileManager.default.createDirectory(atPath: ssh, withIntermediateDirectories: true)
            key = ssh + "/id_" + keyType
            let publicKey = try makeSSHKey(at: key, type: keyType)
            sshd = try SSHDaemon(dir: team.base + "/sshd", authorizedKeys: [publicKey], keyType: keyType)
            url = sshd.url(team.remote)
        }

        var knownHosts: String { team.base + "/home/.ssh/known_hosts" }

        func trustHost() throws {
            try (sshd.knownHostsLine + "\n").write(toFile: knownHosts, atomically: true, encoding: .utf8)
        }

        /// Plain git as `member`, over OpenSSH's client with the test's key and known_hosts (ssh
        /// reads `~` from the password database, not HOME, so both are named).
        @discardableResult
        func plainGit(_ member: Member, _ args: String..., in dir: String? = nil) throws -> ProcessResult {
            let command = "ssh -F /dev/null -i \(key) -o IdentitiesOnly=yes -o BatchMode=yes "
                + "-o UserKnownHostsFile=\(knownHosts) -o StrictHostKeyChecking=yes"
            return try team.run(TestRepo.gitPath, args, in: dir ?? member.dir, extra: member.identity.merging(["GIT_SSH_COMMAND": command]) { $1 })
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

        // An unknown host is refused, in one line naming it; nothing reaches the remote.
        let refused = try ana.goalsync("push")
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderrLines.count == 1, "\(refused)")
        #expect(refused.stderr.contains("[127.0.0.1]:\(t.sshd.port)"), "\(refused)")
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
}
