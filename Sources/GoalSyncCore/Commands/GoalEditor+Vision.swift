import Foundation

/// `goalsync vision`: sets the fields of VISION.md (the vision statement, the strategy line, the
/// North Star) and records the North Star's check-ins, each in one commit `vision: summary` with a
/// `Goal-Fields` trailer, as the goal commands do.
extension GoalEditor {
    /// VISION.md as it is in the working tree; the file `goalsync init` writes when there is none.
    package func loadVision() throws -> Vision {
        let path = absolute(GoalPaths.vision)
        guard FileSystem.exists(path) else {
            return Vision(document: try MarkdownDocument.parse(Initializer.visionText(product: config.product ?? "the product")))
        }
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.readRegularFile(path)
        } catch {
            throw GoalSyncError.repository("cannot read \(GoalPaths.vision) (\(error)); make it a regular file, then run the command again")
        }
        do {
            return Vision(document: try MarkdownDocument.parse(bytes))
        } catch {
            throw GoalSyncError.unreadableGoal(path: GoalPaths.vision, line: error.line, message: error.message)
        }
    }

    /// VISION.md in HEAD, for the semantic diff of the commit message.
    private func committedVision() -> Vision? {
        guard let tree = try? git.headTree(), let entry = try? tree.entry(at: GoalPaths.vision),
            let bytes = try? git.blobData(entry.id), let doc = try? MarkdownDocument.parse(bytes)
        else { return nil }
        return Vision(document: doc)
    }

    /// The fields `goalsync vision --set` takes.
    package static let visionSettableFields = ["product", "vision", "strategy"] + Vision.northStarFields.keys.sorted().map { "north_star." + $0 }

    /// `goalsync vision --set FIELD=VALUE...`: one commit for all of them (nil: nothing changes).
    /// An empty VALUE removes an optional field (strategy, a North Star field).
    package func setVision(_ assignments: [String], noVerify: Bool) throws -> CommitResult? {
        guard !assignments.isEmpty else { throw GoalSyncError.usage("name a field to set: goalsync vision --set vision='...'") }
        var vision = try loadVision()
        for assignment in assignments {
            guard let eq = assignment.firstIndex(of: "=") else {
                throw GoalSyncError.usage("--set takes FIELD=VALUE, e.g. --set strategy='Win small teams first'; got '\(assignment)'")
            }
            let field = String(assignment[..<eq]), value = String(assignment[assignment.index(after: eq)...])
            try applyVision(field: field, value: value, to: &vision)
        }
        return try commitVision(vision, summary: nil, noVerify: noVerify)
    }

    private func applyVision(field: String, value: String, to vision: inout Vision) throws {
        var fm = vision.document.frontMatter
        switch field {
        case "product", "vision":
            guard !value.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw GoalSyncError.usage("\(field) cannot be empty: VISION.md needs it")
            }
            fm[field] = .string(value)
        case "strategy":
            fm[field] = value.isEmpty ? nil : .string(value)
        case "checkins":
            throw GoalSyncError.usage("the North Star's check-ins are append-only: record one with goalsync vision checkin VALUE")
        default:
            let parts = field.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, parts[0] == "north_star", let kind = Vision.northStarFields[parts[1]] else {
                throw GoalSyncError.usage("'\(field)' is not a field of VISION.md goalsync sets; the fields are \(Self.visionSettableFields.joined(separator: ", "))")
            }
            var ns = fm["north_star"]?.map ?? YAMLMap()
            ns[parts[1]] = value.isEmpty ? nil : try FieldSchema.value(value, kind: kind, field: field)
            fm["north_star"] = ns.isEmpty ? nil : .map(ns)
        }
        vision.document.frontMatter = fm
    }

    /// `goalsync vision checkin VALUE [--note TEXT] [--on DATE] [--confidence C]`: appends a check-in
    /// of the North Star.
    package func northStarCheckin(value: String, note: String?, on: String?, confidence: String?, noVerify: Bool) throws -> (checkin: String, result: CommitResult) {
        var vision = try loadVision()
        guard let ns = vision.northStar, !(ns.name ?? "").isEmpty else {
            throw GoalSyncError.usage("VISION.md has no North Star yet; name it first: goalsync vision --set north_star.name='Weekly active teams' --set north_star.unit=teams")
        }
        let date = try FieldSchema.value(on ?? today.description, kind: .date, field: "--on")
        if let d = date.date, d > today {
            throw GoalSyncError.usage("--on \(d) is after today (\(today)); a check-in records a value measured already")
        }
        var entry = YAMLMap()
        let id = GoalID.makeCheckinID()
        entry["id"] = .string(id)
        entry["on"] = date
        entry["by"] = .string(try currentPerson())
        entry["value"] = try FieldSchema.value(value, kind: .number, field: "VALUE")
        if let confidence { entry["confidence"] = try FieldSchema.value(confidence, kind: Vision.checkinFields["confidence"], field: "--confidence") }
        if let note, !note.isEmpty { entry["note"] = .string(note) }
        var items = vision.document.frontMatter["checkins"]?.list ?? []
        items.append(.map(entry))
        vision.document.frontMatter["checkins"] = .list(items)
        let summary = "north star \(ns.name ?? "") = \(value)\(ns.unit.map { " " + $0 } ?? "")"
        guard let result = try commitVision(vision, summary: summary, noVerify: noVerify) else {
            throw GoalSyncError.repository("the North Star check-in could not be written")
        }
        return (id, result)
    }

    private func commitVision(_ vision: Vision, summary: String?, noVerify: Bool) throws -> CommitResult? {
        let text = vision.text
        let current = try? FileSystem.readRegularFile(absolute(GoalPaths.vision))
        let committed = committedVision()
        let changes = FieldDiff.changes(from: committed.map { Goal(document: $0.document) }, to: Goal(document: vision.document))
        if current == Array(text.utf8) && changes.isEmpty && committed != nil { return nil }
        let message = CommitMessage(verb: "vision", goalIDs: [], summary: summary ?? CommitMessage.summarize(changes), fields: changes.map(\.field))
        return try commit([FileWrite(path: GoalPaths.vision, text: text)], message: message, noVerify: noVerify)
    }
}
