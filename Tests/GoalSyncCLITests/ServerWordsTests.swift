import Foundation
import GoalSyncTestSupport
import Testing

/// The server's words reach the user: what a remote's hooks write during a push is shown on stderr,
/// each line after "remote: " as git shows it, on a refused push and on an accepted one, over every
/// transport the tests can serve (a path and file:// through git-receive-pack, git daemon). A refused
/// push names the branch, the remote and the reason, and keeps every local commit.
@Suite("Server words", .tags(.server), .timeLimit(.minutes(3)))
struct ServerWordsTests {
    /// The URL `transport` reaches the team's remote by, and the daemon serving it (kept alive by the caller).
    static func url(_ team: Team, _ transport: String) throws -> (String, DaemonServer?) {
        switch transport {
        case "path": return (team.remote, nil)
        case "file": return ("file://" + team.remote, nil)
        default:
            let daemon = try DaemonServer(basePath: team.base)
            return ("git://127.0.0.1:\(daemon.port)/remote.git", daemon)
        }
    }

    @Test(arguments: ["path", "file", "git"])
    func aRefusingHooksWordsAndReasonAreShownAndNothingLocalIsLost(transport: String) throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        let (url, daemon) = try Self.url(team, transport)
        try ana.git("remote", "set-url", "origin", url).requireOK("set-url")
        let hook = team.remote + "/hooks/pre-receive"
        try writeExecutable(
            "#!/bin/sh\necho 'every goal needs an owner'\necho 'see https://wiki.example/goals' >&2\nexit 1\n", to: hook)
        try ana.goalsync("new", "Raise activation", "--id", "g").requireOK("new")
        let remoteBefore = try team.remoteHead()
        let local = ana.head

