/// A metric's measurement-framework category: HEART (Google's user-experience metrics), AARRR
/// (the "pirate" funnel) and Scrum's Evidence-Based Management key value areas. `retention` is in
/// both HEART and AARRR.
package enum MetricFramework: String, CaseIterable, Sendable {
    // HEART
    case happiness, engagement, adoption, retention
    case taskSuccess = "task_success"
    // AARRR
    case acquisition, activation, referral, revenue
    // EBM key value areas
    case currentValue = "current_value"
    case unrealizedValue = "unrealized_value"
    case timeToMarket = "time_to_market"
    case abilityToInnovate = "ability_to_innovate"

    /// The frameworks a category belongs to, by name.
    package var families: [String] {
        switch self {
        case .happiness, .engagement, .adoption, .taskSuccess: return ["HEART"]
        case .retention: return ["HEART", "AARRR"]
        case .acquisition, .activation, .referral, .revenue: return ["AARRR"]
        case .currentValue, .unrealizedValue, .timeToMarket, .abilityToInnovate: return ["EBM"]
        }
    }

    /// "task success", "time to market".
    package var label: String { rawValue.replacingOccurrences(of: "_", with: " ") }

    /// The categories of one framework, in the framework's own order.
    package static func categories(of family: String) -> [MetricFramework] {
        switch family.lowercased() {
        case "heart": return [.happiness, .engagement, .adoption, .retention, .taskSuccess]
        case "aarrr": return [.acquisition, .activation, .retention, .referral, .revenue]
        case "ebm": return [.currentValue, .unrealizedValue, .timeToMarket, .abilityToInnovate]
        default: return []
        }
    }
}

/// The North Star metric of VISION.md: the one number the whole product moves.
package struct NorthStar: Sendable, Equatable {
    package var name: String?
    package var unit: String?
    package var direction: MetricDirection?
    package var baseline: Double?
    package var target: Double?
    package var framework: MetricFramework?
}

/// VISION.md (SPEC §3): the product, its vision statement, the strategy line, the North Star and the
/// North Star's check-ins, read leniently (fields of the wrong type read as nil; validation reports
/// them). The body is the vision's narrative.
package struct Vision: Sendable {
    package var document: MarkdownDocument

    package init(document: MarkdownDocument) { self.document = document }

    /// Key order VISION.md is written in.
    package static let keyOrder = ["product", "vision", "strategy", "north_star", "checkins"]
    /// The fields of `north_star`.
    package static let northStarFields: [String: FieldKind] = [
        "name": .text, "unit": .text,
        "direction": .oneOf(MetricDirection.allCases.map(\.rawValue)),
        "baseline": .number, "target": .number,
        "framework": .oneOf(MetricFramework.allCases.map(\.rawValue)),
    ]
    /// The fields of a North Star check-in.
    package static let checkinFields: [String: FieldKind] = [
        "id": .text, "on": .date, "by": .text, "value": .number,
        "confidence": .oneOf(Confidence.allCases.map(\.rawValue)), "note": .text,
    ]

    package var product: String? { document.frontMatter["product"]?.scalarText }
    package var statement: String? { document.frontMatter["vision"]?.scalarText }
    package var strategy: String? { document.frontMatter["strategy"]?.scalarText }

    package var northStar: NorthStar? {
        guard let m = document.frontMatter["north_star"]?.map else { return nil }
        return NorthStar(
            name: m["name"]?.scalarText, unit: m["unit"]?.scalarText,
            direction: m["direction"]?.stringValue.flatMap(MetricDirection.init(rawValue:)),
            baseline: m["baseline"]?.number, target: m["target"]?.number,
            framework: m["framework"]?.stringValue.flatMap(MetricFramework.init(rawValue:)))
    }

    /// The North Star's check-ins, as written (oldest first as appended).
    package var checkins: [Checkin] {
        (document.frontMatter["checkins"]?.list ?? []).compactMap { item in
            guard let m = item.map, let id = m["id"]?.scalarText else { return nil }
            return Checkin(
                id: id, on: m["on"]?.date, by: m["by"]?.scalarText, metric: nil, value: m["value"]?.number,
                confidence: m["confidence"]?.stringValue.flatMap(Confidence.init(rawValue:)), note: m["note"]?.scalarText)
        }
    }

    /// The check-ins with a date and a value, by date (the file's order among the same day).
    package var datedCheckins: [Checkin] {
        checkins.enumerated()
            .compactMap { i, c in c.on.flatMap { on in c.value == nil ? nil : (on, i, c) } }
            .sorted { ($0.0, $0.1) < ($1.0, $1.1) }
            .map(\.2)
    }

    /// The North Star's current value: its latest check-in.
    package var current: Checkin? { datedCheckins.last }

    /// The file's bytes in canonical form.
    package var text: String { YAMLWriter.document(document, keyOrder: Self.keyOrder) }

    // MARK: Placeholders

    /// The openings of the placeholder text `goalsync init` writes, by field: a field that still
    /// starts with one has not been written by the team.
    package static let placeholderOpenings: [String: String] = [
        "vision": "Say in one sentence the change",
        "strategy": "Say in one line how",
    ]

    /// The body `goalsync init` writes, whose paragraph is a placeholder too.
    package static let placeholderBody = "Who the product is for, what it changes for them, and why it matters."

    /// Whether `text` (the value of `field`) is still `goalsync init`'s placeholder.
    package static func isPlaceholder(_ text: String, field: String) -> Bool {
        guard let opening = placeholderOpenings[field] else { return false }
        return text.trimmingCharacters(in: .whitespaces).hasPrefix(opening)
    }

    // MARK: JSON

    /// `goalsync vision --json` (without `format`).
    package func json(problems: [Diagnostic]) -> JSONValue {
        let ns = northStar
        let current = self.current
        let northStarJSON: JSONValue = ns.map { n in
            .object([
                ("name", .optional(n.name)), ("unit", .optional(n.unit)), ("direction", .optional(n.direction?.rawValue)),
                ("baseline", .optional(n.baseline)), ("target", .optional(n.target)), ("framework", .optional(n.framework?.rawValue)),
                ("current", .optional(current?.value)), ("current_on", .optional(current?.on?.description)),
            ])
        } ?? .null
        return .object([
            ("product", .optional(product)), ("vision", .optional(statement)), ("strategy", .optional(strategy)),
            ("north_star", northStarJSON),
            ("checkins", .array(checkins.map { c in
                .object([
                    ("id", .string(c.id)), ("on", .optional(c.on?.description)), ("by", .optional(c.by)),
                    ("value", .optional(c.value)), ("confidence", .optional(c.confidence?.rawValue)), ("note", .optional(c.note)),
                ])
            })),
            ("body", .string(document.body)),
            ("problems", .array(problems.map(\.json))),
        ])
    }
}

extension Vision {
    /// The line of `body` (0-based) that still starts with init's placeholder paragraph, if any.
    package static func placeholderLine(in body: String) -> Int? {
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix(placeholderBody.prefix(40)) }
    }
}

extension Goal {
    /// The framework category metric `id` names (nil: none, or not one goalsync knows).
    package func metricFramework(_ id: String) -> MetricFramework? {
        let item = (self["metrics"]?.list ?? []).first { $0.map?["id"]?.scalarText == id }
        return item?.map?["framework"]?.stringValue.flatMap(MetricFramework.init(rawValue:))
    }
}
