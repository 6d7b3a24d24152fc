/// One commit's change to one goal, derived from the trees (never from the commit message):
/// `goalsync log` prints these, `contributors` and the report's timeline count them.
package struct GoalLogEntry: Sendable {
    package enum Kind: String, Sendable {
        /// The file appeared.
        case created
        /// The file changed (against the nearest earlier version that parsed).
        case changed
        /// The file was renamed by hand (best effort: see ``GoalHistoryReader``).
        case renamed
        /// The file was removed.
        case deleted
        /// The file did not parse in this commit; ``GoalLogEntry/error`` says why.
        case unparsable
        /// A merge commit, shown only for what it settled itself: values neither parent had.
        case merge
        /// The oldest commit of a shallow clone: the history before it is not in this clone, so
        /// what it holds is shown as found, not as made there.
        case boundary
    }

    package var commit: HistoryCommit
    /// The goal's id, from its file name in this commit.
    package var goal: String
    package var path: String
    package var kind: Kind
    /// The file's previous path when it was renamed.
    package var renamedFrom: String?
    /// Why the file did not parse (kind ``Kind/unparsable``).
    package var error: String?
    /// The goal's title after this commit, when it parsed.
    package var title: String?
    /// The front matter's field changes, in canonical field order.
    package var changes: [FieldChange]
    /// How the body changed, in lines; nil when it did not.
    package var body: BodyChange?

    package var json: JSONValue {
        .object([
            ("commit", .string(commit.id.hex)),
            ("author", .object([("name", .string(commit.author.name)), ("email", .string(commit.author.email))])),
            ("date", .string(commit.author.date.description)),
            ("time", .string(commit.author.isoTime)),
            ("summary", .string(commit.summary)),
            ("merge", .bool(commit.isMerge)),
            ("goal", .string(goal)),
            ("path", .string(path)),
            ("kind", .string(kind.rawValue)),
            ("renamed_from", .optional(renamedFrom)),
            ("error", .optional(error)),
            ("changes", .array(changes.map { c in
                .object([("field", .string(c.field)), ("old", .yamlValue(c.old)), ("new", .yamlValue(c.new))])
            })),
            ("body", body.map { .object([("added", .optional($0.added)), ("removed", .optional($0.removed))]) } ?? .null),
        ])
    }
}

/// The result of `goalsync log`: entries newest first, and what the history could not show.
package struct GoalLog: Sendable {
    /// The goal followed, or nil for all goals.
    package var goal: String?
    package var entries: [GoalLogEntry]
    /// How many commits HEAD's history holds (0: the repository has no commit yet).
    package var commitCount: Int
    /// The commits (hex ids) at a shallow clone's boundary, where the history is cut.
    package var boundary: [String]

    package var isShallow: Bool { !boundary.isEmpty }

    package var json: JSONValue {
        .object([
            ("goal", .optional(goal)),
            ("commits", .optional(commitCount)),
            ("shallow", .bool(isShallow)),
            ("boundary", .array(boundary.map { .string($0) })),
            ("entries", .array(entries.map(\.json))),
        ])
    }
}
