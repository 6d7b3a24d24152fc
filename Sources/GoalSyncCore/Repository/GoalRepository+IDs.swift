extension GoalRepository {
    /// The goal id a person typed: the id itself when a goal file of the work tree has it, else the
    /// one goal id of the work tree that begins with it, so `goalsync show raise` finds
    /// `raise-new-admin-activation-k3f9`. Several such ids are a usage error that lists them (exit
    /// 64); none leaves the text as typed, for the command to say the goal is unknown (or, for
    /// `log` and `blame`, to find it in the history).
    package func resolveGoalID(_ typed: String) throws -> String {
        guard !typed.isEmpty else { return typed }
        let ids = workingGoalPaths().compactMap(GoalPaths.id(fromPath:))
        if ids.contains(typed) { return typed }
        let matches = ids.filter { $0.hasPrefix(typed) }
        switch matches.count {
        case 0: return typed
        case 1: return matches[0]
        default:
            let shown = matches.prefix(10).joined(separator: ", ") + (matches.count > 10 ? ", and \(matches.count - 10) more" : "")
            throw GoalSyncError.usage("'\(typed)' begins \(matches.count) goal ids (\(shown)); type more of the id")
        }
    }
}

extension GoalRepository {
    /// The check-in a person typed, as goal ids are resolved: its id, or the one check-in id of the
    /// work tree's goals that begins with it. Several are a usage error that lists them (exit 64);
    /// none is a usage error that says where to find the ids (`goalsync report`, `show --json`).
    /// - Returns: the goal that holds it and the check-in's full id.
    package func resolveCheckinID(_ typed: String) throws -> (goal: String, checkin: String) {
        guard !typed.isEmpty else { throw GoalSyncError.usage("the check-in id is empty; goalsync report --json lists each check-in's id") }
        var matches = [(goal: String, checkin: String)]()
        for goal in loadAllGoals().goals {
            guard let gid = goal.id else { continue }
            for c in goal.checkins {
                if c.id == typed { return (gid, c.id) }
                if c.id.hasPrefix(typed) { matches.append((gid, c.id)) }
            }
        }
        switch matches.count {
        case 0:
            throw GoalSyncError.usage("no check-in has the id '\(typed)'; goalsync show GOAL --json or goalsync report --json lists each check-in's id")
        case 1:
            return matches[0]
        default:
            let shown = matches.prefix(10).map { "\($0.checkin) (\($0.goal))" }.joined(separator: ", ") + (matches.count > 10 ? ", and \(matches.count - 10) more" : "")
            throw GoalSyncError.usage("'\(typed)' begins \(matches.count) check-in ids (\(shown)); type more of the id")
        }
    }
}
