import Foundation
import GoalSyncGit
import GoalSyncTestSupport
import Testing

/// SPEC §6, "no secret in a URL is ever printed": the redaction of URLs for people, the mask of known
/// secrets at the command line's output, and every command run with a password in its remote's URL.
@Suite("Secrets", .tags(.server), .timeLimit(.minutes(4)))
struct SecretsTests {
    // MARK: The redaction of URLs

    @Test(arguments: [
        // http(s), git, file: the whole user information goes.
        ("http://ana:S3cret@127.0.0.1:9/x.git", "http://***@127.0.0.1:9/x.git"),
        ("https://ana:S3%63ret@host/team.git", "https://***@host/team.git"),
        ("HTTPS://ana:S3cret@host/team.git", "HTTPS://***@host/team.git"),
        ("https://ana:p@ss@w0rd@host/team.git", "https://***@host/team.git"),
        ("https://ana:p:ss@host:8443/team.git", "https://***@host:8443/team.git"),
        ("https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/t/g.git", "https://***@github.com/t/g.git"),
        ("https://oauth2:glpat-abcdefghij@gitlab.com/t/g.git", "https://***@gitlab.com/t/g.git"),
        ("https://ana@host/team.git", "https://***@host/team.git"),
        ("https://ana:@host/team.git", "https://***@host/team.git"),
        ("https://ana:S3cret@[::1]:8443/team.git", "https://***@[::1]:8443/team.git"),
        ("https://ana:S3cret@host", "https://***@host"),
        ("git://ana:S3cret@127.0.0.1:9418/team.git", "git://***@127.0.0.1:9418/team.git"),
        ("file://ana:S3cret@localhost/srv/team.git", "file://***@localhost/srv/team.git"),
        // ssh: the user stays (a login name, as ssh shows it), a password goes.
        ("ssh://git:S3cret@host:2222/team.git", "ssh://git:***@host:2222/team.git"),
        ("ssh://git@host/team.git", "ssh://git@host/team.git"),
        ("git+ssh://git:S3cret@host/team.git", "git+ssh://git:***@host/team.git"),
        ("ana:S3cret@host:team.git", "ana:***@host:team.git"),
        ("ana:p@ss@host:team.git", "ana:***@host:team.git"),
        ("git@github.com:team/goals.git", "git@github.com:team/goals.git"),
        // nothing to hide
        ("https://host/team@2.git", "https://host/team@2.git"),
        ("/srv/git/team.git", "/srv/git/team.git"),
        ("../team@home.git", "../team@home.git"),
        ("file:///srv/team.git", "file:///srv/team.git"),
    ])
    func aURLIsShownWithoutItsSecrets(url: String, shown: String) {
        #expect(Redaction.url(url) == shown)
        for secret in ["S3cret", "S3%63ret", "p@ss", "w0rd", "glpat-", "ghp_"] where url.contains(secret) {
            #expect(!Redaction.url(url).contains(secret), "\(url)")
        }
    }