        let push = try ana.goalsync("push")
        #expect(push.status == 2, "\(push)")
        #expect(push.stderrLines.count == 3, "\(push)")
        #expect(push.stderrLines.first == "remote: every goal needs an owner", "\(push)")
        #expect(push.stderrLines.dropFirst().first == "remote: see https://wiki.example/goals", "\(push)")
        #expect(
            push.stderrLines.last?.hasPrefix("goalsync: error: refused main on origin: pre-receive hook declined") == true, "\(push)")
        #expect(!push.stdout.contains("Pushed"), "\(push)")
        #expect(try team.remoteHead() == remoteBefore)
        #expect(ana.head == local)
        #expect(try ana.git("status", "--porcelain").stdout.isEmpty)

        // The hook fixed, the next push takes the same commit.
        try writeExecutable("#!/bin/sh\nexit 0\n", to: hook)
        let again = try ana.goalsync("push")
        #expect(again.status == 0, "\(again)")
        #expect(again.stdout.contains("Pushed main to origin (\(local.prefix(8)))"), "\(again)")
        #expect(try team.remoteHead() == local)
        withExtendedLifetime(daemon) {}
    }

    @Test(arguments: ["path", "git"])
    func anAcceptingHooksWordsAreShown(transport: String) throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        let (url, daemon) = try Self.url(team, transport)
        try ana.git("remote", "set-url", "origin", url).requireOK("set-url")
        try writeExecutable("#!/bin/sh\necho 'checked 1 goal: fine'\necho 'thank you' >&2\n", to: team.remote + "/hooks/pre-receive")
        try writeExecutable("#!/bin/sh\necho 'deployed to the team board'\n", to: team.remote + "/hooks/post-receive")
        try ana.goalsync("new", "Raise activation", "--id", "g").requireOK("new")

        let push = try ana.goalsync("push")
        #expect(push.status == 0, "\(push)")
        #expect(push.stderrLines == ["remote: checked 1 goal: fine", "remote: thank you", "remote: deployed to the team board"], "\(push)")
        #expect(push.stdout.contains("Pushed main to origin (\(ana.head.prefix(8)))"), "\(push)")
        #expect(try team.remoteHead() == ana.head)
        withExtendedLifetime(daemon) {}
    }

    /// `sync` shows them too, refused or accepted.
    @Test func syncShowsTheServersWords() throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        let hook = team.remote + "/hooks/pre-receive"
        try writeExecutable("#!/bin/sh\necho 'frozen until Monday'\nexit 1\n", to: hook)
        try ana.goalsync("new", "Raise activation", "--id", "g").requireOK("new")
        let refused = try ana.goalsync("sync")
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderrLines.first == "remote: frozen until Monday", "\(refused)")
        #expect(refused.stderr.contains("refused main on origin: pre-receive hook declined"), "\(refused)")

        try writeExecutable("#!/bin/sh\necho 'welcome back'\n", to: hook)
        let accepted = try ana.goalsync("sync")
        #expect(accepted.status == 0, "\(accepted)")
        #expect(accepted.stderrLines == ["remote: welcome back"], "\(accepted)")
        #expect(try team.remoteHead() == ana.head)
    }

    /// The server's text reaches the terminal escaped (no escape sequence runs), and a progress line it
    /// rewrote in place (`\r`) shows only as its last state.
    @Test func theServersWordsAreEscapedAndItsProgressIsDropped() throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        try writeExecutable(
            "#!/bin/sh\nprintf 'title \\033]0;pwned\\007 set\\n'\nprintf 'checking 1/2\\rchecking 2/2\\n'\nexit 1\n",
            to: team.remote + "/hooks/pre-receive")
        try ana.goalsync("new", "Raise activation", "--id", "g").requireOK("new")
        let push = try ana.goalsync("push")
        #expect(push.status == 2, "\(push)")
        #expect(!push.stderr.contains("\u{1B}"), "\(push)")
        #expect(push.stderrLines.first == "remote: title \\e]0;pwned\\u{7} set", "\(push)")
        #expect(push.stderrLines.dropFirst().first == "remote: checking 2/2", "\(push)")
    }

    /// `push --json` and `sync --json` carry the server's words as an array of strings, refused (exit 2)
    /// or accepted, in the shape their `--help` documents; stderr still shows them.
    @Test func theServersWordsInJSON() throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        let hook = team.remote + "/hooks/pre-receive"
        try writeExecutable("#!/bin/sh\necho 'first reason'\necho 'second reason' >&2\nexit 1\n", to: hook)
        try ana.goalsync("new", "Raise activation", "--id", "g").requireOK("new")

        let refused = try ana.goalsync("push", "--json")
        #expect(refused.status == 2, "\(refused)")
        let push = try #require(try parseJSON(refused.stdout) as? [String: Any], "\(refused)")
        #expect(push["result"] as? String == "refused")
        #expect(push["branch"] as? String == "main")
        #expect(push["remote"] as? String == "origin")
        #expect(push["reason"] as? String == "pre-receive hook declined")
        #expect(push["server_messages"] as? [String] == ["first reason", "second reason"], "\(refused)")
        #expect(refused.stderrLines.prefix(2) == ["remote: first reason", "remote: second reason"], "\(refused)")
        var seen = Set<String>()
        let pushShape = try JSONHelpTests.documentedShape(try ana.goalsync("push", "--help").requireOK("help").stdout)
        #expect(JSONHelpTests.differences(pushShape, push, at: "push", seen: &seen).isEmpty, "\(refused)")

        try writeExecutable("#!/bin/sh\necho 'welcome back'\n", to: hook)
        let accepted = try ana.goalsync("sync", "--json")
        #expect(accepted.status == 0, "\(accepted)")
        let sync = try #require(try parseJSON(accepted.stdout) as? [String: Any], "\(accepted)")
        let pushed = try #require(sync["push"] as? [String: Any], "\(accepted)")
        #expect(pushed["result"] as? String == "pushed")
        #expect(pushed["commit"] as? String == ana.head)
        #expect(pushed["server_messages"] as? [String] == ["welcome back"], "\(accepted)")
        #expect((sync["pull"] as? [String: Any])?["result"] as? String == "up_to_date", "\(accepted)")
        let syncShape = try JSONHelpTests.documentedShape(try ana.goalsync("sync", "--help").requireOK("help").stdout)
        #expect(JSONHelpTests.differences(syncShape, sync, at: "sync", seen: &seen).isEmpty, "\(accepted)")
    }
}
