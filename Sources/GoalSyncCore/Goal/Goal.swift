/// A goal's lifecycle status (SPEC §3).
package enum GoalStatus: String, CaseIterable, Sendable {
    case draft, proposed, active, achieved, abandoned

    /// The status with its article, for messages: "a draft", "an active".
    package var withArticle: String { (self == .active || self == .achieved || self == .abandoned ? "an " : "a ") + rawValue }

    /// Achieved and abandoned goals are closed for good and carry `closed: {on, reason}`.
    package var isFinal: Bool { self == .achieved || self == .abandoned }

    /// The legal moves: draft ⇄ proposed → active → achieved | abandoned, and draft or proposed →
    /// abandoned (a goal given up before it was pursued, with its reason).
    package func canMove(to next: GoalStatus) -> Bool {
        switch (self, next) {
        case (.draft, .proposed), (.proposed, .draft), (.proposed, .active), (.active, .achieved),
            (.active, .abandoned), (.proposed, .abandoned), (.draft, .abandoned):
            return true
        default:
            return self == next
        }
    }
}

/// A key result's direction.
package enum MetricDirection: String, CaseIterable, Sendable {
    case increase, decrease
    case stayAbove = "stay_above"
    case stayBelow = "stay_below"

    /// `stay_above`/`stay_below` metrics are health guardrails (a limit to hold), not key results
    /// that make progress: they never raise a goal's progress; a breached one is shown as such.
    package var isGuardrail: Bool { self == .stayAbove || self == .stayBelow }
}

/// A check-in's confidence.
package enum Confidence: String, CaseIterable, Sendable {
    case onTrack = "on_track"
    case atRisk = "at_risk"
    case offTrack = "off_track"
}

/// A key result, read leniently from the front matter (fields of the wrong type read as nil;
/// validation reports them).
package struct Metric: Sendable, Equatable {
    package var id: String
    package var name: String?
    package var unit: String?
    package var direction: MetricDirection?
    package var baseline: Double?
    package var target: Double?
    package var source: String?
}

/// A check-in: one measured value of a key result.
package struct Checkin: Sendable, Equatable {
    package var id: String
    package var on: SimpleDate?
    package var by: String?
    package var metric: String?
    package var value: Double?
    package var confidence: Confidence?
    package var note: String?
    /// The check-in this one corrects (`goalsync checkin --amend ID`): reports use this one in
    /// place of that one, and both stay in the file and the history.
    package var supersedes: String?
}

/// One goal file: its front matter (kept as written, in order, unknown keys included) and its body.
package struct Goal: Sendable {
    package var document: MarkdownDocument

    package init(document: MarkdownDocument) { self.document = document }

    package init(frontMatter: YAMLMap, body: String) {
        document = MarkdownDocument(frontMatter: frontMatter, body: body)
    }

    package var frontMatter: YAMLMap {
        get { document.frontMatter }
        set { document.frontMatter = newValue }
    }

    package var body: String { document.body }

    package subscript(field: String) -> YAMLValue? {
        get { document.frontMatter[field] }
        set { document.frontMatter[field] = newValue }
    }

    package var id: String? { self["id"]?.stringValue }
    package var title: String? { self["title"]?.scalarText }
    package var status: GoalStatus? { self["status"]?.stringValue.flatMap(GoalStatus.init(rawValue:)) }
    package var owner: String? { self["owner"]?.stringValue }
    package var order: Int? { self["order"]?.integer }

    package var timeframeStart: SimpleDate? { self["timeframe"]?.map?["start"]?.date }
    package var timeframeEnd: SimpleDate? { self["timeframe"]?.map?["end"]?.date }

    /// The text items of a list field (proof, assumptions, contributors, tags).
    package func textList(_ field: String) -> [String] {
        self[field]?.list?.compactMap(\.scalarText) ?? []
    }

    package var metrics: [Metric] {
        (self["metrics"]?.list ?? []).compactMap { item in
            guard let m = item.map, let id = m["id"]?.scalarText else { return nil }
            return Metric(
                id: id, name: m["name"]?.scalarText, unit: m["unit"]?.scalarText,
                direction: m["direction"]?.stringValue.flatMap(MetricDirection.init(rawValue:)),
                baseline: m["baseline"]?.number, target: m["target"]?.number, source: m["source"]?.scalarText)
        }
    }

    package var checkins: [Checkin] {
        (self["checkins"]?.list ?? []).compactMap { item in
            guard let m = item.map, let id = m["id"]?.scalarText else { return nil }
            return Checkin(
                id: id, on: m["on"]?.date, by: m["by"]?.scalarText, metric: m["metric"]?.scalarText,
                value: m["value"]?.number, confidence: m["confidence"]?.stringValue.flatMap(Confidence.init(rawValue:)),
                note: m["note"]?.scalarText, supersedes: m["supersedes"]?.scalarText)
        }
    }

    /// The check-ins that count, in file order: every check-in but those another check-in of the
    /// same key result corrects (`supersedes`). Progress, pace, the report and the lint read these;
    /// the superseded ones stay in the file and the history. A correction of a correction replaces
    /// both; two corrections of one check-in both count (the later, by date then file order, is
    /// the key result's current value).
    package var effectiveCheckins: [Checkin] {
        let all = checkins
        let metricOf = Dictionary(all.map { ($0.id, $0.metric) }, uniquingKeysWith: { a, _ in a })
        var superseded = Swift.Set<String>()
        for c in all {
            guard let old = c.supersedes, old != c.id, let m = metricOf[old], m == c.metric else { continue }
            superseded.insert(old)
        }
        return superseded.isEmpty ? all : all.filter { !superseded.contains($0.id) }
    }

    /// The file's bytes in canonical form.
    package var text: String { YAMLWriter.document(document) }
}
