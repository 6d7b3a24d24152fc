import Foundation
import GoalSyncGit

/// How some of a stopped pull's conflicts are to be settled, planned in memory: each file's new
/// content, checked against the rules (``check(repository:)``) before anything is written
/// (``write(repository:state:)``), so a settlement never leaves a goal that breaks them.
///
/// A side's choice (`--ours`, `--theirs`, `--base`) that would break a rule tying the field to
/// others (``FieldCoupling``: status and closed, a metric's direction and numbers, the
/// timeframe's dates) takes those fields from the same side's version of the file too, and says so.
struct Settlement {
    private enum Content {
        case document(MarkdownDocument)
        case bytes([UInt8])
        case absent
    }

    private var files: [String: Content] = [:]
    /// Each file's document when the plan started, to tell the rule errors the plan would add.
    private var originals: [String: MarkdownDocument] = [:]
    /// The conflicts settled in each file, in order, with how.
    private var settledIn: [String: [(conflict: MergeState.Conflict, resolution: Resolution)]] = [:]
    /// The conflicts settled, by index in the merge state, with how (`ours`, `theirs`, …).
    private(set) var settled: [Int: String] = [:]
    /// One line per field that moved along with a field settled.
    private(set) var notes: [String] = []

    /// Plans the settlement of conflict `i` of `state`.
    mutating func settle(_ i: Int, with resolution: Resolution, in state: MergeState, repository repo: Syncer) throws {
        let c = state.conflicts[i]
        settled[i] = resolution.name
        if c.field.hasPrefix("(") {
            if case .value = resolution {
                throw GoalSyncError.usage("a whole-file conflict is settled with --ours, --theirs or --base (or by editing \(c.path))")
            }
            files[c.path] = try Self.blob(of: c, resolution).map { .bytes(try repo.git.blobData($0)) } ?? .absent
            return
        }
        var doc = try document(c.path, repo)
        try Self.apply(resolution, of: c, to: &doc)
        settledIn[c.path, default: []].append((c, resolution))
        defer { files[c.path] = .document(doc) }
        guard !offending(doc, settling: [c], repo).isEmpty, let blob = Self.blob(of: c, resolution),
            let side = try? MarkdownDocument.parse(try repo.git.blobData(blob))
        else { return }
        // The field alone breaks a rule: the fields tied to it come from the same side.
        let group = FieldCoupling.group(of: c.field)
        var moved = [String]()
        for path in group {
            let value = ConflictValue.value(at: path, in: side.frontMatter)
            if value != ConflictValue.value(at: path, in: doc.frontMatter) {
                ConflictValue.set(value, at: path, in: &doc.frontMatter)
                moved.append(FieldCoupling.name(path))
            }
        }
        guard !moved.isEmpty else { return }
        notes.append("also took \(moved.joined(separator: " and ")) of \(c.goal ?? c.path) from \(resolution.name) with \(c.field), so the goal keeps to the rules")
        for (j, other) in state.conflicts.enumerated()
        where other.path == c.path && other.resolution == nil && settled[j] == nil && group.contains(where: { FieldCoupling.field(other.field, isWithin: $0) }) {
            settled[j] = resolution.name
        }
    }

    /// The rule errors `doc` has that settling `conflicts` (all in one file) must not leave: any it
    /// did not have when the plan started, and any on a settled field or a field tied to one
    /// (``FieldCoupling``).
    private func offending(_ doc: MarkdownDocument, settling conflicts: [MergeState.Conflict], _ repo: Syncer) -> [Diagnostic] {
        guard let path = conflicts.first?.path, GoalPaths.isGoalFile(path), let original = originals[path] else { return [] }
        let before = repo.ruleErrors(original, path: path)
        let fields = conflicts.flatMap { FieldCoupling.group(of: $0.field) + [ConflictValue.components($0.field)] }
        return repo.ruleDiagnostics(doc, path: path).filter { d in
            !before.contains(d.fieldAndMessage) || fields.contains { FieldCoupling.field(d.field ?? "", isWithin: $0) }
        }
    }

