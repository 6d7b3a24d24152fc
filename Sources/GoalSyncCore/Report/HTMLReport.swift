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
            </header>
            <main>

            """
        h += visionSection()
        h += activeSection()
        if let a = report.active {
            h += sprintSection(a)
            h += checkinSection(a)
        }
        h += frameworkSection()
        h += goalsSection()
        if report.active != nil {
            h += historySection()
            h += contributorsSection()
        }
        h += """
            </main>
            <footer>Made by goalsync from the goal files and their git history. Every value above is in the repository.</footer>
            <script>document.body.dataset.ready = "1"; window.addEventListener("beforeprint", () => document.querySelectorAll("details").forEach(d => { d.open = true; }));</script>
            </body>
            </html>

            """
        return h
    }

    // MARK: Sections

    /// The vision, the strategy and the North Star, first: every goal below is a step toward them.
    private func visionSection() -> String {
        var h = "<section id=\"vision\">\n<h2>Vision</h2>\n"
        guard let doc = report.vision else {
            return h + "<p class=\"empty\">VISION.md is missing or cannot be read: write it with <code>goalsync vision --set vision='…'</code>.</p>\n</section>\n"
        }
        let v = Vision(document: doc)
        func line(_ field: String, _ text: String?, cls: String) -> String {
            guard let text, !text.isEmpty else {
                return field == "strategy" ? "<p class=\"empty\">No strategy yet: <code>goalsync vision --set strategy='…'</code></p>\n" : ""
            }
            if Vision.isPlaceholder(text, field: field) {
                return "<p class=\"\(cls) placeholder\">\(esc(text)) <strong class=\"warn\">(placeholder: not written yet; <code>goalsync vision --set \(field)='…'</code>)</strong></p>\n"
            }
            return "<p class=\"\(cls)\">\(esc(text))</p>\n"
        }
        h += line("vision", v.statement, cls: "vision")
        h += "<p class=\"label\">Strategy</p>\n" + line("strategy", v.strategy, cls: "strategy")
        h += northStar(v)
        let body = Self.markdown(doc.body)
        if !body.isEmpty { h += "<details class=\"narrative\"><summary>The vision's narrative</summary>\(body)</details>\n" }
        return h + "</section>\n"
    }

    private func northStar(_ v: Vision) -> String {
        var h = "<div id=\"north-star\" class=\"northstar\">\n<p class=\"label\">North Star</p>\n"
        guard let ns = v.northStar, let name = ns.name, !name.isEmpty else {
            return h + "<p class=\"empty\">No North Star yet: <code>goalsync vision --set north_star.name='…' --set north_star.unit=…</code></p>\n</div>\n"
        }
        let unit = ns.unit.map { " " + esc($0) } ?? ""
        h += "<p class=\"ns-name\"><strong>\(esc(name))</strong>"
        if let f = ns.framework { h += " <span class=\"tag\">\(f.families.joined(separator: "/")) · \(esc(f.label))</span>" }
        h += "</p>\n"
        if let c = v.current {
            h += "<p class=\"ns-value\"><span class=\"big\">\(num(c.value))</span>\(unit) <span class=\"muted\">on \(c.on.map(\.description) ?? "?")</span></p>\n"
        } else {
            h += "<p class=\"ns-value empty\">no check-in yet: <code>goalsync vision checkin VALUE</code></p>\n"
        }
        var facts = [String]()
        if let b = ns.baseline { facts.append("baseline \(num(b))\(unit)") }
        if let t = ns.target { facts.append("target \(num(t))\(unit)") }
        if let b = ns.baseline, let t = ns.target, t != b, let cur = v.current?.value {
            let share = (cur - b) / (t - b)
            facts.append("\(pct(share)) of the way")
            h += "<div class=\"rollup\">\(bar(share))</div>\n"
        }
        if !facts.isEmpty { h += "<p class=\"facts\">\(facts.joined(separator: " · "))</p>\n" }
        let checkins = v.datedCheckins
        if !checkins.isEmpty {
            h += "<ol class=\"timeline compact\">\n"
            for c in checkins.reversed().prefix(6) {
                h += "<li><time>\(c.on.map(\.description) ?? "")</time> <strong>\(num(c.value))\(unit)</strong>"
                if let by = c.by { h += " · \(esc(Self.personName(by)))" }
                if let note = c.note, !note.isEmpty { h += "<br><span class=\"note-text\">\(esc(note))</span>" }
                h += "</li>\n"
            }
            h += "</ol>\n"
        }
        return h + "</div>\n"
    }

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
        if let owner = g.owner { meta.append("owner \(esc(Self.personName(owner)))") }
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
        for (label, key) in [("For whom", "persona"), ("Problem", "problem"), ("Why it matters", "why"), ("Moves the North Star", "moves_north_star")] {
            if let v = g[key]?.scalarText { h += "<dt>\(label)</dt><dd>\(esc(v))</dd>\n" }
        }
        for (label, key) in [("Proof", "proof"), ("Assumptions", "assumptions")] {
            let items = g.textList(key)
            if !items.isEmpty { h += "<dt>\(label)</dt><dd><ul>\(items.map { "<li>\(esc($0))</li>" }.joined())</ul></dd>\n" }
        }
        h += "</dl>\n"
        let (results, guardrails) = Self.split(a.metrics)
        h += "<div id=\"key-results\">\n<h3>Key results</h3>\n<div class=\"krs\">\n"
        for m in results { h += keyResult(m, goal: a) }
        if results.isEmpty { h += "<p class=\"empty\">No key result yet: add one with <code>goalsync add \(esc(g.id ?? "ID")) metrics '{id: …}'</code>.</p>\n" }
        h += "</div>\n</div>\n"
        if !guardrails.isEmpty {
            h += "<div id=\"guardrails\">\n<h3>Guardrails</h3>\n<p class=\"note\">Limits the team holds while it pursues the key results; they do not add to progress.</p>\n<div class=\"krs\">\n"
            for m in guardrails { h += keyResult(m, goal: a) }
            h += "</div>\n</div>\n"
        }
        let body = Self.markdown(g.body)
        if !body.isEmpty { h += "<details class=\"narrative\"><summary>The goal's narrative</summary>\(body)</details>\n" }
        return h + "</section>\n"
    }

    /// Key results and guardrails (`stay_above`/`stay_below`), each in the goal's order.
    package static func split(_ metrics: [GoalReport.MetricReport]) -> (results: [GoalReport.MetricReport], guardrails: [GoalReport.MetricReport]) {
        func isGuardrail(_ m: GoalReport.MetricReport) -> Bool { m.progress.direction.flatMap(MetricDirection.init(rawValue:))?.isGuardrail ?? false }
        return (metrics.filter { !isGuardrail($0) }, metrics.filter(isGuardrail))
    }

    /// Whether a guardrail's latest value is on the wrong side of its limit (nil: not known yet).
    package static func isBreached(_ p: MetricProgress) -> Bool? { p.guardrail ? p.breached : nil }

    private func keyResult(_ m: GoalReport.MetricReport, goal: GoalReport) -> String {
        let p = m.progress
        let unit = p.unit.map { " " + esc($0) } ?? ""
        let direction = p.direction.flatMap(MetricDirection.init(rawValue:))
        let guardrail = direction?.isGuardrail ?? false
        let breached = Self.isBreached(p)
        var h = "<figure class=\"kr\(guardrail ? " guardrail" : "")\(breached == true ? " breached" : "")\">\n<figcaption><strong>\(esc(p.name ?? p.id))</strong> <code>\(esc(p.id))</code>"
        if let f = goal.goal.metricFramework(p.id) { h += " <span class=\"tag\">\(f.families.joined(separator: "/")) · \(esc(f.label))</span>" }
        h += "<br>"
        if guardrail {
            h += "stay \(direction == .stayAbove ? "above" : "below") \(num(p.target))\(unit) · now <strong>\(num(p.current))</strong>\(p.current == nil ? "" : unit)"
            switch breached {
            case true?: h += " <span class=\"badge breached\">breached</span>"
            case false?: h += " <span class=\"badge held\">held</span>"
            case nil: h += " · <span class=\"muted\">no check-in yet</span>"
            }
        } else {
            h += "\(num(p.baseline)) → <strong>\(num(p.current))</strong> → \(num(p.target))\(unit) · "
            if p.current == nil {
                h += "<span class=\"muted\">no check-in yet</span>"
            } else {
                h += pct(p.progress)
                if let d = p.direction, d != "increase" { h += " · \(esc(d.replacingOccurrences(of: "_", with: " ")))" }
                h += badge(m.pace)
            }
        }
        if let c = p.confidence { h += " · \(esc(c.replacingOccurrences(of: "_", with: " ")))" + (m.trend.map { " (\($0.rawValue))" } ?? "") }
        h += "</figcaption>\n"
        h += chart(m, start: goal.goal.timeframeStart, end: goal.goal.timeframeEnd)
        return h + "</figure>\n"
    }

    /// The active goal's sprint goals with their status.
    private func sprintSection(_ a: GoalReport) -> String {
        var h = "<section id=\"sprints\">\n<h2>Sprint goals</h2>\n"
        let items = (a.goal["sprint_goals"]?.list ?? []).compactMap(\.map)
        guard !items.isEmpty else {
            return h + "<p class=\"empty\">No sprint goal yet: <code>goalsync add \(esc(a.goal.id ?? "ID")) sprint_goals '{sprint: …, goal: …, status: planned}'</code></p>\n</section>\n"
        }
        h += "<ol class=\"sprints\">\n"
        for m in items {
            let status = m["status"]?.scalarText ?? "planned"
            h += "<li><span class=\"badge sprint \(esc(status))\">\(esc(status.replacingOccurrences(of: "_", with: " ")))</span> <strong>\(esc(m["sprint"]?.scalarText ?? "?"))</strong> \(esc(m["goal"]?.scalarText ?? ""))</li>\n"
        }
        return h + "</ol>\n</section>\n"
    }

    /// Every check-in of the active goal, newest first, with its note in full.
    private func checkinSection(_ a: GoalReport) -> String {
        var h = "<section id=\"checkins\">\n<h2>Check-ins</h2>\n"
        let names = Dictionary(a.goal.metrics.map { ($0.id, $0) }, uniquingKeysWith: { x, _ in x })
        let checkins = a.goal.checkins.enumerated().sorted { ($0.element.on?.dayNumber ?? 0, $0.offset) > ($1.element.on?.dayNumber ?? 0, $1.offset) }.map(\.element)
        guard !checkins.isEmpty else {
            return h + "<p class=\"empty\">No check-in yet: <code>goalsync checkin \(esc(a.goal.id ?? "ID")) METRIC VALUE --note '…'</code></p>\n</section>\n"
        }
        // A corrected check-in stays in the timeline, marked; its correction says which it replaces.
        let effective = Swift.Set(a.goal.effectiveCheckins.map(\.id))
        h += "<ol class=\"timeline\">\n"
        for c in checkins {
            let metric = c.metric.flatMap { names[$0] }
            let unit = metric?.unit.map { " " + esc($0) } ?? ""
            let superseded = !effective.contains(c.id)
            h += "<li class=\"checkin\(superseded ? " superseded" : "")\"><time>\(c.on.map(\.description) ?? "?")</time> <strong>\(esc(metric?.name ?? c.metric ?? "?"))</strong> at <strong>\(superseded ? "<s>" : "")\(num(c.value))\(c.value == nil ? "" : unit)\(superseded ? "</s>" : "")</strong>"
            if superseded { h += " <span class=\"badge corrected\">corrected</span>" }
            if let old = c.supersedes { h += " · corrects <code>\(esc(old))</code>" }
            if let conf = c.confidence { h += " <span class=\"badge conf \(conf.rawValue)\">\(conf.rawValue.replacingOccurrences(of: "_", with: " "))</span>" }
            if let by = c.by { h += " · \(esc(Self.personName(by)))" }
            if let note = c.note, !note.isEmpty { h += "<p class=\"note-text\">\(esc(note))</p>" }
            h += "</li>\n"
        }
        return h + "</ol>\n</section>\n"
    }

    /// The key results of every goal not closed, grouped by framework category (HEART, AARRR, EBM).
    private func frameworkSection() -> String {
        var groups = [(MetricFramework, [(goal: String, metric: String)])]()
        for f in MetricFramework.allCases {
            var rows = [(goal: String, metric: String)]()
            for g in report.goals where !(g.goal.status?.isFinal ?? false) {
                for m in g.goal.metrics where g.goal.metricFramework(m.id) == f {
                    rows.append((g.title ?? g.id ?? "?", m.name ?? m.id))
                }
            }
            if !rows.isEmpty { groups.append((f, rows)) }
        }
        guard !groups.isEmpty else { return "" }
        var h = "<section id=\"frameworks\">\n<h2>Key results by framework</h2>\n"
        for family in ["HEART", "AARRR", "EBM"] {
            let mine = groups.filter { $0.0.families.first == family }
            guard !mine.isEmpty else { continue }
            h += "<h3>\(family == "EBM" ? "Evidence-Based Management" : family)</h3>\n<dl class=\"frameworks\">\n"
            for (f, rows) in mine {
                h += "<dt>\(esc(f.label))\(f.families.count > 1 ? " <small>(\(f.families.joined(separator: ", ")))</small>" : "")</dt>"
                h += "<dd><ul>\(rows.map { "<li>\(esc($0.metric)) <span class=\"muted\">— \(esc($0.goal))</span></li>" }.joined())</ul></dd>\n"
            }
            h += "</dl>\n"
        }
        return h + "</section>\n"
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

    /// The active goal's history, oldest first, as sentences.
    private func historySection() -> String {
        var h = "<section id=\"history\">\n<h2>How the goal was co-created</h2>\n<ol class=\"timeline\">\n"
        for e in timeline.reversed() {
            let sentences = HistorySentence.sentences(e)
            h += "<li><time datetime=\"\(e.commit.author.isoTime)\">\(e.commit.author.date)</time> "
            h += sentences.count == 1 ? esc(sentences[0]) : "<ul>\(sentences.map { "<li>\(esc($0))</li>" }.joined())</ul>"
            h += "</li>\n"
        }
        h += "</ol>\n"
        if isShallow { h += "<p class=\"note\">This clone is shallow: the history before its oldest commit is not shown.</p>\n" }
        return h + "</section>\n"
    }

    private func contributorsSection() -> String {
        var h = "<section id=\"contributors\">\n<h2>Who took part</h2>\n"
        guard let people = contributors?.people, !people.isEmpty else { return h + "<p class=\"empty\">No history yet.</p>\n</section>\n" }
        h += "<div class=\"scroll\"><table>\n<thead><tr><th>Person</th><th>How</th><th>Commits</th><th>Check-ins</th><th>First</th><th>Last</th></tr></thead>\n<tbody>\n"
        for p in people {
            let fields = p.fields.isEmpty ? "" : "<br><small>edited \(esc(p.fields.sorted().joined(separator: ", ")))</small>"
            h += "<tr><td>\(esc(p.name))</td><td>\(esc(p.roles.joined(separator: ", ")))\(fields)</td><td>\(p.commits)</td><td>\(p.checkins)</td><td>\(p.first)</td><td>\(p.last)</td></tr>\n"
        }
        return h + "</tbody>\n</table></div>\n</section>\n"
    }

    /// "Ana Ruiz <ana@example.com>" → "Ana Ruiz".
    static func personName(_ s: String) -> String {
        guard let open = s.lastIndex(of: "<"), s.hasSuffix(">") else { return s }
        let name = s[..<open].trimmingCharacters(in: .whitespaces)
        return name.isEmpty ? s : name
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
        let guardrail = p.direction.flatMap(MetricDirection.init(rawValue:))?.isGuardrail ?? false
        let label = "\(p.name ?? p.id): \(points.count) check-in\(points.count == 1 ? "" : "s"), baseline \(num(p.baseline)), \(guardrail ? "limit" : "target") \(num(p.target))\(p.unit.map { " " + $0 } ?? "")"
        var s = "<svg class=\"chart\" viewBox=\"0 0 \(Int(w)) \(Int(hgt))\" role=\"img\" aria-label=\"\(esc(label))\" xmlns=\"http://www.w3.org/2000/svg\">\n"
        s += "<rect class=\"plot\" x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(w - left - right))\" height=\"\(f(hgt - top - bottom))\"/>\n"
        for (v, cls, name) in [(p.baseline, "baseline", "baseline"), (p.target, guardrail ? "limit" : "target", guardrail ? "limit" : "target")] {
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
        .kicker, .meta, .facts, footer, .note, .empty, .muted { color: var(--muted); }
        body { overflow-wrap: break-word; }
        th, td { overflow-wrap: normal; }
        td:nth-child(n+3) { white-space: nowrap; }
        code { overflow-wrap: anywhere; word-break: break-word; }
        .vision { font-size: 1.25rem; font-style: italic; margin: .5rem 0; }
        .label { font-size: .8rem; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 1rem 0 .1rem; }
        .strategy { margin: 0 0 .5rem; }
        .placeholder { color: var(--muted); }
        .northstar { border-top: 1px solid var(--line); margin-top: .75rem; }
        .ns-name { margin: .1rem 0; font-size: 1.1rem; }
        .ns-value { margin: .1rem 0; }
        .big { font-size: 2rem; font-weight: 700; font-variant-numeric: tabular-nums; }
        .tag { display: inline-block; font-size: .75rem; padding: 0 6px; border-radius: 4px; background: #eef1f6; color: var(--muted); white-space: nowrap; }
        .note-text { margin: 2px 0 0; white-space: pre-wrap; }
        .scroll { overflow-x: auto; max-width: 100%; }
        figure.kr.guardrail { border-style: dashed; }
        figure.kr.breached { border-color: var(--warn); }
        .badge.breached, .badge.missed, .badge.off_track { color: var(--warn); }
        .badge.held, .badge.done, .badge.on_track { color: var(--good); }
        .badge.in_progress, .badge.at_risk { color: var(--amber); }
        .badge.planned { color: var(--muted); }
        ol.sprints { list-style: none; padding-left: 0; }
        ol.sprints li { margin: 6px 0; }
        dl.frameworks { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 4px 16px; }
        dl.frameworks dt { font-weight: 600; }
        dl.frameworks dd { margin: 0; }
        dl.frameworks ul, ol.timeline ul { margin: 0; padding-left: 1.1rem; }
        ol.timeline.compact li { margin: 2px 0; }
        section { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 4px 20px 16px; margin: 20px 0; }
        code { font: .85em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #eef1f6; padding: 1px 4px; border-radius: 4px; }
        .rollup { display: flex; flex-wrap: wrap; align-items: center; gap: 10px; }
        .bar { display: inline-block; width: 220px; max-width: 100%; height: 12px; background: #e6e9ef; border-radius: 6px; overflow: hidden; }
        .bar > span { display: block; height: 100%; background: var(--accent); }
        .badge { display: inline-block; font-size: .8rem; padding: 1px 8px; border-radius: 10px; border: 1px solid currentColor; }
        .badge.ahead, .badge.on_pace { color: var(--good); }
        .badge.behind { color: var(--warn); }
        .warn { color: var(--warn); }
        dl.lens { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 6px 16px; }
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
        svg.chart line.limit { stroke: var(--amber); stroke-dasharray: 8 3; }
        svg.chart text.limit { fill: var(--amber); }
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
        ol.timeline > li { padding-left: 14px; position: relative; }
        ol.timeline > li::before { content: ""; position: absolute; left: -6px; top: .55em; width: 10px; height: 10px; border-radius: 50%; background: var(--accent); }
        ol.timeline time { color: var(--muted); font-variant-numeric: tabular-nums; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
        td:nth-child(3), td:nth-child(4) { text-align: right; }
        footer { padding: 12px 20px 32px; font-size: .85rem; }
        @media (max-width: 600px) {
          body { font-size: 15px; }
          header, main, footer { padding: 0 10px; }
          section { padding: 2px 12px 12px; border-radius: 8px; }
          dl.lens, dl.frameworks { grid-template-columns: minmax(0, 1fr); }
          .big { font-size: 1.6rem; }
          dl.lens dt { margin-top: 6px; }
          th:nth-child(5), td:nth-child(5), th:nth-child(6), td:nth-child(6) { display: none; }
          svg.chart text { font-size: 20px; }
        }
        @media print {
          body { background: #fff; font-size: 11pt; }
          section { border: none; padding: 0; margin: 12pt 0; }
          figure.kr, ol.timeline li, tr, .northstar { break-inside: avoid; }
          h2, h3 { break-after: avoid; }
          .scroll { overflow: visible; }
          @page { margin: 14mm; }
          details.narrative > *:not(summary) { display: block; }
          a { color: inherit; text-decoration: none; }
          footer { color: #444; }
        }

        """
}

/// Text made safe for HTML and SVG: `&`, `<`, `>`, `"` and `'` as entities, so it is safe in element
/// content and in quoted attributes. The one escaper of the HTML report and of `goalsync serve`.
package enum HTMLText {
    package static func escape(_ s: String) -> String {
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
}

/// Escapes text for HTML and SVG content and attributes.
private func esc(_ s: String) -> String { HTMLText.escape(s) }
