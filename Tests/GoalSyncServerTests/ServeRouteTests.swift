import Foundation
import GoalSyncCore
import GoalSyncServer
import GoalSyncTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

/// Every route of `goalsync serve`, in process (HummingbirdTesting's router client), against a real
/// repository: who may ask, what a write commits, what bad input gets back.
@Suite("goalsync serve: routes in process")
struct ServeRouteTests {
    // MARK: Access

    @Test("without the token nothing is served; the token address trades itself for a cookie")
    func access() async throws {
        let served = try ServedRepo()
        try await served.test { client, _ in
            #expect(try await client.get("/", cookie: false).status == .unauthorized)
            #expect(try await client.get("/goals", cookie: false).status == .unauthorized)
            #expect(try await client.get("/api/state", cookie: false).status == .unauthorized)
            #expect(try await client.get("/assets/app.js", cookie: false).status == .unauthorized)
            let wrongCookie = try await client.get("/", cookie: false, headers: [.cookie: "\(client.server.cookieName)=\(String(repeating: "0", count: 64))"])
            #expect(wrongCookie.status == .forbidden)
            #expect(try await client.get("/?token=nope", cookie: false).status == .forbidden)

            let opened = try await client.get("/goals?token=\(client.server.token)", cookie: false)
            #expect(opened.status == .seeOther)
            #expect(opened.location == "/goals", "the token leaves the address bar")
            let setCookie = opened.headers[.setCookie] ?? ""
            #expect(setCookie.hasPrefix("\(client.server.cookieName)=\(client.server.token);"))
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"))

            let page = try await client.get("/")
            #expect(page.status == .ok)
            #expect(page.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            #expect(page.headers[.xContentTypeOptions] == "nosniff")
            let bearer = try await client.get("/", cookie: false, headers: [.authorization: "Bearer \(client.server.token)"])
            #expect(bearer.status == .ok)
        }
    }

    @Test("a Host that is not the server's is refused (no DNS rebinding), and so is a write from another origin")
    func host() async throws {
        let served = try ServedRepo()
        // HummingbirdTesting's router client always sends Host `localhost`.
        served.server.allowHosts(GoalServer.hosts(bind: "127.0.0.1", port: 4790))
        try await served.test { client, _ in
            let refused = try await client.get("/")
            #expect(refused.status == .forbidden)
            #expect(refused.body.contains("answers only to the address goalsync serve printed"))
        }
        served.server.allowHosts(["localhost"])
        try await served.test { client, shell in
            let page = try await client.get("/")
            #expect(page.status == .ok)
            let before = shell.head
            #expect(try await client.post("/goals", [("title", "T")], headers: [.origin: "http://evil.example"]).status == .forbidden)
            #expect(shell.head == before)
            #expect(try await client.post("/goals", [("title", "T")], headers: [.origin: "http://localhost"]).status == .seeOther)
        }
        #expect(GoalServer.hosts(bind: "127.0.0.1", port: 4790) == ["127.0.0.1:4790", "localhost:4790", "[::1]:4790"])
        #expect(GoalServer.hosts(bind: "0.0.0.0", port: 4790).isEmpty, "every interface: the token alone guards it")
    }

    @Test("a write without this run's form token, or not sent as a form, changes nothing")
    func csrf() async throws {
        let served = try ServedRepo()
        try await served.test { client, shell in
            let before = shell.head
            let noToken = try await client.post("/goals", [("title", "Raise activation")], csrf: "")
            #expect(noToken.status == .forbidden)
            #expect(noToken.body.contains("form token"))
            #expect(try await client.post("/goals", [("title", "Raise activation")], csrf: String(repeating: "a", count: 64)).status == .forbidden)
            #expect(try await client.post("/goals", [("title", "Raise activation")], contentType: "application/json").status == .unsupportedMediaType)
            #expect(try await client.post("/goals", [("title", "Raise activation")], cookie: false).status == .unauthorized)
            #expect(try await client.post("/sync", [], csrf: "x").status == .forbidden)
            #expect(try await client.post("/sync/abort", [], csrf: "x").status == .forbidden)
            #expect(shell.head == before)
        }
    }

    // MARK: Writes commit what the commands commit

