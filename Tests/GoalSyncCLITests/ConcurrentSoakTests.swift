import Foundation
import GoalSyncCore
import GoalSyncTestSupport
import Testing

/// Issue 13, item 3: clones of one bare remote, each in a loop of its own for a bounded time
/// (``seconds``: 30 s, or `GOALSYNC_SOAK_SECONDS` for a longer manual run), editing a goal field,
/// checking in, creating goals and activating them (closing the active one, so the one-active rule
/// is contended), then `goalsync sync`; a pull that stops on a conflict is settled as a person would
/// (`resolve --active`, `resolve --all --ours`, `pull --continue`). Every goalsync runs under
/// `nice -n 10`. Afterwards: every commit a client was told is pushed is in the remote's history,
/// and so is every commit any client made; no lock is left and every clone still syncs; `git fsck`
/// is clean on the remote; the one-active rule holds at every commit of the remote.
@Suite("Concurrent clones soak")
struct ConcurrentSoakTests {
    static let clients = 5
    static let seconds: Double = ProcessInfo.processInfo.environment["GOALSYNC_SOAK_SECONDS"].flatMap { Double($0) } ?? 30

    /// One client: its clone, its own goal (`cN`) and environment; runs goalsync under nice.
    struct Client: Sendable {
        var name: String
        var dir: String
        var environment: [String: String]
        var binary: String

        @discardableResult
        func goalsync(_ args: [String]) -> ProcessResult {
            (try? ProcessRunner.run("/usr/bin/nice", ["-n", "10", binary] + args, in: dir, environment: environment, timeout: 120))
                ?? ProcessResult(status: -1, stdout: "", stderr: "could not start goalsync")
        }

        func git(_ args: [String]) -> String {
            ((try? ProcessRunner.run(TestRepo.gitPath, args, in: dir, environment: environment))?.stdout ?? "")
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }

        var head: String { git(["rev-parse", "HEAD"]) }

        /// A pull stopped on conflicts: keep one active goal (the first named), our side of every
        /// other conflict, and commit the merge; or abort it. Returns whether the merge was committed.
        func settle() -> Bool {
            let status = goalsync(["status"]).stdout
            if let match = status.firstMatch(of: /goals activated concurrently: ([a-z0-9-]+)/) {
                goalsync(["resolve", "--active", String(match.1)])
            }
            goalsync(["resolve", "--all", "--ours"])
            if goalsync(["pull", "--continue"]).status == 0 { return true }
            goalsync(["pull", "--abort"])
            return false
        }

