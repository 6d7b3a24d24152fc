import GoalSyncGit

extension RepositoryChecks {
    /// Check-ins are append-only (SPEC §3) for a commit made by hand: a goal file the commit changes
    /// keeps every check-in HEAD has, as it was but for its `note` (which `goalsync checkin
    /// --add-note` adds to). A correction is a new check-in that `supersedes` the old one, which
    /// this allows. Only the files the commit changes are read, each once more at HEAD.
    /// - Returns: one error per check-in removed or changed.
    func checkinHistoryDiagnostics(path: String, old: ObjectID, new: ObjectID) -> [Diagnostic] {
        func goal(_ id: ObjectID) -> Goal? {
            guard let size = try? git.blobSize(id), size <= MarkdownDocument.maximumSize,
                let bytes = try? git.blobData(id), let doc = try? MarkdownDocument.parse(bytes)
            else { return nil }
            return Goal(document: doc)
        }
        // A file that cannot be read on either side is the validator's to report.
        guard let before = goal(old), let after = goal(new) else { return [] }
        let now = Dictionary(after.checkins.enumerated().map { ($0.element.id, ($0.offset, $0.element)) }, uniquingKeysWith: { a, _ in a })
        var diagnostics = [Diagnostic]()
        for c in before.checkins {
            guard let (i, edited) = now[c.id] else {
                diagnostics.append(Diagnostic(
                    file: path, line: after.document.lines["checkins"] ?? 1, field: "checkins", severity: .error, code: "error",
                    message: "check-in \(c.id) was removed; check-ins are append-only: restore it (a wrong value is corrected with goalsync checkin --amend \(c.id) VALUE)"))
                continue
            }
            var same = edited
            same.note = c.note
            if same != c {
                diagnostics.append(Diagnostic(
                    file: path, line: after.document.lines["checkins.\(i)"] ?? after.document.lines["checkins"] ?? 1, field: "checkins[\(i)]",
                    severity: .error, code: "error",
                    message: "check-in \(c.id) was changed; check-ins are append-only but for their note: restore it and record the correction with goalsync checkin --amend \(c.id) VALUE"))
            }
        }
        return diagnostics
    }
}
