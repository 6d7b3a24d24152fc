import Foundation
import GoalSyncCore
import Hummingbird

/// The writes: every one through Core (``GoalEditor``, ``Syncer``), one at a time, a commit each.
extension GoalServer {
    /// A write's result: where to go next, or the page again with what went wrong.
    enum WriteOutcome: Sendable {
        case redirect(String)
        case page(HTTPResponse.Status, String)
    }

    static func response(_ outcome: WriteOutcome) -> Response {
        switch outcome {
        case .redirect(let to): return redirect(to)
        case .page(let status, let html): return Pages.response(html, status: status)
        }
    }

    /// Text from a form, with the browser's CRLF line ends made LF.
    static func text(_ form: Form, _ name: String) -> String {
        (form[name] ?? "").replacingOccurrences(of: "\r\n", with: "\n")
    }

    static func optional(_ form: Form, _ name: String) -> String? {
        form.trimmed(name)
    }

    /// The status and the errors of a failed write, placed in form `name`; nil status: not the form's
    /// to show (the goal is unknown): a plain error page.
    static func errors(_ error: any Error, form name: String, values: Form) -> (HTTPResponse.Status, FormErrors)? {
        var errors = FormErrors(form: name, values: values)
        let fields = Set(values.pairs.map(\.name))
        /// Beside the input it names (`title`, or `metrics.unit` for the metric form's `unit`), else at the top.
        func place(_ field: String?, _ message: String) {
            if let field, fields.contains(field) || ["metrics.", "sprint_goals."].contains(where: { field.hasPrefix($0) && fields.contains(String(field.dropFirst($0.count))) }) {
                errors.fields[field] = message
            } else {
                errors.general.append((field.map { "\($0): " } ?? "") + message)
            }
        }
        guard let error = error as? GoalSyncError else {
            errors.general.append((error as? LocalizedError)?.errorDescription ?? "\(error)")
            return (.internalServerError, errors)
        }
        let message = error.errorDescription ?? "\(error)"
        switch error {
        case .validationFailed(let diagnostics), .mergeBreaksRules(let diagnostics):
            for d in diagnostics { place(d.field, d.message) }
            return (.unprocessableContent, errors)
        case .usage:
            errors.general.append(message)
            return (.badRequest, errors)
        case .invalidID:
            place("id", message)
            return (.badRequest, errors)
        case .goalExists:
            place("id", message)
            return (.conflict, errors)
        case .unknownGoal:
            return nil
        case .rule, .locked, .mergeInProgress, .gitMergeInProgress:
            errors.general.append(message)
            return (.conflict, errors)
        default:
            errors.general.append(message)
            return (.internalServerError, errors)
        }
    }

    // MARK: New goal

    func create(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let form = try await self.form(request, context)
        let outcome = try await Blocking.write { () -> WriteOutcome in
            let repo = try openRepository()
            do {
                let title = Self.text(form, "title").trimmingCharacters(in: .whitespacesAndNewlines)
                var sets = [String]()
                for f in ["persona", "problem", "why"] { if let v = Self.optional(form, f) { sets.append("\(f)=\(v)") } }
                var template: GoalTemplate?
                if let name = Self.optional(form, "template") {
                    guard let t = GoalTemplate(rawValue: name) else {
                        throw GoalSyncError.usage("template: '\(name)' is not one of \(GoalTemplate.names)")
                    }
                    template = t
                }
                let (id, result) = try GoalEditor(repo).newGoal(title: title, id: Self.optional(form, "id"), sets: sets, template: template, noVerify: true)
                return .redirect(Pages.goalLink(id) + "?saved=" + result.commit)
            } catch {
                guard let (status, errors) = Self.errors(error, form: "new", values: form) else { throw error }
                let snap = index.current()
                return .page(status, Pages.newGoal(errors, self.context(snap)))
            }
        }
        return Self.response(outcome)
    }

    // MARK: Goal writes

    /// Which form of the goal page an action's errors belong to.
    static func formName(_ action: String, _ form: Form) -> String {
        switch action {
        case "edit": return "fields"
        case "status", "activate": return "status"
        case "metrics": return "metric"
        case "sprint-goals": return "sprint"
        case "metric-edit", "amend", "sprint-status", "rm": return action
        case "checkin": return "checkin"
        default: return "list-\(form["list"] ?? "")"
        }
    }

    func write(_ action: String, _ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let id = try Self.goalID(context)
        let form = try await self.form(request, context)
        let outcome = try await Blocking.write { () -> WriteOutcome in
            let repo = try openRepository()
            do {
                let commit = try Self.perform(action, id: id, form: form, editor: GoalEditor(repo))
                // A removed draft has no page left: back to the list.
                if action == "rm" { return .redirect("/goals") }
                return .redirect(Pages.goalLink(id) + "?saved=" + (commit ?? "none"))
            } catch let conflict as StaleEditConflict {
                return .page(.conflict, try goalPage(repo, id: id, notice: nil, errors: nil, conflict: conflict))
            } catch {
                guard let (status, errors) = Self.errors(error, form: Self.formName(action, form), values: form) else {
                    throw PageError(.notFound, (error as? LocalizedError)?.errorDescription ?? "no such goal")
                }
                return .page(status, try goalPage(repo, id: id, notice: nil, errors: errors, conflict: nil))
            }
        }
        return Self.response(outcome)
    }