    @Test("a goal's life in the browser: new, edit, list items, metric, check-in, propose, activate, achieve")
    func life() async throws {
        let served = try ServedRepo()
        try await served.test { client, shell in
            var r = try await client.post("/goals", [("title", "Raise activation from 30% to 50%"), ("id", "activation"), ("persona", "New admins")])
            #expect(r.status == .seeOther)
            #expect(r.location?.hasPrefix("/goals/activation?saved=") == true)
            #expect(shell.subject == "new(activation): Raise activation from 30% to 50%")
            #expect(shell.message.contains("Goal-Id: activation"))
            #expect(try shell.git("log", "-1", "--format=%an <%ae>").stdout.contains("Ana Ruiz <ana@example.com>"))

            var version = try await client.version(of: "activation")
            r = try await client.post("/goals/activation/edit", [("version", version), ("title", "Raise activation from 30% to 50%"), ("problem", "Admins never invite"), ("timeframe.end", "2026-03-31"), ("body", "\r\n# Why now\r\n\r\nBecause.\r\n")])
            #expect(r.status == .seeOther)
            #expect(shell.subject.hasPrefix("set(activation): "))
            #expect(shell.message.contains("Goal-Fields:"))
            #expect(shell.file("activation").contains("problem: Admins never invite"))
            #expect(shell.file("activation").hasSuffix("# Why now\n\nBecause.\n"), "the browser's CRLF become LF")

            r = try await client.post("/goals/activation/add", [("list", "proof"), ("value", "Q3 funnel: 70% never invite")])
            #expect(r.status == .seeOther)
            #expect(shell.subject.hasPrefix("add(activation): proof"))
            r = try await client.post("/goals/activation/add", [("list", "assumptions"), ("value", "Admins invite in their first session")])
            #expect(r.status == .seeOther)
            r = try await client.post("/goals/activation/remove", [("list", "assumptions"), ("value", "Admins invite in their first session")])
            #expect(r.status == .seeOther)
            #expect(shell.subject.hasPrefix("remove(activation): assumptions"))
            #expect(!shell.file("activation").contains("first session"))
            r = try await client.post("/goals/activation/metrics", [("id", "activation"), ("name", "Activated workspaces"), ("unit", "percent"), ("direction", "increase"), ("baseline", "30"), ("target", "50")])
            #expect(r.status == .seeOther)
            #expect(shell.subject.hasPrefix("add(activation): metrics"))
            r = try await client.post("/goals/activation/checkin", [("metric", "activation"), ("value", "34"), ("confidence", "on_track"), ("note", "Invite step live")])
            #expect(r.status == .seeOther)
            #expect(shell.subject == "checkin(activation): activation = 34 (on_track)")

            version = try await client.version(of: "activation")
            r = try await client.post("/goals/activation/status", [("version", version), ("to", "proposed")])
            #expect(r.status == .seeOther)
            #expect(shell.subject == "set(activation): status draft -> proposed")
            r = try await client.post("/goals/activation/activate", [("seen", "proposed")])
            #expect(r.status == .seeOther)
            #expect(shell.subject.hasPrefix("activate(activation)"))
            r = try await client.post("/goals/activation/sprint-goals", [("sprint", "2026-S03"), ("goal", "Invite from the signup flow"), ("status", "planned")])
            #expect(r.status == .seeOther)
            #expect(shell.subject.hasPrefix("add(activation): sprint_goals"))
            r = try await client.post("/goals/activation/sprint-goals", [("sprint", ""), ("goal", "No sprint")])
            #expect(r.status == .unprocessableContent)
            #expect(r.body.contains("name the sprint"))

            let overview = try await client.get("/")
            #expect(overview.body.contains("Raise activation from 30% to 50%"))
            #expect(overview.body.contains("Activated workspaces"))
            #expect(overview.body.contains("Invite step live"))
            #expect(overview.body.contains("20%"), "progress (34-30)/(50-30)")

            version = try await client.version(of: "activation")
            r = try await client.post("/goals/activation/status", [("version", version), ("to", "achieved"), ("reason", "Reached 51%")])
            #expect(r.status == .seeOther)
            #expect(shell.file("activation").contains("status: achieved"))
            #expect(try shell.goalsync("validate").status == 0)

            let page = try await client.get("/goals/activation")
            #expect(page.body.contains("status: draft → proposed"), "the history in log's sentences")
            #expect(page.body.contains("Ana Ruiz"))
        }
    }

    // MARK: Bad input

