import Foundation
import GoalSyncCore
import GoalSyncTestSupport
import Testing

/// `goalsync report --html`: one self-contained page, rendered in real headless Chromium.
@Suite struct HTMLReportTests {
    static let chromiumCandidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"]
    static let artifacts = Fixtures.packageRoot.appendingPathComponent("artifacts").path

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
        #expect(html.components(separatedBy: "<script").count == 2, "one inline script: the ready flag")
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
        let created = try #require(html.range(of: "created the goal"))
        let activated = try #require(html.range(of: "<code>status</code> proposed → active"))
        #expect(created.lowerBound < activated.lowerBound, "the timeline runs oldest first")
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

    @Test func minimalMarkdownIsEscaped() {
        let html = HTMLReport.markdown("# Title <x>\n\nA paragraph\ncontinued & more.\n\n- one\n- <two>\n")
        #expect(html == "<h3>Title &lt;x&gt;</h3>\n<p>A paragraph continued &amp; more.</p>\n<ul><li>one</li><li>&lt;two&gt;</li></ul>\n")
    }
}