    /// Refuses the plan when a file it writes would break a rule it did not break before, or
    /// one on a field it settles (or a field tied to it).
    func check(repository repo: Syncer) throws {
        for path in files.keys.sorted() {
            guard case .document(let doc)? = files[path], let settled = settledIn[path], let (c, resolution) = settled.last else { continue }
            guard let error = offending(doc, settling: settled.map(\.conflict), repo).first?.fieldAndMessage else { continue }
            let goal = c.goal ?? c.path
            let how: String
            switch resolution {
            case .value(let v): how = "to '\(v)'"
            default: how = "with \(resolution.name)"
            }
            let others = FieldCoupling.group(of: c.field).map(FieldCoupling.name)
                .filter { $0 != c.field && !FieldCoupling.field(c.field, isWithin: ConflictValue.components($0)) }
            let advice = others.isEmpty
                ? "edit \(path) so it keeps to the rules and run this resolve again, or settle \(c.field) another way"
                : "\(c.field) and \(others.joined(separator: ", ")) go together: settle them from one side (goalsync resolve \(goal) \(c.field) --ours|--theirs|--base takes \(others.joined(separator: ", ")) from the same side), or edit \(path) so they agree and run this resolve again"
            throw GoalSyncError.rule("settling \(c.field) of \(goal) \(how) would leave \(path) invalid (\(error)); nothing was changed. \(advice); goalsync pull --abort returns to before the pull")
        }
    }

    /// Writes the planned files into the work tree and the index, and marks the conflicts settled.
    func write(repository repo: Syncer, state: inout MergeState) throws {
        var updates = [TreeMerge.Update]()
        for path in files.keys.sorted() {
            let bytes: [UInt8]?
            switch files[path] {
            case .document(let doc)?:
                bytes = Array(YAMLWriter.document(doc, keyOrder: GoalPaths.isGoalFile(path) ? YAMLWriter.goalKeyOrder : []).utf8)
            case .bytes(let b)?: bytes = b
            case .absent?, nil: bytes = nil
            }
            updates.append(TreeMerge.Update(path: path, blob: try bytes.map { try repo.git.writeBlob($0) }, executable: false))
        }
        // Through the same gate as every other work-tree write (paths checked before the first write).
        try repo.applyToWorkTree(try repo.checkedPlan(updates))
        for (i, how) in settled { state.conflicts[i].resolution = how }
    }

    /// The file as the plan has it so far, else as the merge left it in the work tree.
    private mutating func document(_ path: String, _ repo: Syncer) throws -> MarkdownDocument {
        if case .document(let doc)? = files[path] { return doc }
        do {
            let doc = try MarkdownDocument.parse(try FileSystem.readRegularFile(repo.absolute(path)))
            originals[path] = doc
            return doc
        } catch {
            throw GoalSyncError.unreadableGoal(path: path, line: nil, message: "cannot read the merged file to settle a conflict in it: \(error); fix it, or goalsync pull --abort returns to before the pull")
        }
    }

    /// The blob of the file on the side a resolution takes (nil: none, or absent on that side).
    private static func blob(of c: MergeState.Conflict, _ resolution: Resolution) -> ObjectID? {
        switch resolution {
        case .ours: return c.oursBlob.flatMap(ObjectID.init(hex:))
        case .theirs: return c.theirsBlob.flatMap(ObjectID.init(hex:))
        case .base: return c.baseBlob.flatMap(ObjectID.init(hex:))
        case .value: return nil
        }
    }

    /// Sets the conflict's field in `doc` as the resolution says.
    private static func apply(_ resolution: Resolution, of c: MergeState.Conflict, to doc: inout MarkdownDocument) throws {
        switch resolution {
        case .ours: ConflictValue.apply(c.ours, field: c.field, to: &doc)
        case .theirs: ConflictValue.apply(c.theirs, field: c.field, to: &doc)
        case .base: ConflictValue.apply(c.base, field: c.field, to: &doc)
        case .value(let text):
            if c.field == "body" {
                doc.body = text
                return
            }
            let parts = ConflictValue.components(c.field)
            let kind: FieldKind?
            if parts.count == 3, FieldDiff.keyedLists[parts[0]] != nil {
                kind = FieldSchema.itemFields(of: parts[0])[parts[2]]
            } else if parts.count == 2, case .map(let fields)? = FieldSchema.goalFields[parts[0]] {
                kind = fields[parts[1]]
            } else if parts.count == 1 {
                kind = FieldSchema.goalFields[parts[0]]
            } else {
                kind = nil
            }
            let value: YAMLValue?
            if case .keyedList? = FieldSchema.goalFields[parts[0]], parts.count == 2 {
                value = .map(try FieldSchema.flowMapping(text, what: c.field))
            } else if case .textList? = kind {
                value = ConflictValue.parse(text, field: c.field)
            } else {
                value = text.isEmpty ? nil : try FieldSchema.value(text, kind: kind, field: c.field)
            }
            ConflictValue.set(value, at: parts, in: &doc.frontMatter)
        }
    }
}