    @Test("bad input gets a 4xx and a sentence, and nothing is written")
    func badInput() async throws {
        let served = try ServedRepo()
        try await served.test { client, shell in
            #expect(try await client.post("/goals", [("title", "Raise activation"), ("id", "g")]).status == .seeOther)
            let before = shell.head
            #expect(try await client.get("/goals/ghost").status == .notFound)
            #expect(try await client.get("/goals/..%2F..%2Fetc").status == .notFound)
            #expect(try await client.get("/goals/UPPER").status == .notFound)
            #expect(try await client.get("/goals?status=bogus").status == .badRequest)
            #expect(try await client.post("/goals/ghost/edit", [("title", "x")]).status == .notFound)

            var r = try await client.post("/goals", [("title", "   ")])
            #expect(r.status == .badRequest)
            #expect(r.body.contains("the title is empty"))
            r = try await client.post("/goals", [("title", "Another"), ("id", "Bad Id")])
            #expect(r.status == .badRequest)
            r = try await client.post("/goals", [("title", "Another"), ("id", "g")])
            #expect(r.status == .conflict)
            #expect(r.body.contains("already exists"))

            let version = try await client.version(of: "g")
            r = try await client.post("/goals/g/edit", [("version", version), ("title", "Raise activation"), ("timeframe.end", "next year")])
            #expect(r.status == .unprocessableContent)
            #expect(r.body.contains("id=\"err-timeframe.end\""), "the error is beside the field")
            #expect(r.body.contains("value=\"next year\""), "what was typed is kept")
            r = try await client.post("/goals/g/edit", [("version", version), ("title", "")])
            #expect(r.status == .unprocessableContent)
            #expect(r.body.contains("title cannot be empty"))

            r = try await client.post("/goals/g/metrics", [("id", "m"), ("name", "M"), ("unit", "%"), ("direction", "increase"), ("baseline", "ten"), ("target", "50")])
            #expect(r.status == .unprocessableContent)
            #expect(r.body.contains("metrics.baseline takes a number"))
            r = try await client.post("/goals/g/checkin", [("metric", "none"), ("value", "3")])
            #expect(r.status == .badRequest)
            #expect(r.body.contains("has no metric"))
            r = try await client.post("/goals/g/status", [("version", version), ("to", "active")])
            #expect(r.status == .badRequest)
            r = try await client.post("/goals/g/status", [("version", version), ("to", "achieved"), ("reason", "x")])
            #expect(r.status == .unprocessableContent)
            #expect(r.body.contains("a draft goal cannot become achieved"))
            r = try await client.post("/goals/g/activate", [("seen", "draft")])
            #expect(r.status == .conflict)
            #expect(r.body.contains("propose it first"))
            r = try await client.post("/goals/g/add", [("list", "checkins"), ("value", "x")])
            #expect(r.status == .badRequest)
            r = try await client.post("/goals/g/frobnicate", [])
            #expect(r.status == .notFound)
            r = try await client.post("/goals/g/add", [("list", "proof"), ("value", String(repeating: "x", count: 300 * 1024))])
            #expect(r.status == .contentTooLarge)
            r = try await client.post("/sync/resolve", [("goal", "g"), ("field", "title"), ("choice", "ours")])
            #expect(r.status.code >= 400 && r.status.code < 500)
            r = try await client.post("/sync/resolve-active", [("goal", "g")])
            #expect(r.status.code >= 400 && r.status.code < 500, "no pull is waiting")
            r = try await client.post("/sync/resolve-active", [("goal", "../x")])
            #expect(r.status == .badRequest)
            r = try await client.post("/sync/continue", [])
            #expect(r.status.code >= 400 && r.status.code < 500, "no pull to finish")
            #expect(shell.head == before, "nothing was committed")
            #expect(try shell.git("status", "--porcelain").stdout.isEmpty, "nothing was left in the work tree")
        }
    }

