import Foundation
import GoalSyncCore

/// The sync page: where the branch stands against its upstream, the Sync button and its progress,
/// and a stopped pull's conflicts field by field (base, ours, theirs and who wrote each), each
/// settled in the page, then the pull finished or abandoned.
extension Pages {
    static func sync(_ status: StatusReport, job: SyncJob.State, error: String?, _ ctx: PageContext) -> String {
        var p = PageWriter()
        p.raw("<h1>Sync</h1><p>")
        p.text("Branch \(status.branch ?? "(detached)")")
        if let upstream = status.upstream {
            p.text(" with \(upstream): \(status.ahead ?? 0) commit\(status.ahead == 1 ? "" : "s") to push, \(status.behind ?? 0) to pull (as of the last sync).")
        } else {
            p.text(": no upstream yet; the first sync pushes to origin and sets it.")
        }
        p.raw("</p>")
        if let error {
            p.raw("<p class=\"notice error\" role=\"alert\">")
            p.text(error)
            p.raw("</p>")
        }
        p.raw("<p class=\"notice\(job.failed ? " error" : "")\" id=\"sync-progress\" role=\"status\" data-running=\"\(job.running)\">")
        p.text(job.message)
        p.raw("</p>")
        let state = status.mergeState
        if state == nil {
            p.raw("<form method=\"post\" action=\"/sync\" class=\"card\">\(hidden("csrf", ctx.csrf))<p>Pull the team's changes, merge them goal by goal and field by field, then push yours.</p><button type=\"submit\"\(job.running ? " disabled" : "")>Sync</button></form>")
            return layout("Sync", ctx, current: "/sync", p.html)
        }
        guard let state else { return layout("Sync", ctx, current: "/sync", p.html) }
        p.raw("<h2>A pull is waiting for you</h2><p>")
        p.text("Merging \(state.source): \(state.pending.count) of \(state.conflicts.count) conflict\(state.conflicts.count == 1 ? "" : "s") to settle. Nothing is committed until you finish the pull.")
        p.raw("</p>")
        for c in state.conflicts {
            p.raw("<form method=\"post\" action=\"/sync/resolve\" class=\"card\">\(hidden("csrf", ctx.csrf))\(hidden("goal", c.goal ?? c.path))\(hidden("field", c.field))<p><strong>")
            p.text(c.goal ?? c.path)
            p.raw("</strong> · ")
            p.text(c.field)
            if let r = c.resolution {
                p.raw(" <span class=\"ok\">settled: ")
                p.text(r)
                p.raw("</span>")
            }
            p.raw("</p><div class=\"scroll\"><table><tbody>")
            for (name, value, by) in [("Base", c.base, nil), ("Ours", c.ours, c.oursBy), ("Theirs", c.theirs, c.theirsBy)] as [(String, String?, String?)] {
                p.raw("<tr><th>\(name)</th><td>")
                p.text(value ?? "(none)")
                p.raw("</td><td class=\"muted\">")
                p.text(by.map { "by \($0)" } ?? "")
                p.raw("</td></tr>")
            }
            p.raw("</tbody></table></div>")
            p.raw("<button type=\"submit\" name=\"choice\" value=\"ours\">Keep ours</button><button type=\"submit\" name=\"choice\" value=\"theirs\">Take theirs</button><button type=\"submit\" name=\"choice\" value=\"base\" class=\"secondary\">Back to base</button>")
            p.raw("<label>Or another value</label><input type=\"text\" name=\"value\" value=\"\(HTML.attribute(c.ours ?? ""))\"><button type=\"submit\" name=\"choice\" value=\"value\" class=\"secondary\">Use this value</button></form>")
        }
        if let active = state.active {
            p.raw("<form method=\"post\" action=\"/sync/resolve-active\" class=\"card\">\(hidden("csrf", ctx.csrf))<p>")
            p.text("These goals were activated at the same time: \(active.goals.joined(separator: ", ")). Only one stays active.")
            if let r = active.resolution { p.text(" Settled: \(r) stays active.") }
            p.raw("</p>")
            for g in active.goals {
                p.raw("<button type=\"submit\" name=\"goal\" value=\"\(HTML.attribute(g))\" class=\"secondary\">")
                p.text("Keep \(g) active")
                p.raw("</button>")
            }
            p.raw("</form>")
        }
        p.raw("<form method=\"post\" action=\"/sync/continue\" class=\"inline\">\(hidden("csrf", ctx.csrf))<button type=\"submit\"\(state.isSettled ? "" : " disabled")>Finish the pull</button></form> ")
        p.raw("<form method=\"post\" action=\"/sync/abort\" class=\"inline\">\(hidden("csrf", ctx.csrf))<button type=\"submit\" class=\"danger\">Abandon the pull</button></form>")
        return layout("Sync", ctx, current: "/sync", p.html)
    }
}