    /// One write; returns the commit (nil: nothing changed).
    static func perform(_ action: String, id: String, form: Form, editor: GoalEditor) throws -> String? {
        let version = form.trimmed("version")
        switch action {
        case "edit":
            var values = [(field: String, value: String)]()
            for f in Pages.editableFields.map(\.field) + ["body"] where form[f] != nil {
                values.append((f, f == "body" ? text(form, f) : text(form, f).trimmingCharacters(in: .whitespacesAndNewlines)))
            }
            return try editor.setFields(id: id, values, basedOn: version)?.commit
        case "status":
            guard let to = form["to"], ["draft", "proposed", "achieved", "abandoned"].contains(to) else {
                throw GoalSyncError.usage("a goal's status moves to draft, proposed, achieved or abandoned here (activate has its own button)")
            }
            if GoalStatus(rawValue: to)?.isFinal == true, optional(form, "reason") == nil {
                throw GoalSyncError.validationFailed([Diagnostic(file: GoalPaths.path(forID: id), line: nil, field: "reason", severity: .error, code: "error",
                                                                 message: "say why the goal is \(to): the reason is kept with it")])
            }
            return try editor.setFields(id: id, [("status", to)], basedOn: version, reason: optional(form, "reason"))?.commit
        case "activate":
            let (_, goal) = try editor.goalVersion(id)
            if let seen = form["seen"], goal["status"]?.scalarText != seen {
                throw GoalSyncError.rule("goal \(id) is \(goal["status"]?.scalarText ?? "without a status") now, no longer \(seen): someone changed it since this page was loaded; look again before activating it")
            }
            let close = try optional(form, "close").map { text -> GoalStatus in
                guard let s = GoalStatus(rawValue: text), s.isFinal else { throw GoalSyncError.usage("the active goal closes as achieved or abandoned, not '\(text)'") }
                return s
            }
            return try editor.activate(id: id, close: close, reason: optional(form, "reason"), noVerify: true)?.commit
        case "add":
            let list = form["list"] ?? ""
            guard FieldDiff.textLists.contains(list) else { throw GoalSyncError.usage("'\(list)' is not a list of text; the lists are proof, assumptions, contributors, tags") }
            guard let value = optional(form, "value") else {
                throw GoalSyncError.validationFailed([Diagnostic(file: GoalPaths.path(forID: id), line: nil, field: "value", severity: .error, code: "error", message: "write the item to add")])
            }
            return try editor.add(id: id, list: list, value: value, noVerify: true)?.commit
        case "remove":
            let list = form["list"] ?? ""
            guard FieldDiff.textLists.contains(list) || FieldDiff.keyedLists[list] != nil, list != "checkins" else {
                throw GoalSyncError.usage("'\(list)' is not a list items can be removed from")
            }
            return try editor.remove(id: id, list: list, value: form["value"] ?? "", noVerify: true)?.commit
        case "metrics":
            let fields = ["id", "name", "unit", "direction", "baseline", "target", "source"].map { (key: $0, value: text(form, $0).trimmingCharacters(in: .whitespacesAndNewlines)) }
            if fields[0].value.isEmpty {
                throw GoalSyncError.validationFailed([Diagnostic(file: GoalPaths.path(forID: id), line: nil, field: "metrics.id", severity: .error, code: "error",
                                                                 message: "give the metric an id (lower-case letters, digits, hyphens), e.g. activation")])
            }
            return try editor.addItem(id: id, list: "metrics", fields: fields)?.commit
        case "sprint-goals":
            let fields = ["sprint", "goal", "status"].map { (key: $0, value: text(form, $0).trimmingCharacters(in: .whitespacesAndNewlines)) }
            if fields[0].value.isEmpty {
                throw GoalSyncError.validationFailed([Diagnostic(file: GoalPaths.path(forID: id), line: nil, field: "sprint_goals.sprint", severity: .error, code: "error",
                                                                 message: "name the sprint, e.g. 2026-S03")])
            }
            return try editor.addItem(id: id, list: "sprint_goals", fields: fields)?.commit
        case "metric-edit":
            guard let metric = optional(form, "metric"), let field = optional(form, "field"),
                ["target", "baseline", "name", "unit", "direction", "source", "framework"].contains(field)
            else { throw GoalSyncError.usage("choose the key result and the field to change") }
            let value = text(form, "value").trimmingCharacters(in: .whitespacesAndNewlines)
            do {
                return try editor.setFields(id: id, [("metrics.\(metric).\(field)", value)], basedOn: version)?.commit
            } catch GoalSyncError.validationFailed(let problems) {
                // The error goes beside the value the person typed.
                throw GoalSyncError.validationFailed(problems.map { d in var d = d; d.field = "value"; return d })
            }
        case "sprint-status":
            guard let sprint = optional(form, "sprint"), let status = optional(form, "status") else {
                throw GoalSyncError.usage("choose the sprint and its status")
            }
            return try editor.setFields(id: id, [("sprint_goals.\(sprint).status", status)], basedOn: version)?.commit
        case "amend":
            guard let checkin = optional(form, "checkin") else { throw GoalSyncError.usage("choose the check-in to correct") }
            guard let note = optional(form, "note") else {
                throw GoalSyncError.validationFailed([Diagnostic(file: GoalPaths.path(forID: id), line: nil, field: "note", severity: .error, code: "error", message: "say why the check-in is corrected: it is kept as the correction's note")])
            }
            guard try editor.goalVersion(id).goal.checkins.contains(where: { $0.id == checkin }) else {
                throw GoalSyncError.usage("goal \(id) has no check-in \(checkin)")
            }
            return try editor.amendCheckin(checkin, value: optional(form, "value"), confidence: nil, note: note, on: nil, noVerify: true).result.commit
        case "rm":
            return try editor.removeDraft(id: id, noVerify: true).commit
        case "checkin":
            guard let metric = optional(form, "metric") else { throw GoalSyncError.usage("choose the key result the check-in is for") }
            guard let value = optional(form, "value") else {
                throw GoalSyncError.validationFailed([Diagnostic(file: GoalPaths.path(forID: id), line: nil, field: "value", severity: .error, code: "error", message: "give the key result's value")])
            }
            return try editor.checkin(id: id, metric: metric, value: value, confidence: optional(form, "confidence"), note: optional(form, "note"),
                                      on: optional(form, "on"), noVerify: true).result.commit
        default:
            throw PageError(.notFound, "no such action")
        }
    }