    @Test("user text is escaped on every page")
    func escaping() async throws {
        let served = try ServedRepo()
        try await served.test { client, _ in
            let evil = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>"
            #expect(try await client.post("/goals", [("title", evil), ("id", "evil"), ("persona", evil)]).status == .seeOther)
            #expect(try await client.post("/goals/evil/add", [("list", "proof"), ("value", evil)]).status == .seeOther)
            #expect(try await client.post("/goals/evil/add", [("list", "tags"), ("value", "t")]).status == .seeOther)
            for uri in ["/", "/goals", "/goals?q=\(ServedRepo.Client.encode(evil))", "/goals/evil", "/new", "/sync"] {
                let page = try await client.get(uri)
                #expect(page.status == .ok, "\(uri)")
                #expect(!page.body.contains("<script>alert"), "\(uri)")
                #expect(!page.body.contains("<img src=x"), "\(uri)")
            }
            let page = try await client.get("/goals/evil")
            #expect(page.body.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
        }
    }

    // MARK: Two tabs

    @Test("an edit made on an older version is merged field by field, or refused with 409 when the same field changed")
    func staleEdit() async throws {
        let served = try ServedRepo()
        try await served.test { client, shell in
            #expect(try await client.post("/goals", [("title", "Raise activation"), ("id", "g")]).status == .seeOther)
            let old = try await client.version(of: "g")
            // Tab 1 saves the title.
            var r = try await client.post("/goals/g/edit", [("version", old), ("title", "Raise activation to 50%"), ("persona", "")])
            #expect(r.status == .seeOther)
            // Tab 2, loaded before, saves the persona (and sends the old title back as it showed it).
            r = try await client.post("/goals/g/edit", [("version", old), ("title", "Raise activation"), ("persona", "New admins")])
            #expect(r.status == .seeOther)
            var text = shell.file("g")
            #expect(text.contains("title: Raise activation to 50%"), "tab 1's edit is kept")
            #expect(text.contains("persona: New admins"), "tab 2's edit is merged in")
            #expect(shell.subject == "set(g): persona + New admins")

            // A third tab, still on the old version, changes the title differently: refused.
            let before = shell.head
            r = try await client.post("/goals/g/edit", [("version", old), ("title", "Raise activation to 60%")])
            #expect(r.status == .conflict)
            #expect(r.body.contains("changed since this page was loaded"))
            #expect(r.body.contains("Raise activation to 60%") && r.body.contains("Raise activation to 50%"), "both values are shown")
            #expect(shell.head == before)
            text = shell.file("g")
            #expect(text.contains("title: Raise activation to 50%"))

            // A version this repository never had: refused, nothing written.
            r = try await client.post("/goals/g/edit", [("version", String(repeating: "1", count: 40)), ("title", "X")])
            #expect(r.status == .conflict)
            #expect(shell.head == before)

            // Status moved underneath an Activate button: refused.
            #expect(try shell.goalsync("set", "g", "status", "proposed").status == 0)
            #expect(try shell.goalsync("set", "g", "status", "draft").status == 0)
            r = try await client.post("/goals/g/activate", [("seen", "proposed")])
            #expect(r.status == .conflict)
        }
    }

    // MARK: Change detection

    @Test("a change made underneath (a command, plain git) shows on the next request and bumps the generation")
    func refresh() async throws {
        let served = try ServedRepo()
        try await served.test { client, shell in
            #expect(try await client.post("/goals", [("title", "Raise activation"), ("id", "g")]).status == .seeOther)
            let state1 = try await client.get("/api/state")
            #expect(state1.status == .ok)
            #expect(state1.headers[.contentType] == "application/json")
            let g1 = try Self.generation(state1.body)
            #expect(try shell.goalsync("set", "g", "title", "Changed by the CLI").status == 0)
            #expect(try await client.get("/goals").body.contains("Changed by the CLI"))
            let g2 = try Self.generation(try await client.get("/api/state").body)
            #expect(g2 > g1)
            let state2 = try await client.get("/api/state")
            #expect(state2.body.contains("\"generation\":\(g2)"), "no change, same generation")
            let etag = try #require(state2.headers[.eTag])
            #expect(try await client.get("/api/state", headers: [.ifNoneMatch: etag]).status == .notModified)
            // A goal added and committed with plain git.
            try GoalText.minimal(id: "by-git", title: "Added with git").description.write(toFile: shell.root + "/goals/by-git.md", atomically: true, encoding: .utf8)
            #expect(try shell.git("add", "goals/by-git.md").status == 0)
            #expect(try shell.git("commit", "-q", "--no-verify", "-m", "by git").status == 0)
            #expect(try await client.get("/goals").body.contains("Added with git"))
            #expect(try await client.get("/goals?q=by-git").body.contains("1 goal"))
            // Removed with plain git.
            #expect(try shell.git("rm", "-q", "goals/by-git.md").status == 0)
            #expect(!(try await client.get("/goals").body.contains("Added with git")))
        }
    }

