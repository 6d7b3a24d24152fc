/// `goalsync contributors [ID]`: who took part in each goal and how, counted from the history.
package struct GoalContributors: Sendable {
    /// One person's part in one goal.
    package struct Person: Sendable {
        package var name: String
        package var email: String
        /// Commits that changed the goal.
        package var commits = 0
        package var created = 0
        package var proposed = 0
        package var activated = 0
        package var closed = 0
        package var checkins = 0
        /// Commits that edited fields other than status and check-ins (or the body).
        package var edits = 0
        package var renamed = 0
        package var deleted = 0
        /// The fields they edited, in the order first seen (newest first).
        package var fields = [String]()
        package var first: SimpleDate
        package var last: SimpleDate

        /// How they took part: `created`, `proposed`, `edited`, `checked in`, `activated`, `closed`,
        /// `renamed`, `deleted`, in that order.
        package var roles: [String] {
            var out = [String]()
            if created > 0 { out.append("created") }
            if proposed > 0 { out.append("proposed") }
            if edits > 0 { out.append("edited") }
            if checkins > 0 { out.append("checked in") }
            if activated > 0 { out.append("activated") }
            if closed > 0 { out.append("closed") }
            if renamed > 0 { out.append("renamed") }
            if deleted > 0 { out.append("deleted") }
            return out
        }

        package var person: String { "\(name) <\(email)>" }

        package var json: JSONValue {
            .object([
                ("name", .string(name)), ("email", .string(email)), ("roles", .array(roles.map(JSONValue.string))),
                ("commits", .optional(commits)), ("created", .optional(created)), ("proposed", .optional(proposed)),
                ("edits", .optional(edits)), ("checkins", .optional(checkins)), ("activated", .optional(activated)),
                ("closed", .optional(closed)), ("renamed", .optional(renamed)), ("deleted", .optional(deleted)),
                ("fields", .array(fields.sorted().map(JSONValue.string))),
                ("first", .string(first.description)), ("last", .string(last.description)),
            ])
        }
    }

    package var goal: String
    /// The goal's title in its newest version that parsed.
    package var title: String?
    /// By first contribution, then name.
    package var people: [Person]

    package var json: JSONValue {
        .object([("goal", .string(goal)), ("title", .optional(title)), ("contributors", .array(people.map(\.json)))])
    }

    /// Counts log entries (newest first, as ``GoalHistoryReader`` gives them) per goal and person.
    /// A goal renamed by hand collects the entries of its older names (those older than the rename).
    /// Boundary entries of a shallow clone are nobody's contribution.
    package static func count(_ entries: [GoalLogEntry]) -> [GoalContributors] {
        var alias = [String: String]()
        func resolve(_ id: String) -> String {
            var id = id
            var seen = Set<String>()
            while let next = alias[id], seen.insert(id).inserted { id = next }
            return id
        }
        var goals = [String: (title: String?, people: [String: Person])]()
        // The fields each person edited in each goal, as a set: `Person.fields` keeps their order.
        var editedFields = [String: Set<String>]()
        for e in entries {
            let goal = resolve(e.goal)
            if e.kind == .renamed, let from = e.renamedFrom.flatMap(GoalPaths.id(fromPath:)), from != goal { alias[from] = goal }
            if e.kind == .boundary { continue }
            var g = goals[goal] ?? (nil, [:])
            if g.title == nil { g.title = e.title }
            let author = e.commit.author
            let key = author.email.isEmpty ? author.name : author.email.lowercased()
            let date = author.date
            var p = g.people[key] ?? Person(name: author.name, email: author.email, first: date, last: date)
            p.commits += 1
            p.first = min(p.first, date)
            p.last = max(p.last, date)
            var edited = false
            let fieldsKey = goal + "\u{0}" + key
            func edit(_ field: String) {
                edited = true
                if editedFields[fieldsKey, default: []].insert(field).inserted { p.fields.append(field) }
            }
            switch e.kind {
            case .created: p.created += 1
            case .renamed: p.renamed += 1
            case .deleted: p.deleted += 1
            case .unparsable: edited = true
            default: break
            }
            // What goes with a move, not edits of their own: a closing's `closed`, an activation's
            // `timeframe.start` (activate sets it when missing), a rename's `id`.
            let closing = e.changes.contains { $0.field == "status" && ($0.new == "achieved" || $0.new == "abandoned") }
            let activating = e.changes.contains { $0.field == "status" && $0.new == "active" }
            for change in e.changes where e.kind != .created {
                switch change.field {
                case "id" where e.kind == .renamed, "timeframe.start" where activating, "timeframe" where activating && change.old == nil:
                    break
                case "status":
                    switch change.new {
                    case "proposed"?: p.proposed += 1
                    case "active"?: p.activated += 1
                    case "achieved"?, "abandoned"?: p.closed += 1
                    default: edit("status")
                    }
                case let f where f.hasPrefix("checkins.") || f.hasPrefix("checkins["):
                    // A whole new entry (a flow mapping), not a field of an existing one.
                    if change.old == nil, change.new?.hasPrefix("{") == true { p.checkins += 1 } else { edit(f) }
                case let f where closing && (f == "closed" || f.hasPrefix("closed.")):
                    break
                case let f:
                    edit(f)
                }
            }
            if e.body != nil && e.kind != .created { edit("body") }
            if edited { p.edits += 1 }
            g.people[key] = p
            goals[goal] = g
        }
        return goals.keys.sorted().map { id in
            let g = goals[id]!
            return GoalContributors(goal: id, title: g.title, people: g.people.values.sorted {
                ($0.first, $0.name, $0.email) < ($1.first, $1.name, $1.email)
            })
        }
    }
}