    @Test func everyURLInATextIsShownWithoutItsSecrets() {
        let text = "malformed URL 'https://ana:S3cret@host/x.git'; also \"git://bob:pw2@h:1/y\" and ssh://git:S3cret@h/z, see https://host/ok"
        #expect(
            Redaction.urls(in: text)
                == "malformed URL 'https://***@host/x.git'; also \"git://***@h:1/y\" and ssh://git:***@h/z, see https://host/ok")
        #expect(Redaction.urls(in: "no URL here: a@b") == "no URL here: a@b")
        #expect(Redaction.urls(in: "://ana:pw@x") == "://ana:pw@x")
    }

    @Test func theSecretsOfAURL() {
        #expect(Set(Redaction.secrets(in: "https://ana:S3%63ret@host/x")) == ["S3%63ret", "S3cret"])
        #expect(Redaction.secrets(in: "https://ana:p@ss@host/x") == ["p@ss"])
        #expect(Redaction.secrets(in: "https://ghp_abcdefghijklmnop@github.com/x") == ["ghp_abcdefghijklmnop"])
        #expect(Redaction.secrets(in: "https://ana@host/x").isEmpty, "a short user name alone is not sought in all output")
        #expect(Redaction.secrets(in: "ssh://git@host/x").isEmpty)
        #expect(Redaction.secrets(in: "ssh://git:S3cret@host/x") == ["S3cret"])
        #expect(Redaction.secrets(in: "ana:S3cret@host:x.git") == ["S3cret"])
        #expect(Redaction.secrets(in: "/srv/x.git").isEmpty)
    }

    @Test func theMaskHidesEverySecretItKnows() {
        let mask = SecretMask(secrets: ["S3cret", "S3cret-and-more", "pw", ""])
        #expect(mask.secrets == ["S3cret-and-more", "S3cret"], "longest first; shorter than 4 characters not sought")
        #expect(mask.apply("x S3cret-and-more y S3cret z pw") == "x *** y *** z pw")
        #expect(SecretMask(secrets: []).apply("S3cret") == "S3cret")
    }

    /// The secrets known to a process: its arguments' URLs, GOALSYNC_TOKEN, and the repository's remotes
    /// and `insteadOf` rules.
    @Test func theSecretsKnownToAProcess() throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        try ana.git("remote", "add", "mirror", "https://ana:Mirr0rPass@host/x.git").requireOK("remote add")
        try ana.git("config", "remote.mirror.pushurl", "https://bob:PushPass@host/x.git").requireOK("pushurl")
        try ana.git("config", "url.https://carol:Inst3adPass@host/.insteadOf", "corp:").requireOK("insteadOf")
        let mask = SecretMask.known(
            arguments: ["goalsync", "pull", "http://dan:ArgPass%21@host/x.git"], environment: ["GOALSYNC_TOKEN": "tok-value"],
            directory: ana.dir)
        #expect(Set(mask.secrets) == ["Mirr0rPass", "PushPass", "Inst3adPass", "ArgPass%21", "ArgPass!", "tok-value"])
    }

    // MARK: Every command, end to end

    static let password = "S3cret"
    /// The password as a URL may carry it, percent-encoded ("c" is %63).
    static let encodedPassword = "S3%63ret"
    static let token = "tok3n-Value-42"

    /// No byte of `result`'s output holds a secret.
    static func expectNoSecret(_ result: ProcessResult, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for secret in [password, encodedPassword, token] {
            #expect(!result.stdout.contains(secret), "\(what): stdout shows \(secret): \(result)", sourceLocation: sourceLocation)
            #expect(!result.stderr.contains(secret), "\(what): stderr shows \(secret): \(result)", sourceLocation: sourceLocation)
        }
    }

    /// No commit message and no file under `.git` but `config` (where git, too, keeps the URL it was
    /// given) and the hooks the test wrote holds a secret: `.git/goalsync` (merge state, journal),
    /// reflogs, `FETCH_HEAD`, `MERGE_MSG`.
    static func expectNoSecret(in member: Member, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let messages = try member.git("log", "--all", "--format=%B").requireOK("log").stdout
        for secret in [password, encodedPassword, token] {
            #expect(!messages.contains(secret), "a commit message shows \(secret)", sourceLocation: sourceLocation)
        }
        for (path, bytes) in TestRepo.files(under: member.dir + "/.git") where path != "config" && !path.hasPrefix("objects/") && !path.hasPrefix("hooks/") {
            let text = String(decoding: bytes, as: UTF8.self)
            for secret in [password, encodedPassword, token] {
                #expect(!text.contains(secret), ".git/\(path) holds \(secret)", sourceLocation: sourceLocation)
            }
        }
    }

    /// A remote that refuses connections, named by a URL with a password: every command that uses it
    /// fails with exit 2 and shows the URL without the password, given on the command line or
    /// configured as origin.
    @Test(arguments: [
        "http://ana:\(password)@127.0.0.1:PORT/x.git", "https://ana:\(encodedPassword)@127.0.0.1:PORT/x.git",
        "git://ana:\(password)@127.0.0.1:PORT/x.git", "ssh://ana:\(password)@127.0.0.1:PORT/x.git",
    ])
    func noCommandShowsThePasswordOfAnUnreachableRemote(shape: String) throws {
        let team = try Team()
        let url = shape.replacingOccurrences(of: "PORT", with: "\(try freePort())")
        let token = ["GOALSYNC_TOKEN": Self.token]
        let ana = try team.founder("Ana")
        try ana.goalsync("new", "Raise activation", "--id", "g").requireOK("new")
        let clone = try team.run(team.binary, ["clone", url, team.base + "/ben"], in: team.base, extra: token)
        #expect(clone.status == 2, "\(clone)")
        #expect(clone.stderr.contains(Redaction.url(url)), "\(clone)")
        if url.hasPrefix("git://") {
            // Refused before connecting: git daemon has no login, and the request would carry the user.
            #expect(clone.stderr.contains("a git:// URL carries no user or password"), "\(clone)")
        }
        Self.expectNoSecret(clone, "clone")
        for command in [["pull", url], ["push", url], ["sync", url]] {
            let result = try ana.goalsync(command, extra: token)
            #expect(result.status == 2, "\(command): \(result)")
            #expect(result.stderr.contains(Redaction.url(url)), "\(command): \(result)")
            Self.expectNoSecret(result, command[0])
        }
        try ana.git("remote", "set-url", "origin", url).requireOK("set-url")
        for command in [["pull"], ["push"], ["sync"], ["status"], ["status", "--json"], ["push", "--bogus"]] {
            let result = try ana.goalsync(command, extra: token)
            #expect(result.status == (command[0] == "status" ? 0 : command.count > 1 ? 64 : 2), "\(command): \(result)")
            Self.expectNoSecret(result, command.joined(separator: " "))
        }
        // The team's own pre-commit hook repeats the URL and the token: its output is masked too.
        try writeExecutable("#!/bin/sh\necho \"hook sees \(url) and $GOALSYNC_TOKEN\"\n", to: ana.dir + "/.git/hooks/pre-commit")
        let set = try ana.goalsync(["set", "g", "title", "Raise activation now"], extra: token)
        #expect(set.status == 0, "\(set)")
        #expect(set.stderr.contains("hook sees"), "\(set)")
        Self.expectNoSecret(set, "set, with a hook")
        // A usage error repeats the argument: masked too.
        let usage = try ana.goalsync(["status", url], extra: token)
        #expect(usage.status == 64, "\(usage)")
        #expect(usage.stderr.contains("***"), "\(usage)")
        Self.expectNoSecret(usage, "status URL")
        try Self.expectNoSecret(in: ana)
    }

    /// The success path: an http remote (nginx + git http-backend, basic auth on everything) named by a
    /// URL with the password it checks, cloned, pulled (a merge, a stopped merge, its resolution), pushed and synced, by
    /// name and by URL, percent-encoded or not. The server's hook repeats the password and the token:
    /// its words are shown masked.
    @Test func aPasswordInTheURLOfAServedRemoteIsNeverShown() throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        try ana.goalsync("new", "Raise activation", "--id", "g").requireOK("new")
        try ana.goalsync("push").requireOK("push")
        let server = try HTTPGitServer(
            dir: team.base + "/server", projectRoot: team.base, tls: false, auth: .all, users: ["ana": Self.password])
        let url = server.url("remote.git", host: "127.0.0.1", user: "ana", password: Self.password)
        let encoded = server.url("remote.git", host: "127.0.0.1", user: "ana", password: Self.encodedPassword)
        let ben = Member(team: team, name: "Ben")
        let token = ben.identity.merging(["GOALSYNC_TOKEN": Self.token]) { $1 }
        var results = [(String, ProcessResult)]()
        func run(_ args: String..., status: Int32 = 0) throws {
            let result = try ben.goalsync(args, extra: token)
            #expect(result.status == status, "\(args): \(result)")
            results.append((args.joined(separator: " "), result))
        }

        let clone = try team.run(team.binary, ["clone", url, ben.dir], in: team.base, extra: token)
        #expect(clone.status == 0, "\(clone)")
        #expect(clone.stdout.contains("Cloned http://***@127.0.0.1:\(server.port)/remote.git into"), "\(clone)")
        results.append(("clone", clone))

        // A merge by URL: its commit message names the URL without the password.
        try ana.goalsync("set", "g", "persona", "New admins").requireOK("ana set")
        try ana.goalsync("push").requireOK("ana push")
        try run("set", "g", "problem", "They never invite anyone")
        try run("pull", encoded)
        let merge = try ben.git("log", "-1", "--format=%B").stdout
        #expect(merge.contains("merge: http://***@127.0.0.1:\(server.port)/remote.git main into main"), "\(merge)")
        try run("push")
        try run("status")
        try run("status", "--json")

        // A pull by URL stopped on a conflict: its state in .git/goalsync, then settled and committed.
        try ana.goalsync("pull").requireOK("ana pull")
        try ana.goalsync("set", "g", "title", "Ana's title").requireOK("ana set title")
        try ana.goalsync("push").requireOK("ana push")
        try run("set", "g", "title", "Ben's title")
        try run("pull", url, status: 1)
        try Self.expectNoSecret(in: ben)
        try run("status", status: 1)
        try run("status", "--json")
        try run("resolve", "g", "title", "--ours")
        try run("pull", "--continue")
        try run("sync")
        try run("sync", url)

        // The server repeats the secrets: its words are shown, the secrets masked.
        try writeExecutable(
            "#!/bin/sh\necho \"checked \(Self.password) and \(Self.token)\"\nexit 0\n", to: team.remote + "/hooks/pre-receive")
        try run("set", "g", "why", "Retention")
        try run("push", url)
        let push = try #require(results.last?.1)
        #expect(push.stderr.contains("remote: checked *** and ***"), "\(push)")
        try run("set", "g", "why", "Retention, twice")
        try run("push", url, "--json")
        let json = try #require(results.last?.1)
        #expect(json.stdout.contains("\"remote\": \"http://***@127.0.0.1:\(server.port)/remote.git\""), "\(json)")
        #expect(json.stdout.contains("\"checked *** and ***\""), "\(json)")
        try run("sync", "--json")

        for (what, result) in results { Self.expectNoSecret(result, what) }
        try Self.expectNoSecret(in: ben)
        withExtendedLifetime(server) {}
    }
}
