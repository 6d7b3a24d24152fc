import Foundation
import GoalSyncCore

/// One goal's page: its fields (each form carries the version it shows), its lists, key results and
/// check-ins, the moves its status can make, and its history in the sentences of `goalsync log`.
struct GoalPageModel: Sendable {
    var goal: Goal
    var id: String
    var version: String
    var history: [GoalLogEntry]
    var historyShallow: Bool
    var findings: [Diagnostic]
    var otherActive: [String]
    var today: SimpleDate
    var cadenceDays: Int
}

extension Pages {
    /// The fields of the "Edit the goal" form, with their labels, in the canonical order.
    static let editableFields: [(field: String, label: String, kind: String)] = [
        ("title", "Title (the outcome)", "text"), ("owner", "Owner (Name <email>)", "text"),
        ("persona", "Who is it for", "text"), ("problem", "What problem does it solve for them", "text"),
        ("why", "Why do we care", "text"), ("timeframe.start", "Starts", "date"), ("timeframe.end", "Ends", "date"),
        ("order", "Order", "number"), ("cadence_days", "Check-in every (days)", "number"),
    ]

    static func fieldText(_ goal: Goal, _ field: String) -> String { GoalEditor.text(of: field, in: goal) }

    static func goalPage(_ m: GoalPageModel, notice: String?, errors: FormErrors?, conflict: StaleEditConflict?, _ ctx: PageContext) -> String {
        var p = PageWriter()
        let goal = m.goal, id = m.id
        let base = goalLink(id)
        func form(_ action: String, _ name: String, cls: String = "card") -> String {
            "<form method=\"post\" action=\"\(base)/\(action)\" class=\"\(cls)\" data-form=\"\(name)\">" + hidden("csrf", ctx.csrf) + hidden("version", m.version)
        }
        // Errors of a form this page does not show (a check-in on a goal without key results) go at the top.
        var shown = Set<String>()
        func errorsFor(_ name: String) -> FormErrors? {
            shown.insert(name)
            return errors?.form == name ? errors : nil
        }
        func general(_ name: String) -> String {
            guard let e = errorsFor(name) else { return "" }
            // The status forms are small: their field errors (the reason) show at the top too.
            let messages = e.general + (name == "status" ? e.fields.sorted { $0.key < $1.key }.map(\.value) : [])
            return messages.map { "<p class=\"notice error\" role=\"alert\">\(HTML.escape($0))</p>" }.joined()
        }
        func value(_ name: String, _ field: String, _ shown: String) -> String {
            errorsFor(name)?.values[field] ?? shown
        }
        func fieldError(_ name: String, _ field: String) -> String {
            guard let msg = errorsFor(name)?.fields[field] else { return "" }
            return "<p class=\"field-error\" id=\"err-\(HTML.attribute(field))\" role=\"alert\">\(HTML.escape(msg))</p>"
        }

        p.raw("<p class=\"muted\">")
        p.text(id)
        p.raw("</p><h1>")
        p.text(goal.title ?? id)
        p.raw("</h1><p>\(statusBadge(goal["status"]?.scalarText))</p>")
        if let notice {
            p.raw("<p class=\"notice ok\" role=\"status\">")
            p.text(notice)
            p.raw("</p>")
        }
        if let conflict {
            p.raw("<div class=\"notice error\" role=\"alert\"><p>")
            p.text(conflict.errorDescription ?? "")
            p.raw("</p>")
            if !conflict.conflicts.isEmpty {
                p.raw("<table><thead><tr><th>Field</th><th>When you loaded the page</th><th>Your edit</th><th>Now</th></tr></thead><tbody>")
                for c in conflict.conflicts {
                    p.raw("<tr><td>")
                    p.text(c.field)
                    for v in [c.base, c.ours, c.theirs] {
                        p.raw("</td><td>")
                        p.text(v ?? "(none)")
                    }
                    p.raw("</td></tr>")
                }
                p.raw("</tbody></table>")
            }
            p.raw("</div>")
        }
        if let closed = goal["closed"]?.map {
            p.raw("<p>Closed on ")
            p.text(closed["on"]?.scalarText ?? "?")
            p.raw(": ")
            p.text(closed["reason"]?.scalarText ?? "")
            p.raw("</p>")
        }

        // Status moves.
        p.raw("<h2>Status</h2>")
        p.raw(general("status"))
        switch goal.status {
        case .draft?:
            p.raw(form("status", "status", cls: "inline") + hidden("to", "proposed") + "<button type=\"submit\">Propose to the team</button></form>")
        case .proposed?:
            p.raw(form("activate", "status") + hidden("seen", "proposed"))
            if !m.otherActive.isEmpty {
                p.raw("<p>")
                p.text("\(m.otherActive.joined(separator: ", ")) is active: only one goal is active at a time. Say how it ends:")
                p.raw("</p><label for=\"close\">The active goal is</label><select id=\"close\" name=\"close\"><option>achieved</option><option>abandoned</option></select>")
                p.raw("<label for=\"activate-reason\">Why</label><input type=\"text\" id=\"activate-reason\" name=\"reason\" required>")
            }
            p.raw("<button type=\"submit\">Activate</button></form>")
            p.raw(form("status", "status", cls: "inline") + hidden("to", "draft") + "<button type=\"submit\" class=\"secondary\">Back to draft</button></form>")
        case .active?:
            p.raw(form("status", "status") + "<label for=\"close-to\">Close the goal as</label><select id=\"close-to\" name=\"to\"><option value=\"achieved\">achieved</option><option value=\"abandoned\">abandoned</option></select>")
            p.raw("<label for=\"close-reason\">Why</label><input type=\"text\" id=\"close-reason\" name=\"reason\" required><button type=\"submit\">Close the goal</button></form>")
        default:
            p.raw("<p class=\"muted\">A closed goal is final; write a new goal to pursue it again.</p>")
        }
        if goal.status == .proposed || goal.status == .draft {
            p.raw(form("status", "status") + hidden("to", "abandoned") + "<label for=\"abandon-reason\">Abandon it: why</label><input type=\"text\" id=\"abandon-reason\" name=\"reason\" required><button type=\"submit\" class=\"danger\">Abandon</button></form>")
        }
        if goal.status == .draft {
            // `goalsync rm`: only a draft can be removed (any other goal stays as the team's record).
            p.raw(form("rm", "rm", cls: "inline") + "<button type=\"submit\" class=\"danger\">Remove this draft</button></form>")
        }

        // Key results and check-ins.
        let report = GoalReport(goal: goal, today: m.today, cadenceDays: m.cadenceDays)
        p.raw(keyResults(report))
        p.raw(form("metrics", "metric") + "<strong>Add a metric</strong>" + general("metric") + "<div class=\"row\">")
        for (f, label) in [("id", "Id (letters, digits, -)"), ("name", "Name"), ("unit", "Unit"), ("baseline", "Baseline"), ("target", "Target"), ("source", "Source")] {
            p.raw("<div><label for=\"metric-\(f)\">\(label)</label><input type=\"text\" id=\"metric-\(f)\" name=\"\(f)\" value=\"\(HTML.attribute(value("metric", f, "")))\">\(fieldError("metric", "metrics.\(f)"))</div>")
        }
        p.raw("<div><label for=\"metric-direction\">Direction</label><select id=\"metric-direction\" name=\"direction\">")
        for d in MetricDirection.allCases.map(\.rawValue) {
            p.raw("<option\(value("metric", "direction", "increase") == d ? " selected" : "")>\(d)</option>")
        }
        p.raw("</select></div></div><button type=\"submit\">Add the metric</button></form>")

        if !goal.metrics.isEmpty, !(goal.status?.isFinal ?? false) {
            p.raw(form("checkin", "checkin") + "<strong>Record a check-in</strong>" + general("checkin") + "<div class=\"row\"><div><label for=\"checkin-metric\">Key result</label><select id=\"checkin-metric\" name=\"metric\">")
            for metric in goal.metrics {
                p.raw("<option value=\"\(HTML.attribute(metric.id))\"\(value("checkin", "metric", "") == metric.id ? " selected" : "")>")
                p.text(metric.name ?? metric.id)
                p.raw("</option>")
            }
            p.raw("</select></div><div><label for=\"checkin-value\">Value</label><input type=\"text\" inputmode=\"decimal\" id=\"checkin-value\" name=\"value\" required value=\"\(HTML.attribute(value("checkin", "value", "")))\">\(fieldError("checkin", "value"))</div>")
            p.raw("<div><label for=\"checkin-confidence\">Confidence</label><select id=\"checkin-confidence\" name=\"confidence\"><option value=\"\">not given</option>")
            for c in Confidence.allCases.map(\.rawValue) {
                p.raw("<option value=\"\(c)\"\(value("checkin", "confidence", "") == c ? " selected" : "")>\(c.replacingOccurrences(of: "_", with: " "))</option>")
            }
            p.raw("</select></div><div><label for=\"checkin-on\">On (default today)</label><input type=\"date\" id=\"checkin-on\" name=\"on\" value=\"\(HTML.attribute(value("checkin", "on", "")))\">\(fieldError("checkin", "on"))</div></div>")
            p.raw("<label for=\"checkin-note\">Note</label><input type=\"text\" id=\"checkin-note\" name=\"note\" value=\"\(HTML.attribute(value("checkin", "note", "")))\"><button type=\"submit\">Record the check-in</button></form>")
        }
        if !goal.metrics.isEmpty, !(goal.status?.isFinal ?? false) {
            // `goalsync set ID metrics.M.FIELD VALUE`: change a key result after it was added.
            p.raw(form("metric-edit", "metric-edit") + "<strong>Change a key result</strong>" + general("metric-edit") + "<div class=\"row\"><div><label for=\"medit-metric\">Key result</label><select id=\"medit-metric\" name=\"metric\">")
            for metric in goal.metrics {
                p.raw("<option value=\"\(HTML.attribute(metric.id))\">")
                p.text(metric.name ?? metric.id)
                p.raw("</option>")
            }
            p.raw("</select></div><div><label for=\"medit-field\">Field</label><select id=\"medit-field\" name=\"field\">")
            for f in ["target", "baseline", "name", "unit", "direction", "source", "framework"] { p.raw("<option>\(f)</option>") }
            p.raw("</select></div><div><label for=\"medit-value\">New value</label><input type=\"text\" id=\"medit-value\" name=\"value\" value=\"\(HTML.attribute(value("metric-edit", "value", "")))\">\(fieldError("metric-edit", "value"))</div></div><button type=\"submit\">Change it</button></form>")
        }
        let effective = goal.effectiveCheckins
        if !effective.isEmpty, !(goal.status?.isFinal ?? false) {
            // `goalsync checkin --amend`: a correction recorded beside the check-in it replaces.
            p.raw(form("amend", "amend") + "<strong>Correct a check-in</strong>" + general("amend") + "<div class=\"row\"><div><label for=\"amend-checkin\">Check-in</label><select id=\"amend-checkin\" name=\"checkin\">")
            for c in effective.reversed() {
                p.raw("<option value=\"\(HTML.attribute(c.id))\">")
                p.text("\(c.on?.description ?? "?") \(c.metric ?? "?") = \(c.value.map { String($0) } ?? "?")")
                p.raw("</option>")
            }
            p.raw("</select></div><div><label for=\"amend-value\">Corrected value (empty: keep)</label><input type=\"text\" inputmode=\"decimal\" id=\"amend-value\" name=\"value\" value=\"\(HTML.attribute(value("amend", "value", "")))\">\(fieldError("amend", "value"))</div></div>")
            p.raw("<label for=\"amend-note\">Why (kept as its note)</label><input type=\"text\" id=\"amend-note\" name=\"note\" required value=\"\(HTML.attribute(value("amend", "note", "")))\"><button type=\"submit\">Record the correction</button></form>")
        }
        p.raw(timeline(report))

        // Sprint goals.
        p.raw(sprintGoals(goal))
        let sprints = (goal["sprint_goals"]?.list ?? []).compactMap { $0.map?["sprint"]?.scalarText }
        if !sprints.isEmpty, goal.status == .active {
            p.raw(form("sprint-status", "sprint-status") + "<strong>A sprint goal's status</strong>" + general("sprint-status") + "<div class=\"row\"><div><label for=\"sstatus-sprint\">Sprint</label><select id=\"sstatus-sprint\" name=\"sprint\">")
            for sprint in sprints { p.raw("<option value=\"\(HTML.attribute(sprint))\">\(HTML.escape(sprint))</option>") }
            p.raw("</select></div><div><label for=\"sstatus-status\">Status</label><select id=\"sstatus-status\" name=\"status\"><option>planned</option><option>in_progress</option><option>done</option><option>missed</option></select></div></div><button type=\"submit\">Set the status</button></form>")
        }
        if goal.status == .active {
            p.raw(form("sprint-goals", "sprint") + "<strong>Add a sprint goal</strong>" + general("sprint") + "<div class=\"row\">")
            p.raw("<div><label for=\"sprint-sprint\">Sprint</label><input type=\"text\" id=\"sprint-sprint\" name=\"sprint\" value=\"\(HTML.attribute(value("sprint", "sprint", "")))\">\(fieldError("sprint", "sprint_goals.sprint"))</div>")
            p.raw("<div><label for=\"sprint-goal\">Sprint goal</label><input type=\"text\" id=\"sprint-goal\" name=\"goal\" value=\"\(HTML.attribute(value("sprint", "goal", "")))\"></div>")
            p.raw("<div><label for=\"sprint-status\">Status</label><select id=\"sprint-status\" name=\"status\"><option>planned</option><option>in_progress</option><option>done</option><option>missed</option></select></div></div><button type=\"submit\">Add the sprint goal</button></form>")
        }

        // Text lists.
        for (list, title) in [("proof", "Proof"), ("assumptions", "Assumptions"), ("contributors", "Contributors"), ("tags", "Tags")] {
            p.raw("<h2>\(title)</h2>")
            let items = goal.textList(list)
            if items.isEmpty { p.raw("<p class=\"muted\">None yet.</p>") }
            p.raw("<ul class=\"plain\">")
            for item in items {
                p.raw("<li>")
                p.text(item)
                p.raw(" " + form("remove", "list-\(list)", cls: "inline") + hidden("list", list) + hidden("value", item) + "<button type=\"submit\" class=\"secondary\" aria-label=\"Remove\">Remove</button></form></li>")
            }
            p.raw("</ul>")
            p.raw(form("add", "list-\(list)") + hidden("list", list) + general("list-\(list)"))
            p.raw("<label for=\"add-\(list)\">Add to \(list)</label><input type=\"text\" id=\"add-\(list)\" name=\"value\" value=\"\(HTML.attribute(value("list-\(list)", "value", "")))\">\(fieldError("list-\(list)", "value"))<button type=\"submit\">Add</button></form>")
        }

        // Fields.
        p.raw("<h2>Edit the goal</h2>")
        p.raw(form("edit", "fields") + general("fields"))
        for f in editableFields {
            let inputType = f.kind == "date" ? "date" : "text"
            p.raw("<label for=\"f-\(f.field)\">\(f.label)</label>")
            p.raw("<input type=\"\(inputType)\" id=\"f-\(f.field)\" name=\"\(f.field)\" value=\"\(HTML.attribute(value("fields", f.field, fieldText(goal, f.field))))\"\(errorsFor("fields")?.fields[f.field] != nil ? " aria-invalid=\"true\" aria-describedby=\"err-\(f.field)\"" : "")>")
            p.raw(fieldError("fields", f.field))
        }
        p.raw("<label for=\"f-body\">Narrative</label><textarea id=\"f-body\" name=\"body\">\n")
        p.text(value("fields", "body", goal.body))
        p.raw("</textarea>\(fieldError("fields", "body"))<button type=\"submit\">Save</button></form>")

        if !m.findings.isEmpty {
            p.raw("<h2>Suggestions</h2><ul>")
            for d in m.findings {
                p.raw("<li><span class=\"\(d.severity == .error ? "bad" : "warn")\">")
                p.text(d.code)
                p.raw("</span> ")
                p.text((d.field.map { "\($0): " } ?? "") + d.message)
                p.raw("</li>")
            }
            p.raw("</ul>")
        }

        // History.
        p.raw("<h2>History</h2>")
        if m.history.isEmpty { p.raw("<p class=\"muted\">Not committed yet.</p>") }
        p.raw("<ol class=\"plain history\">")
        var last: String?
        for entry in m.history {
            if entry.commit.id.hex != last {
                if last != nil { p.raw("</ul></li>") }
                last = entry.commit.id.hex
                p.raw("<li><strong>")
                p.text(entry.commit.author.person)
                p.raw("</strong> <span class=\"muted\">")
                p.text("\(entry.commit.author.date) · \(entry.commit.id.short)")
                p.raw("</span><br>")
                p.text(entry.commit.summary)
                p.raw("<ul class=\"lines\">")
            }
            for line in entry.lines {
                let cls = line.tone == .added ? "add" : line.tone == .removed ? "rem" : line.tone == .dim ? "muted" : ""
                p.raw("<li class=\"\(cls)\">")
                p.text(line.display)
                p.raw("</li>")
            }
        }
        if last != nil { p.raw("</ul></li>") }
        p.raw("</ol>")
        if m.historyShallow { p.raw("<p class=\"muted\">The history is cut here: this is a shallow clone.</p>") }
        var html = p.html
        if let errors, !shown.contains(errors.form) {
            let messages = errors.general + errors.fields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
            let block = messages.map { "<p class=\"notice error\" role=\"alert\">\(HTML.escape($0))</p>" }.joined()
            if let h1 = html.range(of: "</h1>") { html.insert(contentsOf: block, at: h1.upperBound) }
        }
        return layout(goal.title ?? id, ctx, current: "", html)
    }