    // MARK: Sync

    func startSync(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        _ = try await form(request, context)
        if sync.begin() {
            let job = sync, root = self.root, environment = self.environment
            // Queued before the answer goes back: a write sent after it waits for the sync to end.
            Blocking.enqueueWrite { job.run(root: root, environment: environment) }
        }
        return Self.redirect("/sync")
    }

    /// What the Sync button starts, run to its end on the caller's thread (tests, scripts); returns
    /// the sentence the sync page shows. Nil when a sync is already running.
    package func syncNow() -> (message: String, failed: Bool, conflicts: Bool)? {
        guard sync.begin() else { return nil }
        sync.run(root: root, environment: environment)
        let s = sync.current
        return (s.message, s.failed, s.stoppedOnConflicts)
    }

    func settle(_ action: String, _ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let form = try await self.form(request, context)
        let outcome = try await Blocking.write { () -> WriteOutcome in
            let repo = try openRepository()
            let syncer = Syncer(repo)
            do {
                switch action {
                case "resolve":
                    guard let goal = form.trimmed("goal"), let field = form.trimmed("field") else { throw GoalSyncError.usage("name the goal and the field to settle") }
                    let resolution: Resolution
                    switch form["choice"] {
                    case "ours": resolution = .ours
                    case "theirs": resolution = .theirs
                    case "base": resolution = .base
                    case "value": resolution = .value(Self.text(form, "value"))
                    default: throw GoalSyncError.usage("settle a conflict with ours, theirs, base or a value")
                    }
                    try syncer.resolve(goal: goal, field: field, with: resolution)
                    return .redirect("/sync")
                case "resolve-active":
                    guard let goal = form.trimmed("goal"), GoalID.isValid(goal) else { throw GoalSyncError.usage("choose the goal that stays active") }
                    try syncer.resolveActive(goal)
                    return .redirect("/sync")
                case "continue":
                    _ = try syncer.continueMerge(noVerify: true)
                    sync.update { $0 = SyncJob.State(running: false, message: "The pull is finished: the merge is committed. Sync again to push it.") }
                    return .redirect("/sync")
                default:
                    _ = try syncer.abortMerge()
                    sync.update { $0 = SyncJob.State(running: false, message: "The pull was abandoned: the repository is as it was before it.") }
                    return .redirect("/sync")
                }
            } catch {
                let (status, errors) = Self.errors(error, form: "sync", values: form) ?? (.notFound, FormErrors(form: "sync", general: ["\(error)"]))
                return .page(status, try syncPageHTML(repo, error: errors.general.joined(separator: " ")))
            }
        }
        return Self.response(outcome)
    }

    func syncPage() async throws -> Response {
        let html = try await Blocking.read { try syncPageHTML(try openRepository(), error: nil) }
        return Pages.response(html)
    }

    func syncPageHTML(_ repo: GoalRepository, error: String?) throws -> String {
        let status = try Reporter(repo).statusReport()
        let snap = index.current()
        return Pages.sync(status, job: sync.current, error: error, context(snap))
    }
}