    static func generation(_ json: String) throws -> Int {
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        return try #require(object?["generation"] as? Int)
    }

    // MARK: Pages

    @Test("the list filters by status and searches title, id, owner and tags")
    func list() async throws {
        let served = try ServedRepo()
        try await served.test { client, _ in
            #expect(try await client.post("/goals", [("title", "Raise activation"), ("id", "a")]).status == .seeOther)
            #expect(try await client.post("/goals", [("title", "Cut churn"), ("id", "b")]).status == .seeOther)
            #expect(try await client.post("/goals/b/add", [("list", "tags"), ("value", "retention")]).status == .seeOther)
            let v = try await client.version(of: "b")
            #expect(try await client.post("/goals/b/status", [("version", v), ("to", "proposed")]).status == .seeOther)
            var page = try await client.get("/goals")
            #expect(page.body.contains("2 goals"))
            let proposed = try #require(page.body.range(of: "Cut churn")), draft = try #require(page.body.range(of: "Raise activation"))
            #expect(proposed.lowerBound < draft.lowerBound, "proposed before draft")
            page = try await client.get("/goals?status=draft")
            #expect(page.body.contains("Raise activation") && !page.body.contains("Cut churn"))
            page = try await client.get("/goals?q=RETENTION")
            #expect(page.body.contains("Cut churn") && !page.body.contains("Raise activation"))
            let overview = try await client.get("/")
            #expect(overview.body.contains("No goal is active"))
            #expect(overview.body.contains("Cut churn"), "the proposed goals are offered")
        }
    }

    // MARK: Vision, North Star, guardrails and templates

    @Test("the overview leads with the vision, the strategy and the North Star; guardrails say held or breached; a new goal can start from a template")
    func visionNorthStarAndTemplates() async throws {
        let served = try ServedRepo()
        try await served.test { client, shell in
            try shell.goalsync("vision", "--set", "vision=Every small team knows what matters this week", "--set", "strategy=Win small teams first",
                               "--set", "north_star.name=Weekly active teams", "--set", "north_star.unit=teams",
                               "--set", "north_star.baseline=800", "--set", "north_star.target=2000").requireOK("vision --set")
            try shell.goalsync("vision", "checkin", "1400", "--note", "Invite <flow> live").requireOK("vision checkin")

            var r = try await client.post("/goals", [("title", "Raise weekly retention to 40%"), ("id", "retention"), ("template", "heart")])
            #expect(r.status == .seeOther)
            #expect(shell.file("retention").contains("# How it moves the North Star"), "the template's questions start the narrative")
            #expect(shell.file("retention").contains("HEART"))
            let head = shell.head
            r = try await client.post("/goals", [("title", "Another goal"), ("template", "bogus")])
            #expect(r.status == .badRequest)
            #expect(r.body.contains("not one of okr, smart, north-star, heart, aarrr, ebm"))
            #expect(shell.head == head, "nothing written")
            #expect(try await client.get("/new").body.contains("<option value=\"aarrr\">aarrr</option>"))

            for args in [["add", "retention", "metrics", "{id: kept, name: Retained teams, unit: percent, direction: increase, baseline: 30, target: 40}"],
                         ["add", "retention", "metrics", "{id: latency, name: Page latency, unit: ms, direction: stay_below, target: 400}"],
                         ["add", "retention", "metrics", "{id: nps, name: NPS, direction: stay_above, target: 20}"],
                         ["set", "retention", "timeframe.end", "2099-12-31"], ["set", "retention", "status", "proposed"],
                         ["activate", "retention"], ["checkin", "retention", "latency", "420"], ["checkin", "retention", "kept", "35"]] {
                try ProcessRunner.run(shell.binary, args, in: shell.root, environment: shell.environment).requireOK(args.joined(separator: " "))
            }
            let overview = try await client.get("/").body
            let vision = try #require(overview.range(of: "Every small team knows what matters this week"))
            let star = try #require(overview.range(of: "Weekly active teams"))
            let goal = try #require(overview.range(of: "Raise weekly retention to 40%"))
            #expect(vision.lowerBound < star.lowerBound && star.lowerBound < goal.lowerBound, "vision, then North Star, then the active goal")
            #expect(overview.contains("Win small teams first"))
            #expect(overview.contains("1,400 teams") || overview.contains("1400 teams"), "the North Star's value is its latest check-in")
            #expect(overview.contains("Invite &lt;flow&gt; live"), "the check-in's note, escaped")
            #expect(overview.contains("<span class=\"bad\">breached</span>"), "latency 420 against stay below 400")
            #expect(overview.contains("no check-in yet"), "the NPS guardrail has no check-in")
            #expect(overview.contains("50%"), "progress counts the key result only: (35-30)/(40-30)")
        }
    }

