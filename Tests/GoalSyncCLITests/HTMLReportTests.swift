import Foundation
import GoalSyncCore
import GoalSyncTestSupport
import Testing

/// `goalsync report --html`: one self-contained page, rendered in real headless Chromium.
@Suite struct HTMLReportTests {
    static let chromiumCandidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"]
    /// Screenshots and the printed PDF, which CI keeps (see .ci/run).
    static let artifacts = Fixtures.packageRoot.appendingPathComponent(".ci/artifacts").path

    /// The story's repository with a second key result, a tricky title, a vision, and other goals.
    static func repository() throws -> TestRepo {
        let repo = try ReportTests.repository()
        let id = AuditTests.id
        try repo.goalsync(as: .dee, on: "2026-01-23", "add", id, "metrics", "{id: invites, name: Invites sent in the first session, unit: invites, direction: increase, baseline: 0.4, target: 1.5}")
        try repo.goalsync(as: .fay, on: "2026-01-24", "checkin", id, "invites", "0.6", "--confidence", "on_track")
        try repo.goalsync(as: .gil, on: "2026-01-30", "checkin", id, "invites", "0.9", "--confidence", "on_track", "--note", "<b>bold</b> & \"quoted\"")
        try repo.goalsync(as: .ana, on: "2026-01-31", "set", id, "title", "Raise activation <script>alert('x')</script> & more")
        try repo.write("VISION.md", "---\nproduct: Acme <Teams>\nvision: Every team ships what matters & knows why.\n---\n# Product vision\n\nWe help teams:\n\n- decide together\n- see progress <live>\n")
        try repo.git(as: .ana, on: "2026-01-31", "commit", "-q", "-am", "vision")
        return repo
    }

    /// The same, with what a stakeholder reads first and most: a strategy and a North Star with
    /// check-ins, a guardrail, sprint goals, framework categories, a raised target, long words.
    static func stakeholderRepository() throws -> TestRepo {
        let repo = try repository()
        let id = AuditTests.id
        try repo.goalsync(as: .ana, on: "2026-01-31", "vision", "--set", "strategy=Win <small> teams first", "--set", "north_star.name=Weekly active teams",
                          "--set", "north_star.unit=teams", "--set", "north_star.baseline=800", "--set", "north_star.target=2000", "--set", "north_star.framework=engagement")
        try repo.goalsync(as: .ben, on: "2026-01-31", "vision", "checkin", "1100", "--on", "2026-01-12", "--note", "Before the invite step")
        try repo.goalsync(as: .ben, on: "2026-01-31", "vision", "checkin", "1240", "--on", "2026-01-26", "--note", "Invite flow live <everywhere>")
        try repo.goalsync(as: .dee, on: "2026-01-31", "add", id, "metrics", "{id: p95, name: Signup p95 latency, unit: ms, direction: stay_below, baseline: 300, target: 400, framework: task_success}")
        try repo.goalsync(as: .fay, on: "2026-01-31", "checkin", id, "p95", "420", "--confidence", "at_risk", "--note", "CDN change; rolling back")
        try repo.goalsync(as: .ana, on: "2026-01-31", "set", id, "metrics.activation.target", "55")
        try repo.goalsync(as: .ana, on: "2026-01-31", "set", id, "metrics.activation.framework", "activation")
        try repo.goalsync(as: .ana, on: "2026-01-31", "set", id, "moves_north_star", "Activated workspaces become weekly active teams")
        try repo.goalsync(as: .gil, on: "2026-01-31", "add", id, "sprint_goals", "{sprint: 2026-S04, goal: Invite from the signup flow, status: done}")
        try repo.goalsync(as: .gil, on: "2026-01-31", "add", id, "sprint_goals", "{sprint: 2026-S05, goal: Nudge admins who never invited, status: in_progress}")
        try repo.goalsync(as: .gil, on: "2026-01-31", "checkin", id, "activation", "36", "--confidence", "on_track",
                          "--note", "A long note: supercalifragilisticexpialidocious-unbreakable-words-must-not-push-the-page-sideways-on-a-phone")
        return repo
    }

