import Foundation
import GoalSyncTestSupport
import Testing

/// Sync over http and https as a team hosting its own git server does it: nginx + fcgiwrap + git
/// http-backend started by each test (``HTTPGitServer``), goalsync run as a binary, plain git as the
/// other teammate. This machine exports GIT_SSL_CAINFO, SSL_CERT_FILE and the like: the test's
/// processes inherit nothing (``Team``), and every variable a case depends on is set in it.
@Suite(.serialized, .tags(.server)) struct HTTPSyncTests {
    func team(tls: Bool, auth: HTTPGitServer.Auth, users: [String: String] = [:]) throws -> (Team, Member, HTTPGitServer) {
        let team = try Team()
        let ana = try team.founder("Ana")
        try ana.goalsync("new", "Raise activation from 30% to 50%", "--id", "g", "--set", "persona=Admins").requireOK("new")
        try ana.goalsync("new", "Cut churn", "--id", "h", "--set", "persona=Admins").requireOK("new")
        try ana.goalsync("push").requireOK("push")
        let server = try HTTPGitServer(dir: team.base + "/server", projectRoot: team.base, tls: tls, auth: auth, users: users)
        return (team, ana, server)
    }

    func globalConfig(_ team: Team, _ key: String, _ value: String) throws {
        try team.run(TestRepo.gitPath, ["config", "--global", "--add", key, value], in: team.base).requireOK("git config \(key)")
    }

    /// Clones with goalsync as `name` from `url`.
    func clone(_ team: Team, _ name: String, _ url: String, extra: [String: String] = [:]) throws -> (Member, ProcessResult) {
        let member = Member(team: team, name: name)
        let result = try team.run(team.binary, ["clone", url, member.dir], in: team.base, extra: member.identity.merging(extra) { $1 })
        return (member, result)
    }

    // MARK: https end to end

    /// Two teammates clone over https (the private CA trusted through http.sslCAInfo), edit different
    /// goals at the same time and sync (pushes need basic auth: a password in the URL for one, a token
    /// for the other); a plain-git teammate over the same URL sees both edits.
    @Test func twoTeammatesSyncOverHTTPSWithAPrivateCA() throws {
        let (team, _, server) = try team(tls: true, auth: .push, users: ["ana": "S3cret", "ben": "ben-token"])
        try globalConfig(team, "http.sslCAInfo", server.caFile)
        let (ana, anaClone) = try clone(team, "ana2", server.url("remote.git", user: "ana", password: "S3cret"))
        try anaClone.requireOK("ana's clone")
        #expect(anaClone.stdout.contains("Cloned https://***@localhost:\(server.port)/remote.git"), "\(anaClone)")
        let (ben, benClone) = try clone(team, "ben", server.url("remote.git", user: "ben"))
        try benClone.requireOK("ben's clone")
        let token = ["GOALSYNC_TOKEN": "ben-token"]

        try ana.goalsync("set", "g", "title", "Raise activation to 55%").requireOK("ana's edit")
        try ben.goalsync("set", "h", "persona", "New admins", extra: token).requireOK("ben's edit")
        let anaSync = try ana.goalsync("sync").requireOK("ana's sync")
        let benSync = try ben.goalsync("sync", extra: token).requireOK("ben's sync")
        try ana.goalsync("pull").requireOK("ana's pull")
        for result in [anaClone, benClone, anaSync, benSync] {
            #expect(!(result.stdout + result.stderr).contains("S3cret"), "\(result)")
            #expect(!(result.stdout + result.stderr).contains("ben-token"), "\(result)")
        }
        #expect(try ana.text("goals/g.md").contains("title: Raise activation to 55%"))
        #expect(try ana.text("goals/h.md").contains("persona: New admins"))
        #expect(try ana.file("goals/h.md") == (try ben.file("goals/h.md")))
        // The pushes were made as ana and ben.
        let pushes = server.requests().filter { $0.hasPrefix("POST /remote.git/git-receive-pack 200") }
        #expect(pushes.contains { $0.contains("user=ana") } && pushes.contains { $0.contains("user=ben") }, "\(pushes)")

        // Plain git, trusting the CA through GIT_SSL_CAINFO, agrees.
        let carol = Member(team: team, name: "carol")
        try team.run(TestRepo.gitPath, ["clone", "-q", server.url("remote.git"), carol.dir], in: team.base, extra: ["GIT_SSL_CAINFO": server.caFile])
            .requireOK("git clone")
        #expect(try carol.file("goals/g.md") == (try ana.file("goals/g.md")))
        #expect(try carol.file("goals/h.md") == (try ana.file("goals/h.md")))
    }

    /// A pull over http asks for no thin pack (``ThinPackRefusal``): the pack it stores holds only
    /// objects the clone did not have. (libgit2 completes a thin pack by appending the bases it lacks,
    /// one at a time, in time quadratic in the number of changed files.)
    @Test func aPullStoresAPackOfNewObjectsOnly() throws {
        let (team, ana, server) = try team(tls: false, auth: .none)
        let body = (0..<40).map { "Line \($0) of a long description that the next edit leaves as it is." }.joined(separator: "\n")
        try ana.write("goals/g.md", try ana.text("goals/g.md") + "\n" + body + "\n")
        try ana.git("commit", "-q", "--no-verify", "-am", "long body").requireOK("commit")
        try ana.goalsync("push").requireOK("push")
        let (bob, cloned) = try clone(team, "bob", server.url("remote.git"))
        try cloned.requireOK("clone")
        try ana.goalsync("set", "g", "title", "Raise activation to 55%").requireOK("edit")
        try ana.goalsync("push").requireOK("push")

        func objects() throws -> Set<String> {
            Set(try bob.git("cat-file", "--batch-all-objects", "--batch-check=%(objectname)").requireOK("cat-file").stdout
                .split(separator: "\n").map(String.init))
        }
        func packs() -> Set<String> {
            Set(((try? FileManager.default.contentsOfDirectory(atPath: bob.dir + "/.git/objects/pack")) ?? []).filter { $0.hasSuffix(".idx") })
        }
        let before = try objects()
        let packsBefore = packs()
        try bob.goalsync("pull").requireOK("pull over http")
        #expect(try bob.text("goals/g.md").contains("title: Raise activation to 55%"))
        let fetched = packs().subtracting(packsBefore)
        #expect(fetched.count == 1, "\(fetched)")
        for pack in fetched {
            let listing = try bob.git("verify-pack", "-v", ".git/objects/pack/" + pack).requireOK("verify-pack").stdout
            let ids = listing.split(separator: "\n").compactMap { line -> String? in
                let first = line.split(separator: " ").first.map(String.init) ?? ""
                return first.count == 40 && first.allSatisfy(\.isHexDigit) ? first : nil
            }
            #expect(!ids.isEmpty, "\(listing)")
            #expect(before.isDisjoint(with: ids), "objects the clone had came again: \(before.intersection(ids).sorted())")
        }
        try bob.git("fsck", "--no-progress").requireOK("fsck")
        #expect(server.requests().contains { $0.hasPrefix("POST /remote.git/git-upload-pack 200") }, "\(server.requests())")
    }

    /// GIT_SSL_CAINFO trusts the CA (over a config that points elsewhere, as git's precedence says), and
    /// a URL with an IP address is checked against the certificate's IP SAN.
    @Test func theCAThroughGIT_SSL_CAINFOAndAnIPAddressURL() throws {
        let (team, _, server) = try team(tls: true, auth: .none)
        try globalConfig(team, "http.sslCAInfo", "/nonexistent/ca.pem")
        let env = ["GIT_SSL_CAINFO": server.caFile]
        let (ana, result) = try clone(team, "ana2", server.url("remote.git", host: "127.0.0.1"), extra: env)
        try result.requireOK("clone by IP address")
        #expect(result.stderr.isEmpty, "\(result)")
        try ana.goalsync("set", "g", "title", "By IP", extra: env).requireOK("edit")
        try ana.goalsync("push", extra: env).requireOK("push by IP address")
        #expect(try team.run(TestRepo.gitPath, ["--git-dir", team.remote, "show", "main:goals/g.md"], in: team.base).stdout.contains("title: By IP"))
    }

    /// `http.<url>.<key>` applies to its URL only, over plain `http.<key>` (git's urlmatch): the CA is
    /// trusted for localhost:PORT, not for 127.0.0.1:PORT.
    @Test func urlMatchedSettingsApplyToTheirURLOnly() throws {
        let (team, _, server) = try team(tls: true, auth: .none)
        try globalConfig(team, "http.sslCAInfo", "/nonexistent/ca.pem")
        try globalConfig(team, "http.https://localhost:\(server.port)/.sslCAInfo", server.caFile)
        try globalConfig(team, "http.https://localhost:\(server.port)/other.git.sslCAInfo", "/nonexistent/other.pem")
        let (_, byName) = try clone(team, "a", server.url("remote.git"))
        try byName.requireOK("clone from the URL the setting names")
        let (_, byAddress) = try clone(team, "b", server.url("remote.git", host: "127.0.0.1"))
        #expect(byAddress.status == 2, "\(byAddress)")
        #expect(byAddress.stderr.contains("not trusted"), "\(byAddress)")
    }

    /// A certificate from a CA nobody trusts: refused on one line that says how to trust the CA; the
    /// system's bundle (SSL_CERT_FILE) does not have it either.
    @Test func aCertificateFromAnUnknownCAIsRefusedSayingHowToTrustIt() throws {
        let (team, _, server) = try team(tls: true, auth: .none)
        let (ana, result) = try clone(team, "ana2", server.url("remote.git"), extra: ["SSL_CERT_FILE": "/etc/ssl/certs/ca-certificates.crt"])
        #expect(result.status == 2, "\(result)")
        #expect(result.stderrLines.count == 1, "\(result)")
        #expect(result.stderr.contains("not trusted") && result.stderr.contains("http.sslCAInfo"), "\(result)")
        #expect(!FileManager.default.fileExists(atPath: ana.dir))
    }

    /// `http.sslVerify false` and GIT_SSL_NO_VERIFY turn the checks off, each with a one-line warning.
    @Test(arguments: ["config", "env"])
    func turningVerificationOffWarns(how: String) throws {
        let (team, _, server) = try team(tls: true, auth: .none)
        var env = [String: String]()
        if how == "config" { try globalConfig(team, "http.sslVerify", "false") } else { env["GIT_SSL_NO_VERIFY"] = "1" }
        let (ana, result) = try clone(team, "ana2", server.url("remote.git"), extra: env)
        try result.requireOK("clone without verification")
        let warnings = result.stderrLines.filter { $0.contains("TLS certificate checks are off") }
        #expect(warnings.count == 1, "\(result)")
        #expect(warnings.first?.contains(how == "config" ? "http.sslVerify" : "GIT_SSL_NO_VERIFY") == true, "\(result)")
        let pull = try ana.goalsync("pull", extra: env).requireOK("pull")
        #expect(pull.stderrLines.filter { $0.contains("TLS certificate checks are off") }.count == 1, "\(pull)")
    }

    // MARK: Secrets

    /// A password in the URL never appears in any byte goalsync prints (clone, pull, push, sync,
    /// status --json), on success and when the server refuses it; the refusal names it as such.
    @Test func aPasswordInTheURLNeverAppearsInAnyOutput() throws {
        let (team, _, server) = try team(tls: true, auth: .all, users: ["ana": "S3cret"])
        let env = ["GIT_SSL_CAINFO": server.caFile]
        let (ana, cloned) = try clone(team, "ana2", server.url("remote.git", user: "ana", password: "S3cret"), extra: env)
        try cloned.requireOK("clone")
        try ana.goalsync("set", "g", "title", "Secret-free", extra: env).requireOK("edit")
        var results = [cloned]
        results.append(try ana.goalsync("push", extra: env).requireOK("push"))
        results.append(try ana.goalsync("pull", extra: env).requireOK("pull"))
        results.append(try ana.goalsync("sync", extra: env).requireOK("sync"))
        results.append(try ana.goalsync("status", "--json", extra: env))
        for result in results { #expect(!(result.stdout + result.stderr).contains("S3cret"), "\(result)") }

        try ana.git("remote", "set-url", "origin", server.url("remote.git", user: "ana", password: "Wr0ngPass")).requireOK("set-url")
        let before = try ana.state()
        var refused = [ProcessResult]()
        for command in [["pull"], ["push"], ["sync"], ["status", "--json"]] {
            refused.append(try ana.goalsync(command, extra: env))
        }
        for result in refused { #expect(!(result.stdout + result.stderr).contains("Wr0ngPass"), "\(result)") }
        #expect(refused[0].status == 2, "\(refused[0])")
        #expect(refused[0].stderrLines.count == 1, "\(refused[0])")
        #expect(refused[0].stderr.contains("refused the password in the URL for user ana"), "\(refused[0])")
        #expect(!refused[0].stderr.contains("GOALSYNC_TOKEN is not set"), "\(refused[0])")
        #expect(try ana.state() == before)
        let (_, wrongClone) = try clone(team, "ana3", server.url("remote.git", user: "ana", password: "Wr0ngPass"), extra: env)
        #expect(wrongClone.status == 2)
        #expect(!(wrongClone.stdout + wrongClone.stderr).contains("Wr0ngPass"), "\(wrongClone)")
    }

    /// GOALSYNC_TOKEN is not sent over plain http unless the user opts in with
    /// goalsync.allowTokenOverHTTP, and the error says so.
    @Test func theTokenIsNotSentOverPlainHTTPUnlessOptedIn() throws {
        let (team, _, server) = try team(tls: false, auth: .all, users: ["x-access-token": "tok-123"])
        let env = ["GOALSYNC_TOKEN": "tok-123"]
        let (_, refused) = try clone(team, "ana2", server.url("remote.git"), extra: env)
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("not sent over plain http") && refused.stderr.contains("goalsync.allowTokenOverHTTP"), "\(refused)")
        #expect(!server.requests().contains { $0.contains("user=x-access-token") }, "\(server.requests())")
        try globalConfig(team, "goalsync.allowTokenOverHTTP", "true")
        let (_, allowed) = try clone(team, "ana3", server.url("remote.git"), extra: env)
        try allowed.requireOK("clone with the token over http, opted in")
        #expect(server.requests().contains { $0.contains("200 user=x-access-token") }, "\(server.requests())")
    }

    // MARK: Headers and credentials

    /// http.extraHeader is sent (an empty value clears the ones before it); askpass is asked as git
    /// asks, and the credential it gave is handed to git's credential helpers once accepted.
    @Test func extraHeadersAndAskpassAsGitDoes() throws {
        let (team, _, server) = try team(tls: false, auth: .all, users: ["ana": "askpass-pw"])
        try globalConfig(team, "http.extraHeader", "X-Team: red")
        try globalConfig(team, "http.extraHeader", "")
        try globalConfig(team, "http.extraHeader", "X-Team: blue")
        let store = team.base + "/home/git-credentials"
        try globalConfig(team, "credential.helper", "store --file=\(store)")
        let prompts = team.base + "/prompts.log"
        try writeExecutable(
            """
            #!/bin/sh
            printf '%s\\n' "$1" >> \(prompts)
            case "$1" in Username*) echo ana ;; Password*) echo askpass-pw ;; esac
            """, to: team.base + "/askpass.sh")
        let (_, result) = try clone(team, "ana2", server.url("remote.git"), extra: ["GIT_ASKPASS": team.base + "/askpass.sh"])
        try result.requireOK("clone with askpass")
        #expect(!(result.stdout + result.stderr).contains("askpass-pw"))
        let asked = try String(contentsOfFile: prompts, encoding: .utf8)
        #expect(asked == "Username for 'http://localhost:\(server.port)': \nPassword for 'http://ana@localhost:\(server.port)': \n", "\(asked)")
        let requests = server.requests()
        #expect(requests.contains { $0.contains("200 user=ana team=blue") }, "\(requests)")
        #expect(!requests.contains { $0.contains("team=red") }, "\(requests)")
        #expect(try String(contentsOfFile: store, encoding: .utf8).contains("http://ana:askpass-pw@localhost%3a\(server.port)")
            || (try String(contentsOfFile: store, encoding: .utf8)).contains("ana:askpass-pw@localhost"))
    }

    // MARK: Proxies

    /// http.proxy carries a plain-http remote through the proxy; http_proxy too, unless no_proxy names
    /// the host.
    @Test func proxiesCarryPlainHTTPAndNoProxyBypassesThem() throws {
        let (team, _, server) = try team(tls: false, auth: .none)
        let proxy = try HTTPForwardProxy(dir: team.base + "/proxy")
        let url = server.url("remote.git", host: "127.0.0.1")
        try team.run(TestRepo.gitPath, ["config", "--global", "http.proxy", proxy.url], in: team.base).requireOK("config")
        try clone(team, "a", url).1.requireOK("clone through http.proxy")
        #expect(proxy.requests().contains { $0.hasPrefix("GET \(url)/info/refs?service=git-upload-pack") && $0.hasSuffix(" 200") }, "\(proxy.requests())")
        #expect(proxy.requests().contains { $0.hasPrefix("POST \(url)/git-upload-pack") }, "\(proxy.requests())")
        try team.run(TestRepo.gitPath, ["config", "--global", "--unset", "http.proxy"], in: team.base).requireOK("config")

        let carried = proxy.requests().count
        try clone(team, "b", url, extra: ["http_proxy": proxy.url]).1.requireOK("clone through http_proxy")
        #expect(proxy.requests().count > carried)
        let before = proxy.requests().count
        try clone(team, "c", url, extra: ["http_proxy": proxy.url, "no_proxy": "127.0.0.1"]).1.requireOK("clone bypassing the proxy")
        #expect(proxy.requests().count == before, "\(proxy.requests())")
    }

    // MARK: Stalls

    /// A server that accepts the connection and never answers: pull ends within goalsync.timeout with
    /// one line naming the remote, exit 2, and the repository as it was.
    @Test(arguments: ["http", "https"])
    func aStalledServerEndsWithinTheTimeout(scheme: String) throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        let silent = try SilentListener()
        let url = "\(scheme)://ana:S3cret@127.0.0.1:\(silent.port)/remote.git"
        try ana.git("remote", "set-url", "origin", url).requireOK("set-url")
        try ana.git("config", "goalsync.timeout", "2").requireOK("config")
        let before = try ana.state()
        let start = Date()
        let pull = try ana.goalsync("pull")
        let elapsed = Date().timeIntervalSince(start)
        #expect(pull.status == 2, "\(pull)")
        #expect(elapsed < 20, "took \(elapsed) s")
        #expect(pull.stderrLines.count == 1, "\(pull)")
        #expect(pull.stderr.contains("\(scheme)://***@127.0.0.1:\(silent.port)/remote.git"), "\(pull)")
        #expect(pull.stderr.contains("goalsync.timeout"), "\(pull)")
        #expect(!pull.stderr.contains("S3cret"))
        #expect(try ana.state() == before)
    }
}
