import Foundation
import GoalSyncCore

/// The reading pages: the overview (the vision and the active goal) and the list of goals.
extension Pages {
    static func overview(_ snap: GoalIndex.Snapshot, today: SimpleDate, _ ctx: PageContext) -> String {
        var p = PageWriter()
        if let vision = snap.vision?.frontMatter["vision"]?.scalarText, !vision.isEmpty, Vision.isPlaceholder(vision, field: "vision") {
            // The text goalsync init wrote is not the team's vision: say how to write it instead.
            p.raw("<section aria-label=\"Vision\"><p class=\"muted\">No vision yet: write it in one sentence with <code>goalsync vision --set vision=\"…\"</code>.</p></section>")
        } else if let vision = snap.vision?.frontMatter["vision"]?.scalarText, !vision.isEmpty {
            p.raw("<section aria-label=\"Vision\"><p class=\"muted\">Vision</p><p>")
            p.text(vision)
            p.raw("</p></section>")
        } else if let problem = snap.visionProblem {
            p.raw("<p class=\"notice error\">")
            p.text(problem)
            p.raw("</p>")
        }
        if let doc = snap.vision { p.raw(northStar(Vision(document: doc))) }
        guard let active = snap.active else {
            p.raw("<h1>No goal is active</h1><p>Only one Product Goal is active at a time. ")
            let proposed = snap.entries.filter { $0.status == "proposed" }
            if proposed.isEmpty {
                p.raw("<a href=\"/new\">Write a goal</a>, propose it to the team, then activate it.</p>")
            } else {
                p.raw("These are proposed: open one to activate it.</p><ul>")
                for e in proposed.prefix(20) {
                    p.raw("<li><a href=\"\(goalLink(e.id))\">")
                    p.text(e.goal?.title ?? e.id)
                    p.raw("</a></li>")
                }
                p.raw("</ul>")
            }
            p.raw(counts(snap))
            return layout("Overview", ctx, current: "/", p.html)
        }
        let report = GoalReport(goal: active, today: today, cadenceDays: snap.config.cadenceDays)
        let id = active.id ?? ""
        p.raw("<p class=\"muted\">The active Product Goal</p><h1><a href=\"\(goalLink(id))\">")
        p.text(active.title ?? id)
        p.raw("</a></h1><p>")
        p.raw(statusBadge(report.status))
        if let start = active.timeframeStart?.description, let end = active.timeframeEnd?.description {
            p.raw(" <span class=\"muted\">")
            p.text("\(start) → \(end)")
            p.raw("</span>")
        }
        if let owner = active.owner {
            p.raw(" <span class=\"muted\">owner ")
            p.text(owner)
            p.raw("</span>")
        }
        p.raw("</p>")
        p.raw("<div class=\"row\"><div><label>Progress</label>")
        p.raw(bar(report.progress.overall))
        p.raw(" \(percent(report.progress.overall))</div>")
        p.raw("<div><label>Pace</label>")
        p.text(report.pace.map { paceText($0) } ?? (report.elapsed == nil ? "no timeframe" : "no check-in yet"))
        if let e = report.elapsed { p.text(" (\(percent(e)) of the time gone)") }
        p.raw("</div><div><label>Confidence</label>")
        p.raw(confidence(report.latestConfidence))
        if let t = report.trend { p.text(", \(t.rawValue)") }
        p.raw("</div><div><label>Last check-in</label>")
        if let days = report.daysSinceCheckin {
            p.raw(report.stale ? "<span class=\"warn\">" : "<span>")
            p.text("\(days) day\(days == 1 ? "" : "s") ago\(report.stale ? " (stale: every \(report.cadenceDays) days)" : "")")
            p.raw("</span>")
        } else {
            p.raw("<span class=\"warn\">none yet</span>")
        }
        p.raw("</div></div>")
        p.raw(keyResults(report))
        p.raw(timeline(report))
        p.raw(sprintGoals(active))
        p.raw(counts(snap))
        return layout("Overview", ctx, current: "/", p.html)
    }

    static func paceText(_ pace: GoalReport.Pace) -> String {
        switch pace {
        case .ahead: return "ahead"
        case .onPace: return "on pace"
        case .behind: return "behind"
        }
    }

    static func confidence(_ c: String?) -> String {
        guard let c else { return "<span class=\"muted\">not given</span>" }
        let cls = c == "on_track" ? "ok" : c == "at_risk" ? "warn" : "bad"
        return "<span class=\"\(cls)\">\(HTML.escape(c.replacingOccurrences(of: "_", with: " ")))</span>"
    }