    @Test func thePageIsSelfContainedAndEscapesUserText() throws {
        let repo = try Self.repository()
        let r = try repo.goalsync("report", "--html", "report.html")
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.isEmpty)
        let html = try repo.read("report.html")
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"))
        #expect(html.contains("@media print"))
        #expect(html.contains("@media (max-width: 600px)"))
        // Nothing from the network: no external script, style sheet, font, image or frame.
        for needle in ["<link", "src=", "@import", "url(", "https://", "<iframe", "<img"] {
            #expect(!html.contains(needle), "the page must not load \(needle)")
        }
        #expect(html.components(separatedBy: "<script").count == 2, "one inline script: the ready flag (and narratives opened for print)")
        #expect(html.components(separatedBy: "<svg").count == 3, "one chart per key result")
        // User text is escaped everywhere.
        #expect(!html.contains("<script>alert"))
        #expect(html.contains("Raise activation &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more"))
        #expect(html.contains("&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;"))
        #expect(html.contains("<h1>Acme &lt;Teams&gt;</h1>"))
        #expect(html.contains("<li>see progress &lt;live&gt;</li>"))
        // The lens, the other goals, the timeline and the people.
        for needle in ["Admins of new workspaces", "Activated workspaces retain at 3x the rate", "Q3 funnel: 70% never invite",
            "cut-churn", "Not an outcome", "How the goal was co-created", "Caro Lim", "Gil Ito", "checked in"] {
            #expect(html.contains(needle), "the page shows \(needle)")
        }
        let created = try #require(html.range(of: "Ana Ruiz created the goal"))
        let activated = try #require(html.range(of: "Eli Moss moved it from proposed to active"))
        #expect(created.lowerBound < activated.lowerBound, "the timeline runs oldest first")
        #expect(!html.contains("<code>status</code>"), "history reads as sentences, not fields")
    }

    /// Renders the page in headless Chromium: it loads with no script error, its inline script ran,
    /// it holds one chart per key result; screenshots (desktop and phone) go to `artifacts/`.
    @Test func theReportRendersInHeadlessChromium() throws {
        guard let chromium = Self.chromiumCandidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            Issue.record("Chromium is not installed, so the HTML report cannot be checked: install it with apt-get install -y chromium")
            return
        }
        let repo = try Self.repository()
        try FileManager.default.createDirectory(atPath: Self.artifacts, withIntermediateDirectories: true)
        let page = Self.artifacts + "/report.html"
        let r = try repo.goalsync("report", "--html", page)
        #expect(r.status == 0, "\(r)")
        let profile = repo.base + "/chromium-profile"
        func browse(_ extra: [String]) throws -> ProcessResult {
            let args = ["120", chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--no-default-browser-check", "--disable-extensions", "--hide-scrollbars", "--enable-logging=stderr",
                "--user-data-dir=\(profile)"] + extra + ["file://" + page]
            return try ProcessRunner.run("/usr/bin/timeout", args, in: repo.base, environment: repo.merged(["XDG_CACHE_HOME": repo.base + "/cache"]))
        }
        let dom = try browse(["--dump-dom"])
        #expect(dom.status == 0, "chromium --dump-dom failed: \(dom)")
        #expect(dom.stdout.contains("data-ready=\"1\""), "the page's script ran")
        #expect(dom.stdout.components(separatedBy: "<svg").count - 1 == 2, "one chart per key result")
        #expect(dom.stdout.contains("class=\"chart\""))
        let problems = dom.stderrLines.filter { $0.contains("Uncaught") || $0.contains(":CONSOLE") }
        #expect(problems.isEmpty, "the page logged errors: \(problems)")

        for (name, size) in [("report.png", "1200,2000"), ("report-phone.png", "390,1600")] {
            let png = Self.artifacts + "/" + name
            try? FileManager.default.removeItem(atPath: png)
            let shot = try browse(["--screenshot=\(png)", "--window-size=\(size)"])
            #expect(shot.status == 0, "chromium --screenshot failed: \(shot)")
            let bytes = Array(FileManager.default.contents(atPath: png) ?? Data())
            #expect(bytes.count > 10_000, "\(name) holds a rendered page")
            #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(name) is a PNG")
        }
    }

    @Test func aRepositoryWithNoActiveGoalStillMakesAPage() throws {
        let repo = try TestRepo()
        try repo.goalsync(as: .ben, on: "2026-01-20", "new", "Cut churn", "--id", "cut-churn")
        let r = try repo.goalsync("report", "--html", "out.html", "--json")
        #expect(r.status == 0, "\(r)")
        let html = try repo.read("out.html")
        #expect(html.contains("No goal is active"))
        #expect(!html.contains("<svg"))
        #expect(html.contains("cut-churn"))
        #expect(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) is [String: Any], "--json still prints the report")
    }

    @Test func stakeholdersReadTheVisionFirstThenKeyResultsApartFromGuardrails() throws {
        let repo = try Self.stakeholderRepository()
        try repo.ok("report", "--html", "report.html")
        let html = try repo.read("report.html")
        func at(_ needle: String) throws -> String.Index { try #require(html.range(of: needle), "the page shows \(needle)").lowerBound }
        // Vision and North Star first.
        #expect(try at("id=\"vision\"") < at("id=\"active\""))
        #expect(html.contains("<p class=\"strategy\">Win &lt;small&gt; teams first</p>"))
        #expect(html.contains("<span class=\"big\">1240</span> teams"), "the current value is the latest check-in")
        #expect(html.contains("Invite flow live &lt;everywhere&gt;"))
        #expect(html.contains("37% of the way"), "(1240 - 800) / (2000 - 800)")
        #expect(html.contains("HEART · engagement"))
        // Key results, then guardrails apart, the breached one said so, its limit not drawn as a target.
        let keyResults = try at("id=\"key-results\""), guardrails = try at("id=\"guardrails\"")
        #expect(keyResults < guardrails)
        let activation = try at("<code>activation</code>"), p95 = try at("<code>p95</code>")
        #expect(keyResults < activation && activation < guardrails && guardrails < p95)
        #expect(html.contains("stay below 400 ms · now <strong>420</strong> ms <span class=\"badge breached\">breached</span>"))
        #expect(html.contains("<text class=\"limit\""))
        #expect(!html.contains("target 400"))
        // Sprint goals with their status; check-in notes as text, not tooltips only.
        #expect(html.contains("<span class=\"badge sprint done\">done</span> <strong>2026-S04</strong> Invite from the signup flow"))
        #expect(html.contains("<span class=\"badge sprint in_progress\">in progress</span> <strong>2026-S05</strong>"))
        #expect(html.contains("<p class=\"note-text\">CDN change; rolling back</p>"))
        #expect(html.contains("<p class=\"note-text\">Cohort still small</p>"))
        // Frameworks grouped; history as sentences; who took part.
        #expect(html.contains("<h3>AARRR</h3>"))
        #expect(html.contains("<dt>task success</dt>"))
        #expect(html.contains("Ana Ruiz raised the activation target from 50 to 55"))
        #expect(html.contains("Gil Ito planned sprint goal 2026-S04: Invite from the signup flow (done)"))
        #expect(html.contains("Fay Gul checked in p95 at 420 (at risk): CDN change; rolling back"))
        #expect(html.contains("<dt>Moves the North Star</dt><dd>Activated workspaces become weekly active teams</dd>"))
        #expect(try at("id=\"history\"") < at("id=\"contributors\""))
    }

    @Test func aPlaceholderVisionIsShownAsOne() throws {
        let repo = try TestRepo()
        try repo.ok("report", "--html", "out.html")
        let html = try repo.read("out.html")
        #expect(html.contains("placeholder: not written yet"))
        #expect(html.contains("No North Star yet"))
    }

    /// The page in headless Chromium driven by chromedriver (Selenium): at 1280 and 390 px wide,
    /// every section is there and nothing scrolls sideways; screenshots and the page printed to
    /// PDF go to `.ci/artifacts/` (scripts/check-html-report.py says what it checked).
    @Test func theStakeholderPageFitsADesktopAndAPhoneAndPrints() throws {
        let python = "/usr/bin/python3"
        let probe = try ProcessRunner.run(python, ["-c", "import selenium"], in: "/", environment: ["PATH": "/usr/bin:/bin"])
        guard probe.status == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver") else {
            Issue.record("chromium-driver and python3-selenium are needed to check the page: bash scripts/install-deps.sh")
            return
        }
        let repo = try Self.stakeholderRepository()
        try FileManager.default.createDirectory(atPath: Self.artifacts, withIntermediateDirectories: true)
        let page = Self.artifacts + "/stakeholder-report.html"
        try repo.ok("report", "--html", page)
        let r = try ProcessRunner.run(
            "/usr/bin/timeout", ["300", python, Fixtures.packageRoot.path + "/scripts/check-html-report.py", page, Self.artifacts],
            in: repo.base, environment: ["PATH": "/usr/bin:/bin", "HOME": repo.base, "XDG_CACHE_HOME": repo.base + "/cache", "XDG_CONFIG_HOME": repo.base + "/config", "LANG": "C.UTF-8"])
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        for name in ["report-desktop-1280.png", "report-phone-390.png"] {
            let bytes = Array(FileManager.default.contents(atPath: Self.artifacts + "/" + name) ?? Data())
            #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) && bytes.count > 20_000, "\(name) holds a rendered page")
        }
        let pdf = Array(FileManager.default.contents(atPath: Self.artifacts + "/report.pdf") ?? Data())
        #expect(pdf.starts(with: Array("%PDF".utf8)), "the page prints to PDF")
    }

    @Test func minimalMarkdownIsEscaped() {
        let html = HTMLReport.markdown("# Title <x>\n\nA paragraph\ncontinued & more.\n\n- one\n- <two>\n")
        #expect(html == "<h3>Title &lt;x&gt;</h3>\n<p>A paragraph continued &amp; more.</p>\n<ul><li>one</li><li>&lt;two&gt;</li></ul>\n")
    }
}
