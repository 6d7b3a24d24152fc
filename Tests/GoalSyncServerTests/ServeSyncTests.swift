import Foundation
import GoalSyncCore
import GoalSyncServer
import GoalSyncTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

/// The Sync button and a stopped pull settled in the page: two teammates' clones of one remote
/// (by path), the server over the second one's.
@Suite("goalsync serve: sync and conflicts in the page")
struct ServeSyncTests {
    /// Ana and Ben both change goal g's title; Ana pushed first. The server runs in Ben's clone.
    static func conflict() throws -> (team: Team, ana: Member, ben: Member, server: GoalServer) {
        let team = try Team()
        let ana = try team.founder("Ana")
        try ana.goalsync("new", "Raise activation", "--id", "g").requireOK("new")
        try ana.goalsync("push").requireOK("push")
        let ben = try team.join("Ben")
        try ana.goalsync("set", "g", "title", "Raise activation to 50%").requireOK("set")
        try ana.goalsync("push").requireOK("push")
        try ben.goalsync("set", "g", "title", "Raise activation to 60%").requireOK("set")
        let server = try GoalServer(path: ben.dir, environment: team.env.merging(ben.identity) { $1 })
        return (team, ana, ben, server)
    }

    static func test(_ server: GoalServer, _ body: @escaping @Sendable (ServedRepo.Client) async throws -> Void) async throws {
        let app = Application(router: server.router())
        try await app.test(.router) { client in try await body(ServedRepo.Client(client: client, server: server)) }
    }

    @Test("a pull that stops shows each conflict with base, ours, theirs and who wrote them; settled in the page, the pull finishes and pushes")
    func settle() async throws {
        let (team, ana, ben, server) = try Self.conflict()
        let outcome = try #require(server.syncNow())
        #expect(outcome.conflicts, "\(outcome.message)")
        let benHead = ben.head
        try await Self.test(server) { client in
            var page = try await client.get("/sync")
            #expect(page.status == .ok)
            #expect(page.body.contains("1 of 1 conflict to settle"))
            #expect(page.body.contains("Raise activation to 60%") && page.body.contains("Raise activation to 50%"), "ours and theirs")
            #expect(page.body.contains("by Ana") && page.body.contains("by Ben"), "who wrote each side")
            #expect(page.body.contains("Finish the pull</button>") && page.body.contains("disabled>Finish the pull"), "not finished before it is settled")

            var r = try await client.post("/sync/continue", [])
            #expect(r.status.code >= 400 && r.status.code < 500, "a pull with pending conflicts does not finish")
            r = try await client.post("/sync/resolve", [("goal", "g"), ("field", "title"), ("choice", "sideways")])
            #expect(r.status == .badRequest)
            r = try await client.post("/sync/resolve", [("goal", "g"), ("field", "nope"), ("choice", "ours")])
            #expect(r.status == .badRequest)
            r = try await client.post("/sync/resolve", [("goal", "g"), ("field", "title"), ("choice", "theirs")])
            #expect(r.status == .seeOther)
            page = try await client.get("/sync")
            #expect(page.body.contains("settled: theirs"))
            r = try await client.post("/sync/continue", [])
            #expect(r.status == .seeOther)
            page = try await client.get("/sync")
            #expect(page.body.contains("The pull is finished"))
        }
        #expect(try ben.git("rev-list", "--parents", "-n", "1", "HEAD").stdout.split(separator: " ").count == 3, "a merge commit with both parents")
        #expect(try ben.text("goals/g.md").contains("title: Raise activation to 50%"))
        #expect(ben.head != benHead)
        let pushed = try #require(server.syncNow())
        #expect(!pushed.failed && !pushed.conflicts, "\(pushed.message)")
        #expect(pushed.message.contains("Pushed"))
        #expect(try team.run(TestRepo.gitPath, ["rev-parse", "main"], in: team.remote).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == ben.head)
        _ = ana
    }

    @Test("a stopped pull abandoned in the page leaves the clone as it was")
    func abort() async throws {
        let (_, _, ben, server) = try Self.conflict()
        let before = try ben.text("goals/g.md"), head = ben.head
        let outcome = try #require(server.syncNow())
        #expect(outcome.conflicts)
        try await Self.test(server) { client in
            #expect(try await client.post("/sync/abort", []).status == .seeOther)
            let page = try await client.get("/sync")
            #expect(page.body.contains("The pull was abandoned"))
            #expect(page.body.contains(">Sync</button>"), "the Sync button is back")
        }
        #expect(ben.head == head)
        #expect(try ben.text("goals/g.md") == before)
        #expect(try ben.git("status", "--porcelain").stdout.isEmpty)
    }

    @Test("the Sync button starts the sync in the background; writes wait for it; without a remote it says so")
    func button() async throws {
        let served = try ServedRepo()
        try await served.test { client, _ in
            let r = try await client.post("/sync", [])
            #expect(r.status == .seeOther)
            #expect(r.location == "/sync")
            // Writes are done one at a time in order: this one runs after the sync.
            #expect(try await client.post("/goals", [("title", "Raise activation"), ("id", "g")]).status == .seeOther)
            let page = try await client.get("/sync")
            #expect(page.body.contains("Sync failed"), "no remote: \(page.body)")
            let state = try await client.get("/api/state")
            #expect(state.body.contains("\"running\":false"))
        }
        #expect(served.server.syncNow()?.failed == true)
    }
}
