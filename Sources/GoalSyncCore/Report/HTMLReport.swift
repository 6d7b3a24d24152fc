import Foundation

/// `goalsync report --html FILE`: one self-contained page (inline CSS, inline SVG charts, no
/// network, no external script or font) with the vision, the active goal and its lens, a chart
/// per key result, the other goals by status, how the active goal was co-created, and who took
/// part. Every piece of user text is escaped. Readable on a phone and in print.
package struct HTMLReport: Sendable {
    package var report: ProgressReport
    /// The active goal's log, newest first.
    package var timeline: [GoalLogEntry]
    /// Who took part in the active goal.
    package var contributors: GoalContributors?
    package var isShallow: Bool

    package init(report: ProgressReport, timeline: [GoalLogEntry], contributors: GoalContributors?, isShallow: Bool) {
        self.report = report
        self.timeline = timeline
        self.contributors = contributors
        self.isShallow = isShallow
    }

    package func render() -> String {
        let product = report.product ?? "Product"
        var h = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="goalsync">
            <title>\(esc(product)) — product goals, \(report.today)</title>
            <style>\(Self.css)</style>
            </head>
            <body>
            <header>
            <p class="kicker">Product goals · \(report.today)</p>
            <h1>\(esc(product))</h1>

            """
        if let vision = report.vision {
            if let line = vision.frontMatter["vision"]?.scalarText { h += "<p class=\"vision\">\(esc(line))</p>\n" }
            let body = Self.markdown(vision.body)
            if !body.isEmpty { h += "<div class=\"narrative\">\(body)</div>\n" }
        }
        h += "</header>\n<main>\n"
        h += activeSection()
        h += goalsSection()
        if report.active != nil {
            h += timelineSection()
            h += contributorsSection()
        }
        h += """
            </main>
            <footer>Made by goalsync from the goal files and their git history. Every value above is in the repository.</footer>
            <script>document.body.dataset.ready = "1";</script>
            </body>
            </html>

            """
        return h
    }

    // MARK: Sections

    private func activeSection() -> String {
        guard let a = report.active else {
            guard !report.problems.isEmpty else {
                return "<section id=\"active\"><h2>Active goal</h2><p class=\"empty\">No goal is active. Propose one and run <code>goalsync activate ID</code>.</p></section>\n"
            }
            // One of the files that cannot be read may be the active goal: say which they are.
            let files = report.problems.map { "<li><code>\(esc($0.file))</code>: \(esc($0.message))</li>" }.joined(separator: "\n")
            return "<section id=\"active\"><h2>Active goal</h2><p class=\"empty\">No active goal could be read. These goal files cannot be read; fix them (<code>goalsync validate</code>), one may be the active goal:</p>\n<ul>\n\(files)\n</ul></section>\n"
        }
        let g = a.goal
        var h = "<section id=\"active\">\n<h2>Active goal</h2>\n<h3>\(esc(g.title ?? g.id ?? "?"))</h3>\n"
        var meta = ["<code>\(esc(g.id ?? "?"))</code>"]
        if let owner = g.owner { meta.append("owner \(esc(owner))") }
        if let s = g.timeframeStart, let e = g.timeframeEnd { meta.append("\(s) → \(e)") }
        h += "<p class=\"meta\">\(meta.joined(separator: " · "))</p>\n"
        h += "<div class=\"rollup\">\(bar(a.progress.overall))<span>\(pct(a.progress.overall)) done"
        if let e = a.elapsed { h += ", \(pct(e)) of the time gone" }
        h += "</span>\(badge(a.pace))</div>\n"
        var facts = [String]()
        if let d = a.daysSinceCheckin {
            facts.append("last check-in \(d) day\(d == 1 ? "" : "s") ago" + (a.stale ? " <strong class=\"warn\">(stale: cadence \(a.cadenceDays) days)</strong>" : ""))
        } else {
            facts.append("no check-in yet" + (a.stale ? " <strong class=\"warn\">(stale)</strong>" : ""))
        }
        if let c = a.latestConfidence { facts.append("confidence \(esc(c.replacingOccurrences(of: "_", with: " ")))" + (a.trend.map { " (\($0.rawValue))" } ?? "")) }
        h += "<p class=\"facts\">\(facts.joined(separator: " · "))</p>\n"
        h += "<dl class=\"lens\">\n"
        for (label, key) in [("For whom", "persona"), ("Problem", "problem"), ("Why it matters", "why")] {
            if let v = g[key]?.scalarText { h += "<dt>\(label)</dt><dd>\(esc(v))</dd>\n" }
        }
        for (label, key) in [("Proof", "proof"), ("Assumptions", "assumptions")] {
            let items = g.textList(key)
            if !items.isEmpty { h += "<dt>\(label)</dt><dd><ul>\(items.map { "<li>\(esc($0))</li>" }.joined())</ul></dd>\n" }
        }
        h += "</dl>\n<h3>Key results</h3>\n<div class=\"krs\">\n"
        for m in a.metrics { h += keyResult(m, goal: a) }
        if a.metrics.isEmpty { h += "<p class=\"empty\">No key result yet: add one with <code>goalsync add \(esc(g.id ?? "ID")) metrics '{id: …}'</code>.</p>\n" }
        h += "</div>\n"
        let body = Self.markdown(g.body)
        if !body.isEmpty { h += "<details class=\"narrative\"><summary>The goal's narrative</summary>\(body)</details>\n" }
        return h + "</section>\n"
    }

    private func keyResult(_ m: GoalReport.MetricReport, goal: GoalReport) -> String {
        let p = m.progress
        let unit = p.unit.map { " " + esc($0) } ?? ""
        var h = "<figure class=\"kr\">\n<figcaption><strong>\(esc(p.name ?? p.id))</strong> <code>\(esc(p.id))</code><br>"
        h += "\(num(p.baseline)) → <strong>\(num(p.current))</strong> → \(num(p.target))\(unit) · \(pct(p.progress))"
        if let d = p.direction, d != "increase" { h += " · \(esc(d.replacingOccurrences(of: "_", with: " ")))" }
        h += badge(m.pace)
        if let c = p.confidence { h += " · \(esc(c.replacingOccurrences(of: "_", with: " ")))" + (m.trend.map { " (\($0.rawValue))" } ?? "") }
        h += "</figcaption>\n"
        h += chart(m, start: goal.goal.timeframeStart, end: goal.goal.timeframeEnd)
        return h + "</figure>\n"
    }

    private func goalsSection() -> String {
        let others = report.goals.filter { $0.goal.status != .active }
        var h = "<section id=\"goals\">\n<h2>Other goals</h2>\n"
        if others.isEmpty { return h + "<p class=\"empty\">No other goal yet.</p>\n</section>\n" }
        for status in ProgressReport.statusOrder where status != .active {
            let group = others.filter { $0.goal.status == status }
            guard !group.isEmpty else { continue }
            h += "<h3>\(status.rawValue.capitalized)</h3>\n<ol class=\"goals\">\n"
            for g in group {
                h += "<li><span class=\"title\">\(esc(g.title ?? g.id ?? "?"))</span> <code>\(esc(g.id ?? "?"))</code>"
                h += " <span class=\"pct\">\(pct(g.progress.overall))</span>"
                if let c = g.closed {
                    h += "<br><span class=\"closed\">\(esc(c.outcome))\(c.on.map { " on \(esc($0))" } ?? "")\(c.reason.map { ": \(esc($0))" } ?? "")</span>"
                }
                h += "</li>\n"
            }
            h += "</ol>\n"
        }
        let unsorted = others.filter { $0.goal.status == nil }
        if !unsorted.isEmpty {
            h += "<h3>Without a known status</h3>\n<ol class=\"goals\">\(unsorted.map { "<li>\(esc($0.title ?? $0.id ?? "?"))</li>" }.joined())</ol>\n"
        }
        return h + "</section>\n"
    }

    private func timelineSection() -> String {
        var h = "<section id=\"timeline\">\n<h2>How the goal was co-created</h2>\n<ol class=\"timeline\">\n"
        for e in timeline.reversed() {
            var what: String
            switch e.kind {
            case .created: what = "created the goal"
            case .deleted: what = "deleted the file"
            case .renamed: what = "renamed it from \(esc(e.renamedFrom ?? "?"))"
            case .unparsable: what = "left the file unreadable (\(esc(e.error ?? "")))"
            case .boundary: what = "(history before this is not in this shallow clone)"
            case .merge: what = "settled in a merge"
            case .changed: what = ""
            }
            let changes = e.kind == .created ? [] : e.changes.map { c -> String in
                switch (c.old, c.new) {
                case (let o?, let n?): return "<code>\(esc(c.field))</code> \(esc(clip(o))) → \(esc(clip(n)))"
                case (nil, let n?): return "<code>\(esc(c.field))</code> + \(esc(clip(n)))"
                case (let o?, nil): return "<code>\(esc(c.field))</code> − \(esc(clip(o)))"
                default: return "<code>\(esc(c.field))</code>"
                }
            } + (e.body.map { ["body \($0.summary)"] } ?? [])
            if !changes.isEmpty { what += (what.isEmpty ? "" : ": ") + changes.joined(separator: "; ") }
            h += "<li><time datetime=\"\(e.commit.author.isoTime)\">\(e.commit.author.date)</time> <strong>\(esc(e.commit.author.name))</strong> \(what)</li>\n"
        }
        h += "</ol>\n"
        if isShallow { h += "<p class=\"note\">This clone is shallow: the history before its oldest commit is not shown.</p>\n" }
        return h + "</section>\n"
    }

    private func contributorsSection() -> String {
        var h = "<section id=\"contributors\">\n<h2>Who took part</h2>\n"
        guard let people = contributors?.people, !people.isEmpty else { return h + "<p class=\"empty\">No history yet.</p>\n</section>\n" }
        h += "<table>\n<thead><tr><th>Person</th><th>How</th><th>Commits</th><th>Check-ins</th><th>First</th><th>Last</th></tr></thead>\n<tbody>\n"
        for p in people {
            let fields = p.fields.isEmpty ? "" : "<br><small>edited \(esc(p.fields.sorted().joined(separator: ", ")))</small>"
            h += "<tr><td>\(esc(p.name))</td><td>\(esc(p.roles.joined(separator: ", ")))\(fields)</td><td>\(p.commits)</td><td>\(p.checkins)</td><td>\(p.first)</td><td>\(p.last)</td></tr>\n"
        }
        return h + "</tbody>\n</table>\n</section>\n"
    }

    // MARK: The chart

    /// A key result's check-ins over time against its baseline and target (and the pace line from
    /// baseline at the start to target at the end), as inline SVG.
    func chart(_ m: GoalReport.MetricReport, start: SimpleDate?, end: SimpleDate?) -> String {
        let p = m.progress
        let points = m.checkins.compactMap { c -> (day: Int, value: Double, c: Checkin)? in
            guard let on = c.on, let v = c.value else { return nil }
            return (on.dayNumber, v, c)
        }
        let today = report.today.dayNumber
        let days = points.map(\.day) + [start?.dayNumber, end?.dayNumber].compactMap { $0 }
        var x0 = days.min() ?? today - 30, x1 = days.max() ?? today
        if x1 <= x0 { x1 = x0 + 1 }
        if today > x0 && today < x1 + 1 { x1 = max(x1, today) }
        let values = points.map(\.value) + [p.baseline, p.target].compactMap { $0 }
        var y0 = values.min() ?? 0, y1 = values.max() ?? 1
        if y1 <= y0 { y1 = y0 + 1 }
        let pad = (y1 - y0) * 0.12
        y0 -= pad
        y1 += pad
        let w = 640.0, hgt = 260.0, left = 56.0, right = 96.0, top = 16.0, bottom = 32.0
        func x(_ d: Int) -> Double { left + (w - left - right) * Double(d - x0) / Double(x1 - x0) }
        func y(_ v: Double) -> Double { top + (hgt - top - bottom) * (1 - (v - y0) / (y1 - y0)) }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        let label = "\(p.name ?? p.id): \(points.count) check-in\(points.count == 1 ? "" : "s"), baseline \(num(p.baseline)), target \(num(p.target))\(p.unit.map { " " + $0 } ?? "")"
        var s = "<svg class=\"chart\" viewBox=\"0 0 \(Int(w)) \(Int(hgt))\" role=\"img\" aria-label=\"\(esc(label))\" xmlns=\"http://www.w3.org/2000/svg\">\n"
        s += "<rect class=\"plot\" x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(w - left - right))\" height=\"\(f(hgt - top - bottom))\"/>\n"
        for (v, cls, name) in [(p.baseline, "baseline", "baseline"), (p.target, "target", "target")] {
            guard let v else { continue }
            s += "<line class=\"\(cls)\" x1=\"\(f(left))\" y1=\"\(f(y(v)))\" x2=\"\(f(w - right))\" y2=\"\(f(y(v)))\"/>"
            s += "<text class=\"\(cls)\" x=\"\(f(w - right + 6))\" y=\"\(f(y(v) + 4))\">\(name) \(num(v))</text>\n"
        }
        if let start, let end, let b = p.baseline, let t = p.target, start < end, p.direction == "increase" || p.direction == "decrease" {
            s += "<line class=\"pace\" x1=\"\(f(x(start.dayNumber)))\" y1=\"\(f(y(b)))\" x2=\"\(f(x(end.dayNumber)))\" y2=\"\(f(y(t)))\"><title>expected pace</title></line>\n"
        }
        if today >= x0 && today <= x1 {
            s += "<line class=\"today\" x1=\"\(f(x(today)))\" y1=\"\(f(top))\" x2=\"\(f(x(today)))\" y2=\"\(f(hgt - bottom))\"><title>today, \(report.today)</title></line>"
            s += "<text class=\"today\" x=\"\(f(x(today) + 4))\" y=\"\(f(top + 12))\">today</text>\n"
        }
        if !points.isEmpty {
            s += "<polyline class=\"series\" points=\"\(points.map { "\(f(x($0.day))),\(f(y($0.value)))" }.joined(separator: " "))\"/>\n"
            for pt in points {
                let conf = pt.c.confidence?.rawValue ?? "none"
                let tip = "\(pt.c.on.map(\.description) ?? ""): \(num(pt.value))\(p.unit.map { " " + $0 } ?? "") (\(conf.replacingOccurrences(of: "_", with: " ")))\(pt.c.note.map { " — " + $0 } ?? "")\(pt.c.by.map { " · " + $0 } ?? "")"
                s += "<circle class=\"point \(conf)\" cx=\"\(f(x(pt.day)))\" cy=\"\(f(y(pt.value)))\" r=\"4\"><title>\(esc(tip))</title></circle>\n"
            }
        } else {
            s += "<text class=\"axis\" x=\"\(f(left + 12))\" y=\"\(f(top + 24))\">no check-in yet</text>\n"
        }
        s += "<text class=\"axis\" x=\"\(f(left - 6))\" y=\"\(f(top + 10))\" text-anchor=\"end\">\(num(y1 - pad))</text>"
        s += "<text class=\"axis\" x=\"\(f(left - 6))\" y=\"\(f(hgt - bottom))\" text-anchor=\"end\">\(num(y0 + pad))</text>\n"
        s += "<text class=\"axis\" x=\"\(f(left))\" y=\"\(f(hgt - 10))\">\(SimpleDate(dayNumber: x0))</text>"
        s += "<text class=\"axis\" x=\"\(f(w - right))\" y=\"\(f(hgt - 10))\" text-anchor=\"end\">\(SimpleDate(dayNumber: x1))</text>\n"
        return s + "</svg>\n"
    }

    // MARK: Pieces

    private func bar(_ p: Double?) -> String {
        let v = min(1, max(0, p ?? 0))
        return "<span class=\"bar\" role=\"progressbar\" aria-valuemin=\"0\" aria-valuemax=\"100\" aria-valuenow=\"\(Int((v * 100).rounded()))\"><span style=\"width:\(Int((v * 100).rounded()))%\"></span></span>"
    }

    private func badge(_ pace: GoalReport.Pace?) -> String {
        guard let pace else { return "" }
        let text = pace == .onPace ? "on pace" : pace.rawValue
        return " <span class=\"badge \(pace.rawValue)\">\(text)</span>"
    }

    private func pct(_ p: Double?) -> String { p.map { "\(Int(($0 * 100).rounded()))%" } ?? "—" }

    private func num(_ d: Double?) -> String {
        guard let d else { return "—" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return String(format: "%.2f", d).replacingOccurrences(of: #"\.?0+$"#, with: "", options: .regularExpression)
    }

    private func clip(_ s: String) -> String { s.count <= 80 ? s : String(s.prefix(79)) + "…" }

    /// Minimal Markdown, escaped: `#` headings, `-`/`*` lists, paragraphs; everything else as text.
    package static func markdown(_ text: String) -> String {
        var out = "", paragraph = [String](), list = [String]()
        func flush() {
            if !paragraph.isEmpty { out += "<p>\(paragraph.map(esc).joined(separator: " "))</p>\n" }
            if !list.isEmpty { out += "<ul>\(list.map { "<li>\(esc($0))</li>" }.joined())</ul>\n" }
            paragraph = []
            list = []
        }
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty {
                flush()
            } else if let level = (1...6).last(where: { line.hasPrefix(String(repeating: "#", count: $0) + " ") }) {
                flush()
                let h = min(level + 2, 6)
                out += "<h\(h)>\(esc(String(line.dropFirst(level + 1))))</h\(h)>\n"
            } else if line.hasPrefix("- ") || line.hasPrefix("* ") {
                if !paragraph.isEmpty { flush() }
                list.append(String(line.dropFirst(2)))
            } else {
                if !list.isEmpty { flush() }
                paragraph.append(line)
            }
        }
        flush()
        return out
    }

    static let css = """

        :root { --ink: #1d2330; --muted: #5b6475; --line: #d9dde5; --accent: #2a62d6; --good: #1f8a4c; --warn: #b3261e; --amber: #a86400; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--ink); background: #f6f7f9; }
        header, main, footer { max-width: 980px; margin: 0 auto; padding: 0 20px; }
        header { padding-top: 28px; }
        h1 { font-size: 2rem; margin: 0 0 .25rem; }
        h2 { font-size: 1.35rem; margin: 2rem 0 .75rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
        h3 { font-size: 1.1rem; margin: 1.25rem 0 .5rem; }
        .kicker, .meta, .facts, footer, .note, .empty { color: var(--muted); }
        .vision { font-size: 1.2rem; font-style: italic; }
        section { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 4px 20px 16px; margin: 20px 0; }
        code { font: .85em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #eef1f6; padding: 1px 4px; border-radius: 4px; }
        .rollup { display: flex; flex-wrap: wrap; align-items: center; gap: 10px; }
        .bar { display: inline-block; width: 220px; max-width: 100%; height: 12px; background: #e6e9ef; border-radius: 6px; overflow: hidden; }
        .bar > span { display: block; height: 100%; background: var(--accent); }
        .badge { display: inline-block; font-size: .8rem; padding: 1px 8px; border-radius: 10px; border: 1px solid currentColor; }
        .badge.ahead, .badge.on_pace { color: var(--good); }
        .badge.behind { color: var(--warn); }
        .warn { color: var(--warn); }
        dl.lens { display: grid; grid-template-columns: max-content 1fr; gap: 6px 16px; }
        dl.lens dt { font-weight: 600; }
        dl.lens dd { margin: 0; }
        dl.lens ul { margin: 0; padding-left: 1.1rem; }
        .krs { display: grid; grid-template-columns: 1fr; gap: 16px; }
        figure.kr { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
        figcaption { margin-bottom: 6px; }
        svg.chart { display: block; width: 100%; height: auto; }
        svg.chart .plot { fill: #fbfcfd; stroke: var(--line); }
        svg.chart line.baseline { stroke: #8a93a3; stroke-dasharray: 5 4; }
        svg.chart line.target { stroke: var(--good); stroke-dasharray: 5 4; }
        svg.chart line.pace { stroke: #b8c2d3; stroke-dasharray: 2 4; }
        svg.chart line.today { stroke: var(--amber); }
        svg.chart .series { fill: none; stroke: var(--accent); stroke-width: 2.5; }
        svg.chart circle.point { fill: var(--accent); stroke: #fff; stroke-width: 1.5; }
        svg.chart circle.at_risk { fill: var(--amber); }
        svg.chart circle.off_track { fill: var(--warn); }
        svg.chart text { font-size: 12px; fill: var(--muted); font-family: inherit; }
        svg.chart text.target { fill: var(--good); }
        svg.chart text.today { fill: var(--amber); }
        ol.goals li, ol.timeline li { margin: 6px 0; }
        .closed { color: var(--muted); font-size: .9rem; }
        .pct { color: var(--muted); }
        ol.timeline { list-style: none; padding-left: 0; border-left: 2px solid var(--line); }
        ol.timeline li { padding-left: 14px; position: relative; }
        ol.timeline li::before { content: ""; position: absolute; left: -6px; top: .55em; width: 10px; height: 10px; border-radius: 50%; background: var(--accent); }
        ol.timeline time { color: var(--muted); font-variant-numeric: tabular-nums; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
        td:nth-child(3), td:nth-child(4) { text-align: right; }
        footer { padding: 12px 20px 32px; font-size: .85rem; }
        @media (max-width: 600px) {
          body { font-size: 15px; }
          header, main, footer { padding: 0 10px; }
          section { padding: 2px 12px 12px; border-radius: 8px; }
          dl.lens { grid-template-columns: 1fr; }
          dl.lens dt { margin-top: 6px; }
          th:nth-child(5), td:nth-child(5), th:nth-child(6), td:nth-child(6) { display: none; }
          svg.chart text { font-size: 20px; }
        }
        @media print {
          body { background: #fff; font-size: 11pt; }
          section { border: none; padding: 0; margin: 12pt 0; }
          figure.kr, ol.timeline li, tr { break-inside: avoid; }
          details.narrative > *:not(summary) { display: block; }
          a { color: inherit; text-decoration: none; }
          footer { color: #444; }
        }

        """
}

/// Escapes text for HTML and SVG content and attributes.
private func esc(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for c in s.unicodeScalars {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.unicodeScalars.append(c)
        }
    }
    return out
}
