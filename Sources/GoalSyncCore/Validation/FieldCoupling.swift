/// Fields the rules of SPEC §4 tie together, so that settling one of them alone can break the goal:
/// `status` and `closed` (only achieved and abandoned goals carry `closed`), a metric's
/// `direction`, `baseline` and `target` (the direction must agree with the numbers), and
/// `timeframe.start` and `timeframe.end`. A pure function of field paths.
package enum FieldCoupling {
    /// The field paths (as ``ConflictValue/components(_:)`` splits them) that go with `field`,
    /// `field`'s own group included; empty when the rules tie it to nothing.
    package static func group(of field: String) -> [[String]] {
        let parts = ConflictValue.components(field)
        switch parts.first {
        case "status", "closed":
            return [["status"], ["closed"]]
        case "metrics" where parts.count >= 2:
            return ["direction", "baseline", "target"].map { ["metrics", parts[1], $0] }
        case "timeframe":
            return [["timeframe", "start"], ["timeframe", "end"]]
        default:
            return []
        }
    }

    /// A field path as a person writes it: `metrics.activation.target`, `metrics[v1.2].target`.
    package static func name(_ path: [String]) -> String {
        if path.count >= 2, FieldDiff.keyedLists[path[0]] != nil, path[1].contains(".") {
            return "\(path[0])[\(path[1])]" + path.dropFirst(2).map { ".\($0)" }.joined()
        }
        return path.joined(separator: ".")
    }

    /// Whether `field` lies inside `path` (is it, or one of its parts).
    package static func field(_ field: String, isWithin path: [String]) -> Bool {
        let parts = ConflictValue.components(field)
        return parts.count >= path.count && Array(parts.prefix(path.count)) == path
    }
}

extension Diagnostic {
    /// `field: message`, the finding without its place.
    var fieldAndMessage: String { (field.map { "\($0): " } ?? "") + message }
}