    /// The strategy line and the North Star of VISION.md: its value (the latest check-in), from
    /// baseline to target, and its last check-ins with their notes.
    static func northStar(_ vision: Vision) -> String {
        var p = PageWriter()
        if let strategy = vision.strategy, !strategy.isEmpty, !Vision.isPlaceholder(strategy, field: "strategy") {
            p.raw("<section aria-label=\"Strategy\"><p class=\"muted\">Strategy</p><p>")
            p.text(strategy)
            p.raw("</p></section>")
        }
        guard let star = vision.northStar, let name = star.name else { return p.html }
        let unit = star.unit.map { " " + $0 } ?? ""
        let current = vision.current
        p.raw("<section id=\"north-star\" aria-label=\"North Star\"><p class=\"muted\">North Star</p><h2>")
        p.text(name)
        p.raw("</h2><p>")
        if let value = current?.value {
            p.text("\(number(value))\(unit)")
            if let on = current?.on { p.raw(" <span class=\"muted\">"); p.text("on \(on)"); p.raw("</span>") }
            let progress = MetricProgress.progress(direction: star.direction, baseline: star.baseline, target: star.target, current: value)
            if star.baseline != nil, star.target != nil, !(star.direction?.isGuardrail ?? false) {
                p.raw(" \(bar(progress)) \(percent(progress))")
            }
        } else {
            p.raw("<span class=\"muted\">no check-in yet</span>")
        }
        if star.baseline != nil || star.target != nil {
            p.raw(" <span class=\"muted\">")
            p.text("\(number(star.baseline)) → \(number(star.target))\(unit)")
            p.raw("</span>")
        }
        p.raw("</p>")
        let recent = vision.datedCheckins.suffix(3).reversed()
        if !recent.isEmpty {
            p.raw("<ul class=\"timeline\">")
            for c in recent {
                p.raw("<li>")
                p.text("\(c.on?.description ?? "?") · \(number(c.value))\(unit)")
                if let note = c.note, !note.isEmpty { p.raw(" — "); p.text(note) }
                p.raw("</li>")
            }
            p.raw("</ul>")
        }
        p.raw("</section>")
        return p.html
    }

    /// The key results (progress toward the goal) and, apart, the guardrails (stay_above /
    /// stay_below: met or breached, never part of the progress).
    static func keyResults(_ report: GoalReport) -> String {
        var p = PageWriter()
        let directions = Dictionary(report.goal.metrics.map { ($0.id, $0.direction) }, uniquingKeysWith: { a, _ in a })
        let keyResults = report.metrics.filter { !(directions[$0.progress.id]??.isGuardrail ?? false) }
        let guardrails = report.metrics.filter { directions[$0.progress.id]??.isGuardrail ?? false }
        p.raw("<h2>Key results</h2>")
        if keyResults.isEmpty {
            p.raw("<p class=\"muted\">No key result yet: add a metric on the goal's page.</p>")
        } else {
            p.raw("<div class=\"scroll\"><table><thead><tr><th>Key result</th><th>Baseline → current → target</th><th>Progress</th><th class=\"hide-small\">Pace</th><th class=\"hide-small\">Confidence</th></tr></thead><tbody>")
            for m in keyResults {
                let mp = m.progress
                p.raw("<tr><td>")
                p.text(mp.name ?? mp.id)
                p.raw("</td><td>")
                p.text("\(number(mp.baseline)) → \(number(mp.current)) → \(number(mp.target))\(mp.unit.map { " " + $0 } ?? "")")
                p.raw("</td><td>\(bar(mp.progress)) \(percent(mp.progress))</td><td class=\"hide-small\">")
                p.text(m.pace.map(paceText) ?? "–")
                p.raw("</td><td class=\"hide-small\">\(confidence(mp.confidence))</td></tr>")
            }
            p.raw("</tbody></table></div>")
        }
        if !guardrails.isEmpty {
            p.raw("<h2>Guardrails</h2><div class=\"scroll\"><table><thead><tr><th>Guardrail</th><th>Current</th><th>Must stay</th><th>State</th></tr></thead><tbody>")
            for m in guardrails {
                let mp = m.progress
                p.raw("<tr><td>")
                p.text(mp.name ?? mp.id)
                p.raw("</td><td>")
                p.text(number(mp.current) + (mp.unit.map { " " + $0 } ?? ""))
                p.raw("</td><td>")
                p.text("\(mp.direction == "stay_below" ? "below" : "above") \(number(mp.target))")
                switch mp.guardrailState {
                case "breached"?: p.raw("</td><td><span class=\"bad\">breached</span></td></tr>")
                case "held"?: p.raw("</td><td><span class=\"ok\">held</span></td></tr>")
                default: p.raw("</td><td><span class=\"muted\">no check-in yet</span></td></tr>")
                }
            }
            p.raw("</tbody></table></div>")
        }
        return p.html
    }

