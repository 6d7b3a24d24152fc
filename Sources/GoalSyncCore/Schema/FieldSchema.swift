/// What goalsync knows of each field's type: used to turn command-line text into a typed value and
/// to refuse edits that the format forbids (changing an id, editing a check-in).
package enum FieldKind: Equatable, Sendable {
    case text, date, integer, number
    case oneOf([String])
    case textList
    case keyedList(key: String)
    case map([String: FieldKind])
}

package enum FieldSchema {
    package static let metricFields: [String: FieldKind] = [
        "id": .text, "name": .text, "unit": .text,
        "direction": .oneOf(MetricDirection.allCases.map(\.rawValue)),
        "baseline": .number, "target": .number, "source": .text,
        "framework": .oneOf(MetricFramework.allCases.map(\.rawValue)),
    ]
    package static let sprintGoalFields: [String: FieldKind] = [
        "sprint": .text, "goal": .text, "status": .oneOf(["planned", "in_progress", "done", "missed"]),
    ]
    package static let checkinFields: [String: FieldKind] = [
        "id": .text, "on": .date, "by": .text, "metric": .text, "value": .number,
        "confidence": .oneOf(Confidence.allCases.map(\.rawValue)), "note": .text, "supersedes": .text,
    ]

    package static let goalFields: [String: FieldKind] = [
        "id": .text, "title": .text, "status": .oneOf(GoalStatus.allCases.map(\.rawValue)), "order": .integer,
        "owner": .text, "created": .date, "timeframe": .map(["start": .date, "end": .date]),
        "closed": .map(["on": .date, "reason": .text]), "cadence_days": .integer,
        "persona": .text, "problem": .text, "why": .text,
        "proof": .textList, "assumptions": .textList, "contributors": .textList, "tags": .textList,
        "metrics": .keyedList(key: "id"), "checkins": .keyedList(key: "id"), "sprint_goals": .keyedList(key: "sprint"),
        "moves_north_star": .text,
    ]

    /// The fields of the items of a keyed list.
    package static func itemFields(of list: String) -> [String: FieldKind] {
        switch list {
        case "metrics": return metricFields
        case "checkins": return checkinFields
        default: return sprintGoalFields
        }
    }

    /// Turns command-line text into a value of `kind`; `field` names it in the error.
    package static func value(_ text: String, kind: FieldKind?, field: String) throws -> YAMLValue {
        switch kind {
        case .text?:
            return .string(text)
        case .date?:
            guard SimpleDate(text) != nil else { throw GoalSyncError.usage("\(field) takes a date YYYY-MM-DD, not '\(text)'") }
            return .plain(text)
        case .integer?:
            guard let v = Int(text) else { throw GoalSyncError.usage("\(field) takes a whole number, not '\(text)'") }
            return .plain(String(v))
        case .number?:
            guard case .plain(let t) = scalar(text), YAMLValue.plain(t).number != nil, !t.contains(":") else {
                throw GoalSyncError.usage("\(field) takes a number, not '\(text)'")
            }
            return .plain(t)
        case .oneOf(let options)?:
            guard options.contains(text) else { throw GoalSyncError.usage("\(field) is one of \(options.joined(separator: ", ")), not '\(text)'") }
            return .string(text)
        case .textList?, .keyedList?:
            throw GoalSyncError.usage("\(field) is a list: use goalsync add or goalsync remove")
        case .map(let fields)?:
            let parsed = try flowMapping(text, what: field)
            var out = YAMLMap()
            for (k, v) in parsed.entries {
                guard let sub = fields[k] else { throw GoalSyncError.usage("\(field) has no field '\(k)'; it takes \(fields.keys.sorted().joined(separator: ", "))") }
                out[k] = try value(v.scalarText ?? "", kind: sub, field: "\(field).\(k)")
            }
            return .map(out)
        case nil:
            return scalar(text)
        }
    }

    /// A scalar as YAML would read it plain: a number, boolean or date stays typed, else text.
    package static func scalar(_ text: String) -> YAMLValue {
        switch PlainScalar.classify(text) {
        case nil: return .string(text)
        case .null?: return text.isEmpty ? .string("") : .null
        default: return .plain(text)
        }
    }

    /// Parses `{key: value, ...}` (a YAML flow mapping) given on the command line.
    package static func flowMapping(_ text: String, what: String) throws -> YAMLMap {
        let doc: MarkdownDocument
        do {
            doc = try MarkdownDocument.parse("---\nvalue: \(text)\n---\n")
        } catch {
            throw GoalSyncError.usage("\(what) takes a YAML mapping such as '{id: activation, name: Activation}': \(error.message)")
        }
        guard let map = doc.frontMatter["value"]?.map else {
            throw GoalSyncError.usage("\(what) takes a YAML mapping such as '{id: activation, name: Activation}', not '\(text)'")
        }
        return map
    }
}
