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