    @Test("the rest of a goal's life in the page: change a key result, correct a check-in, a sprint goal's status, abandon or remove a draft")
    func restOfTheLife() async throws {
        let served = try ServedRepo()
        try await served.test { client, shell in
            #expect(try await client.post("/goals", [("title", "Raise activation from 30% to 50%"), ("id", "g")]).status == .seeOther)
            #expect(try await client.post("/goals/g/metrics", [("id", "m"), ("name", "Activation"), ("unit", "percent"), ("direction", "increase"), ("baseline", "30"), ("target", "50")]).status == .seeOther)
            var version = try await client.version(of: "g")
            var r = try await client.post("/goals/g/metric-edit", [("version", version), ("metric", "m"), ("field", "target"), ("value", "55")])
            #expect(r.status == .seeOther)
            #expect(shell.subject == "set(g): metrics.m.target 50 -> 55")
            version = try await client.version(of: "g")
            r = try await client.post("/goals/g/metric-edit", [("version", version), ("metric", "m"), ("field", "target"), ("value", "lots")])
            #expect(r.status == .unprocessableContent)
            #expect(r.body.contains("id=\"err-value\""), "the error is beside the value")

            #expect(try await client.post("/goals/g/checkin", [("metric", "m"), ("value", "43")]).status == .seeOther)
            let checkin = try #require(shell.file("g").split(separator: "\n").first { $0.contains("value: 43") }.flatMap { line in
                line.range(of: "id: ").map { String(line[$0.upperBound...].prefix { $0 != "," && $0 != "}" }) }
            })
            r = try await client.post("/goals/g/amend", [("checkin", checkin), ("value", "34"), ("note", "typo: 34, not 43")])
            #expect(r.status == .seeOther)
            #expect(shell.file("g").contains("supersedes: \(checkin)"))
            #expect(shell.file("g").contains("value: 43"), "the corrected check-in stays")
            r = try await client.post("/goals/g/amend", [("checkin", "nope"), ("value", "1"), ("note", "x")])
            #expect(r.status == .badRequest)

            try shell.goalsync("new", "Another draft", "--id", "other").requireOK("new")
            r = try await client.post("/goals/other/rm", [])
            #expect(r.status == .seeOther && r.location == "/goals")
            #expect(shell.subject.hasPrefix("rm(other): "))
            #expect(!FileManager.default.fileExists(atPath: shell.root + "/goals/other.md"))
            try shell.goalsync("new", "A third draft", "--id", "third").requireOK("new")
            version = try await client.version(of: "third")
            r = try await client.post("/goals/third/status", [("version", version), ("to", "abandoned"), ("reason", "Folded into g")])
            #expect(r.status == .seeOther)
            #expect(shell.file("third").contains("status: abandoned"))
            r = try await client.post("/goals/third/rm", [])
            #expect(r.status == .unprocessableContent || r.status == .badRequest || r.status == .conflict, "only a draft can be removed: \(r.status)")
            #expect(r.body.contains("only a draft can be removed"))

            for args in [["set", "g", "timeframe.end", "2099-12-31"], ["set", "g", "status", "proposed"], ["activate", "g"],
                         ["add", "g", "sprint_goals", "{sprint: 2026-S03, goal: Invite from signup, status: planned}"]] {
                try ProcessRunner.run(shell.binary, args, in: shell.root, environment: shell.environment).requireOK(args.joined(separator: " "))
            }
            version = try await client.version(of: "g")
            r = try await client.post("/goals/g/sprint-status", [("version", version), ("sprint", "2026-S03"), ("status", "done")])
            #expect(r.status == .seeOther)
            #expect(shell.subject == "set(g): sprint_goals.2026-S03.status planned -> done")
            #expect(try shell.goalsync("validate").status == 0)
        }
    }
}