    /// `goalsync new` in a form.
    static func newGoal(_ errors: FormErrors?, _ ctx: PageContext) -> String {
        var p = PageWriter()
        func v(_ f: String) -> String { HTML.attribute(errors?.values[f] ?? "") }
        func err(_ f: String) -> String {
            guard let msg = errors?.fields[f] else { return "" }
            return "<p class=\"field-error\" role=\"alert\">\(HTML.escape(msg))</p>"
        }
        p.raw("<h1>New goal</h1><p class=\"muted\">A new goal starts as a draft; propose it to the team when it is ready.</p>")
        p.raw("<form method=\"post\" action=\"/goals\" class=\"card\" data-form=\"new\">" + hidden("csrf", ctx.csrf))
        for e in errors?.general ?? [] { p.raw("<p class=\"notice error\" role=\"alert\">\(HTML.escape(e))</p>") }
        p.raw("<label for=\"new-title\">Title: the outcome, e.g. Raise activation from 30% to 50%</label><input type=\"text\" id=\"new-title\" name=\"title\" required value=\"\(v("title"))\">\(err("title"))")
        p.raw("<label for=\"new-id\">Id (optional: made from the title)</label><input type=\"text\" id=\"new-id\" name=\"id\" value=\"\(v("id"))\" pattern=\"[a-z0-9][a-z0-9-]{0,63}\">\(err("id"))")
        for (f, label) in [("persona", "Who is it for"), ("problem", "What problem does it solve for them"), ("why", "Why do we care")] {
            p.raw("<label for=\"new-\(f)\">\(label)</label><input type=\"text\" id=\"new-\(f)\" name=\"\(f)\" value=\"\(v(f))\">\(err(f))")
        }
        // `goalsync new --template`: the narrative starts with the framework's questions.
        let chosen = errors?.values["template"] ?? ""
        p.raw("<label for=\"new-template\">Start the narrative from a template</label><select id=\"new-template\" name=\"template\">")
        p.raw("<option value=\"\"\(chosen.isEmpty ? " selected" : "")>none</option>")
        for t in GoalTemplate.allCases {
            p.raw("<option value=\"\(HTML.attribute(t.rawValue))\"\(chosen == t.rawValue ? " selected" : "")>\(HTML.escape(t.rawValue))</option>")
        }
        p.raw("</select>\(err("template"))")
        p.raw("<button type=\"submit\">Create the goal</button></form>")
        return layout("New goal", ctx, current: "/new", p.html)
    }
}