    /// Every check-in, newest first.
    static func timeline(_ report: GoalReport) -> String {
        var p = PageWriter()
        let names = Dictionary(report.goal.metrics.map { ($0.id, $0.name ?? $0.id) }, uniquingKeysWith: { a, _ in a })
        let all = report.goal.checkins.sorted { ($0.on?.description ?? "") > ($1.on?.description ?? "") }
        p.raw("<h2>Check-ins</h2>")
        if all.isEmpty { p.raw("<p class=\"muted\">No check-in yet.</p>"); return p.html }
        p.raw("<ul class=\"plain\">")
        for c in all.prefix(50) {
            p.raw("<li><strong>")
            p.text(c.on?.description ?? "no date")
            p.raw("</strong> ")
            p.text("\(names[c.metric ?? ""] ?? c.metric ?? "?") = \(number(c.value))")
            if c.confidence != nil { p.raw(" · \(confidence(c.confidence?.rawValue))") }
            if let by = c.by {
                p.raw(" <span class=\"muted\">by ")
                p.text(by)
                p.raw("</span>")
            }
            if let note = c.note {
                p.raw("<br>")
                p.text(note)
            }
            p.raw("</li>")
        }
        p.raw("</ul>")
        return p.html
    }

    static func sprintGoals(_ goal: Goal) -> String {
        let items = goal["sprint_goals"]?.list ?? []
        var p = PageWriter()
        p.raw("<h2>Sprint goals</h2>")
        if items.isEmpty { p.raw("<p class=\"muted\">No sprint goal yet.</p>"); return p.html }
        p.raw("<ul class=\"plain\">")
        for item in items {
            let m = item.map
            p.raw("<li><strong>")
            p.text(m?["sprint"]?.scalarText ?? "?")
            p.raw("</strong> ")
            p.text(m?["goal"]?.scalarText ?? "")
            if let s = m?["status"]?.scalarText {
                p.raw(" ")
                p.raw(statusBadge(s))
            }
            p.raw("</li>")
        }
        p.raw("</ul>")
        return p.html
    }

    static func counts(_ snap: GoalIndex.Snapshot) -> String {
        let byStatus = snap.counts
        var p = PageWriter()
        p.raw("<h2>All goals</h2><p>")
        for s in GoalStatus.allCases.map(\.rawValue) + ["unreadable"] {
            guard let n = byStatus[s] else { continue }
            p.raw("<a href=\"/goals?status=\(s)\">\(n) \(s)</a> &nbsp; ")
        }
        p.raw("<a href=\"/goals\">see all \(snap.entries.count)</a></p>")
        return p.html
    }

    /// The most rows the list shows at once; a search narrows it.
    static let listLimit = 300

    /// The ordered list of goals by status, with a search (id, title, owner, tags) and a filter.
    static func goalList(_ snap: GoalIndex.Snapshot, query: String, status: String?, _ ctx: PageContext) -> String {
        var p = PageWriter()
        p.raw("<h1>Goals</h1><form method=\"get\" action=\"/goals\" class=\"row\" role=\"search\"><div><label for=\"q\">Search</label>")
        p.raw("<input type=\"search\" id=\"q\" name=\"q\" value=\"\(HTML.attribute(query))\" placeholder=\"title, id, owner, tag\"></div>")
        p.raw("<div><label for=\"status\">Status</label><select id=\"status\" name=\"status\"><option value=\"\">any</option>")
        for s in GoalStatus.allCases.map(\.rawValue) {
            p.raw("<option\(s == status ? " selected" : "")>\(s)</option>")
        }
        p.raw("</select></div><div><label>&nbsp;</label><button type=\"submit\">Show</button></div></form>")
        let needle = query.lowercased()
        let matches = snap.entries.filter { e in
            if let status, !status.isEmpty, e.status != status { return false }
            guard !needle.isEmpty else { return true }
            if e.id.lowercased().contains(needle) { return true }
            guard let g = e.goal else { return false }
            return (g.title ?? "").lowercased().contains(needle) || (g.owner ?? "").lowercased().contains(needle)
                || g.textList("tags").contains { $0.lowercased().contains(needle) }
        }
        p.raw("<p class=\"muted\">\(matches.count) goal\(matches.count == 1 ? "" : "s")\(matches.count > listLimit ? ", the first \(listLimit) shown: search to narrow" : "")</p>")
        p.raw("<div class=\"scroll\"><table><thead><tr><th>Goal</th><th>Status</th><th class=\"hide-small\">Owner</th><th>Progress</th></tr></thead><tbody>")
        for e in matches.prefix(listLimit) {
            p.raw("<tr><td><a href=\"\(goalLink(e.id))\">")
            p.text(e.goal?.title ?? e.id)
            p.raw("</a><br><span class=\"muted\">")
            p.text(e.id)
            p.raw("</span>")
            if let problem = e.problem {
                p.raw("<br><span class=\"bad\">")
                p.text(problem)
                p.raw("</span>")
            }
            p.raw("</td><td>\(statusBadge(e.status))</td><td class=\"hide-small\">")
            p.text(e.goal?.owner ?? "")
            p.raw("</td><td>")
            if let g = e.goal, !g.metrics.isEmpty {
                let progress = GoalProgress(goal: g).overall
                p.raw("\(bar(progress)) \(percent(progress))")
            }
            p.raw("</td></tr>")
        }
        p.raw("</tbody></table></div>")
        return layout("Goals", ctx, current: "/goals", p.html)
    }
}
