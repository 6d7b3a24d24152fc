/// `goalsync merge-driver %O %A %B %P`: git's merge driver protocol. Reads the base, ours and
/// theirs files git hands over, writes the merge to the ours file, and reports whether it is clean.
/// On conflict the written file carries conflict markers around each conflicting field, which
/// validation (and so the pre-commit hook) rejects until a person settles it.
/// `goalsync merge-driver --virtual-base %O %A %B %P` is the driver git uses to merge the merge
/// bases of a criss-cross history into a virtual base (`merge.goalsync.recursive`).
package enum MergeDriver {
    package struct Report: Sendable {
        package var clean: Bool
        package var conflicts: [FieldConflict]
    }

    /// Merges the files git hands over. `virtualBase`: git is merging two merge bases into a
    /// virtual one (criss-cross histories; `merge.goalsync.recursive` names this mode), so the
    /// result is ``FileMerge/virtualBase(base:ours:theirs:kind:)``, as `goalsync pull` makes it,
    /// and always clean.
    package static func run(base: String, ours: String, theirs: String, path: String, virtualBase: Bool = false) throws -> Report {
        func read(_ p: String) throws -> [UInt8]? {
            do {
                return try FileSystem.readRegularFile(p, limit: Int.max)
            } catch .missing {
                return nil
            } catch {
                throw GoalSyncError.repository("merge-driver: cannot read \(p): \(error)")
            }
        }
        // git hands over an empty file for an absent side.
        let b = try read(base), o = try read(ours), t = try read(theirs)
        if virtualBase {
            let kind = FileMerge.Kind(path: path)
            // An empty base is git's way of saying there is none (both sides added the file).
            try FileSystem.writeAtomically(FileMerge.virtualBase(base: b?.isEmpty == true && kind != .text ? nil : b, ours: o, theirs: t, kind: kind) ?? [], to: ours)
            return Report(clean: true, conflicts: [])
        }
        let outcome = FileMerge.merge(base: b, ours: o, theirs: t, kind: FileMerge.Kind(path: path))
        if outcome.conflicts.isEmpty {
            try FileSystem.writeAtomically(outcome.bytes ?? [], to: ours)
            return Report(clean: true, conflicts: [])
        }
        try FileSystem.writeAtomically(FileMerge.markedText(outcome), to: ours)
        return Report(clean: false, conflicts: outcome.conflicts)
    }
}