        /// `goalsync sync --json` until it succeeds (settling a stopped pull), at most 10 times or
        /// until `deadline`; returns the commit the remote holds, as the push reported it. The
        /// pulls a push made because another push landed first are counted as retries.
        func sync(until deadline: Date, log: SoakRecord) -> String? {
            for _ in 0..<10 {
                let r = goalsync(["sync", "--json"])
                let json = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) as? [String: Any]
                if r.status == 0, let push = json?["push"] as? [String: Any], push["result"] as? String == "pushed",
                    let commit = push["commit"] as? String {
                    if let pulls = push["pulls"] as? Int, pulls > 0 { log.count("push retries (pulls after a rejected push)", by: pulls) }
                    return commit
                }
                log.count(r.status == 1 ? "stopped pulls" : "failed syncs", detail: "\(name): \(r)")
                if FileManager.default.fileExists(atPath: dir + "/.git/goalsync/merge.json") {
                    log.count(settle() ? "settled merges" : "aborted merges")
                }
                if Date() > deadline { return nil }
            }
            return nil
        }
    }

    @Test("Five clones editing, checking in, creating and activating goals and syncing in parallel: nothing pushed is lost, no lock is left, one active goal at every commit")
    func soak() throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        try ana.write("goals/start.md", GoalText.clean(id: "start", status: "active").text)
        let names = (1...Self.clients).map { "c\($0)" }
        for name in names { try ana.write("goals/\(name).md", GoalText.clean(id: name).text) }
        try ana.git("add", "-A").requireOK("add")
        try ana.git("commit", "-q", "-m", "soak goals").requireOK("commit")
        try ana.goalsync("push").requireOK("push")
        let clients = try names.map { name in
            let member = try team.join(name)
            return Client(name: name, dir: member.dir, environment: team.env.merging(member.identity) { $1 }, binary: team.binary)
        }

        let log = SoakRecord()
        let group = DispatchGroup()
        let deadline = Date().addingTimeInterval(Self.seconds)
        for client in clients {
            group.enter()
            Thread {
                defer { group.leave() }
                var pending = [String]()
                var round = 0
                while Date() < deadline {
                    round += 1
                    let own = client.name, created = "\(client.name)-\(round - 1)"
                    let steps: [(String, [String])]
                    switch round % 4 {
                    case 1: steps = [("edit", ["set", own, "why", "Edit \(round) by \(own)"])]
                    case 2: steps = [("checkin", ["checkin", own, "activation", "\(30 + round)", "--note", "\(own) round \(round)"])]
                    case 3: steps = [("new", ["new", "Goal \(round) of \(own)", "--id", "\(own)-\(round)"]), ("propose", ["set", "\(own)-\(round)", "status", "proposed"])]
                    default: steps = [("activate", ["activate", created, "--close", "abandoned", "--reason", "\(own) activates \(created)"])]
                    }
                    for (kind, args) in steps {
                        let r = client.goalsync(args)
                        guard r.status == 0 else {
                            log.count("refused \(kind)s", detail: "\(own) \(args): \(r)")
                            break
                        }
                        let head = client.head
                        pending.append(head)
                        log.made(client: own, kind: kind, commit: head, note: args.last ?? "")
                    }
                    if let pushed = client.sync(until: deadline.addingTimeInterval(60), log: log) {
                        log.pushed(client: own, commit: pushed, including: pending)
                        pending = []
                    }
                }
            }.start()
        }
        let finished = group.wait(timeout: .now() + Self.seconds + 600)
        try #require(finished == .success, "the clients did not stop within \(Self.seconds + 600) s")

        // Every clone still syncs (one at a time now), then all agree with the remote.
        for client in clients {
            let pushed = client.sync(until: Date().addingTimeInterval(120), log: log)
            #expect(pushed != nil, "\(client.name) can no longer sync")
        }
        let tip = try team.run(TestRepo.gitPath, ["rev-parse", "main"], in: team.remote).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        for client in clients {
            #expect(client.goalsync(["pull"]).status == 0)
            #expect(client.head == tip, "\(client.name) is not at the remote's tip after a pull")
        }

        // Nothing reported as pushed, and nothing any client committed, is missing from the remote.
        let history = Set(try team.run(TestRepo.gitPath, ["rev-list", "main"], in: team.remote).stdout.split(separator: "\n").map(String.init))
        let (made, pushed) = (log.commits, log.pushedCommits)
        for commit in pushed { #expect(history.contains(commit.commit), "\(commit.client) was told \(commit.commit) is pushed; the remote lacks it") }
        for commit in made { #expect(history.contains(commit.commit), "\(commit.client)'s \(commit.kind) \(commit.commit) is not on the remote") }
        // …and the content is there: each client's check-ins, its last edit, every goal it made.
        let show = { (path: String) in try team.run(TestRepo.gitPath, ["show", "main:" + path], in: team.remote).stdout }
        for name in names {
            let own = try show("goals/\(name).md")
            for c in made where c.client == name && c.kind == "checkin" { #expect(own.contains(c.note), "\(name)'s check-in '\(c.note)' is lost") }
            if let last = made.last(where: { $0.client == name && $0.kind == "edit" }) {
                #expect(own.contains("why: \(last.note)"), "\(name)'s last edit '\(last.note)' is lost")
            }
        }
        let tree = try team.run(TestRepo.gitPath, ["ls-tree", "--name-only", "main", "goals/"], in: team.remote).stdout
        for c in made where c.kind == "new" { #expect(tree.contains("goals/\(c.note).md"), "goal \(c.note) is lost") }

        // No lock is left: no git lock file, goalsync's lock free, no pull or write state.
        for client in clients {
            let locks = try team.run("/usr/bin/find", [".git", "-name", "*.lock"], in: client.dir).stdout
            #expect(locks.isEmpty, "\(client.name) has lock files: \(locks)")
            #expect((try? HeldLock(client.dir + "/.git/goalsync/lock")) != nil, "\(client.name)'s goalsync lock is held")
            for state in ["merge.json", "pull.json", "write.json"] {
                #expect(!FileSystem.exists(client.dir + "/.git/goalsync/" + state), "\(client.name) has .git/goalsync/\(state)")
            }
        }
        let fsck = try team.run(TestRepo.gitPath, ["fsck", "--no-progress", "--no-dangling"], in: team.remote)
        #expect(fsck.status == 0 && fsck.stdout.isEmpty, "\(fsck)")

        // The one-active rule at every commit of the remote, read with git, and goalsync's
        // validation of every commit.
        let active = try team.run(TestRepo.gitPath, ["grep", "-l", "^status: active$"] + Array(history) + ["--", "goals/"], in: team.remote)
        var activeByCommit = [Substring: Int]()
        for line in active.stdout.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            activeByCommit[line[..<colon], default: 0] += 1
        }
        #expect(activeByCommit.values.allSatisfy { $0 <= 1 }, "commits with more than one active goal: \(activeByCommit.filter { $0.value > 1 })")
        let root = try team.run(TestRepo.gitPath, ["rev-list", "--max-parents=0", "main"], in: team.remote).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let range = clients[0].goalsync(["validate", "--range", "\(root)..main"])
        #expect(range.status == 0, "\(range)")

        let counts = log.counts
        for kind in ["edit", "checkin", "new", "activate"] {
            #expect(made.contains { $0.kind == kind }, "no \(kind) succeeded: \(counts) \(log.details.prefix(5))")
        }
        print("""
            soak: \(clients.count) clients, \(Self.seconds) s: \(made.count) commits made (\(Dictionary(grouping: made, by: \.kind).mapValues(\.count).sorted { $0.key < $1.key })), \
            \(pushed.filter { $0.kind == "pushed" }.count) syncs told "Pushed", \(history.count) commits on the remote, \(activeByCommit.count) of them with an active goal; \
            \(counts.sorted { $0.key < $1.key })
            """)
    }
}

/// What the soak's clients did, from their threads.
final class SoakRecord: @unchecked Sendable {
    struct Commit {
        var client: String
        var kind: String
        var commit: String
        /// The check-in's note, the edit's value, or the new goal's id.
        var note: String
    }

    private let lock = NSLock()
    private var made = [Commit]()
    private var pushed = [Commit]()
    private var tally = [String: Int]()
    private var notes = [String]()

    func made(client: String, kind: String, commit: String, note: String) {
        lock.withLock { made.append(Commit(client: client, kind: kind, commit: commit, note: note)) }
    }

    /// A sync said `commit` is pushed; `including`: the commits the client made since its last push.
    func pushed(client: String, commit: String, including: [String]) {
        lock.withLock {
            pushed.append(Commit(client: client, kind: "pushed", commit: commit, note: ""))
            pushed += including.map { Commit(client: client, kind: "pushed with", commit: $0, note: "") }
        }
    }

    func count(_ what: String, by n: Int = 1, detail: String? = nil) {
        lock.withLock {
            tally[what, default: 0] += n
            if let detail, notes.count < 20 { notes.append(detail) }
        }
    }

    var commits: [Commit] { lock.withLock { made } }
    var pushedCommits: [Commit] { lock.withLock { pushed } }
    var counts: [String: Int] { lock.withLock { tally } }
    var details: [String] { lock.withLock { notes } }
}
