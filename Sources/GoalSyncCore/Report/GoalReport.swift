/// How one goal is going, for `goalsync report` and `status`: per key result baseline → current →
/// target and progress (SPEC §3, ``MetricProgress``), pace (progress expected from the time elapsed
/// in the goal's timeframe against the actual), the latest confidence and its trend, days since the
/// last check-in against the cadence, the roll-up, and for a closed goal its outcome.
package struct GoalReport: Sendable {
    /// Actual progress against the progress expected by now.
    package enum Pace: String, Sendable {
        case ahead
        case onPace = "on_pace"
        case behind
    }

    /// Where confidence went over the last three check-ins that give one.
    package enum Trend: String, Sendable {
        case improving, steady, worsening
    }

    /// Progress within this many points of the expected is on pace.
    package static let paceTolerance = 0.05

    package struct MetricReport: Sendable {
        package var progress: MetricProgress
        /// The progress expected by now (the share of the timeframe elapsed), for an active goal.
        package var expected: Double?
        package var pace: Pace?
        package var trend: Trend?
        /// The confidences of the last three check-ins that give one, oldest first.
        package var recentConfidence: [String]
        /// This key result's check-ins that count (``Goal/effectiveCheckins``), by date.
        package var checkins: [Checkin]
        /// Every check-in of this key result, the ones a correction replaces included, by date.
        package var allCheckins: [Checkin] = []
        /// The ids of this key result's check-ins that a correction replaces (kept, not counted).
        package var superseded: Swift.Set<String> = []
    }

    package var goal: Goal
    package var status: String?
    package var progress: GoalProgress
    package var metrics: [MetricReport]
    /// The share of the timeframe elapsed today (0–1), when the goal is active and has one.
    package var elapsed: Double?
    /// The roll-up's pace.
    package var pace: Pace?
    package var lastCheckin: SimpleDate?
    package var daysSinceCheckin: Int?
    package var cadenceDays: Int
    /// Active, and no check-in within the cadence (as the `stale` lint says).
    package var stale: Bool
    package var latestConfidence: String?
    package var trend: Trend?
    package var recentConfidence: [String]

    /// The last check-in is dated after today (a wrong date): no day count is given for it.
    package var lastCheckinInFuture: Bool
    /// Guardrails whose latest check-in is past their limit, by id.
    package var breachedGuardrails: [String]

    package init(goal: Goal, today: SimpleDate, cadenceDays defaultCadence: Int) {
        self.goal = goal
        status = goal["status"]?.scalarText
        progress = GoalProgress(goal: goal)
        let all = Self.byDate(goal.checkins)
        let checkins = Self.byDate(goal.effectiveCheckins)
        let active = goal.status == .active
        if active, let start = goal.timeframeStart, let end = goal.timeframeEnd, start <= end {
            let span = end.dayNumber - start.dayNumber
            let done = today.dayNumber - start.dayNumber
            elapsed = span == 0 ? (done >= 0 ? 1 : 0) : min(1, max(0, Double(done) / Double(span)))
        }
        let elapsed = self.elapsed
        let superseded = Swift.Set(all.map(\.id)).subtracting(checkins.map(\.id))
        metrics = progress.metrics.map { m in
            let mine = checkins.filter { $0.metric == m.id }
            let (recent, trend) = Self.trend(mine)
            // Pace compares progress with the time gone only where both exist: not for a guardrail,
            // nor for a key result with no check-in.
            return MetricReport(
                progress: m, expected: m.guardrail ? nil : elapsed, pace: Self.pace(m.progress, expected: elapsed), trend: trend,
                recentConfidence: recent, checkins: mine,
                allCheckins: all.filter { $0.metric == m.id }, superseded: superseded)
        }
        pace = Self.pace(progress.overall, expected: elapsed)
        lastCheckin = checkins.compactMap(\.on).max()
        let days = lastCheckin.map { today.dayNumber - $0.dayNumber }
        lastCheckinInFuture = (days ?? 0) < 0
        daysSinceCheckin = days.flatMap { $0 >= 0 ? $0 : nil }
        let cadence = goal["cadence_days"]?.integer ?? defaultCadence
        cadenceDays = cadence
        let since = lastCheckin ?? goal.timeframeStart ?? goal["created"]?.date
        stale = active && (since.map { today.dayNumber - $0.dayNumber > cadence } ?? true)
        latestConfidence = checkins.last { $0.confidence != nil }?.confidence?.rawValue
        (recentConfidence, trend) = Self.trend(checkins)
        breachedGuardrails = progress.breachedGuardrails.map(\.id)
    }

    package var id: String? { goal.id }
    package var title: String? { goal.title }

    /// For an achieved or abandoned goal: the outcome, when and why it closed.
    package var closed: (outcome: String, on: String?, reason: String?)? {
        guard let s = goal.status, s.isFinal else { return nil }
        let c = goal["closed"]?.map
        return (s.rawValue, c?["on"]?.scalarText, c?["reason"]?.scalarText)
    }

    /// Check-ins by date (undated last), keeping file order among equals.
    static func byDate(_ checkins: [Checkin]) -> [Checkin] {
        checkins.enumerated().sorted { ($0.element.on?.dayNumber ?? Int.max, $0.offset) < ($1.element.on?.dayNumber ?? Int.max, $1.offset) }
            .map(\.element)
    }

    static func pace(_ actual: Double?, expected: Double?) -> Pace? {
        guard let actual, let expected else { return nil }
        if actual >= expected + paceTolerance { return .ahead }
        if actual <= expected - paceTolerance { return .behind }
        return .onPace
    }

    /// The last three confidences given (oldest first) and where they went: the last against the
    /// first of them, on_track > at_risk > off_track.
    static func trend(_ checkins: [Checkin]) -> ([String], Trend?) {
        let recent = checkins.compactMap(\.confidence).suffix(3)
        func rank(_ c: Confidence) -> Int {
            switch c {
            case .onTrack: return 2
            case .atRisk: return 1
            case .offTrack: return 0
            }
        }
        let values = recent.map(\.rawValue)
        guard recent.count >= 2, let first = recent.first, let last = recent.last else { return (values, nil) }
        let d = rank(last) - rank(first)
        return (values, d > 0 ? .improving : d < 0 ? .worsening : .steady)
    }

    /// What `status --json` adds to its `active` object.
    package var statusJSON: [(String, JSONValue)] {
        [
            ("expected", .optional(elapsed)), ("pace", .optional(pace?.rawValue)),
            ("confidence", .optional(latestConfidence)), ("confidence_trend", .optional(trend?.rawValue)),
            ("last_checkin", .optional(lastCheckin?.description)), ("days_since_checkin", .optional(daysSinceCheckin)),
            ("cadence_days", .optional(cadenceDays)), ("stale", .bool(stale)),
            ("breached_guardrails", .array(breachedGuardrails.map(JSONValue.string))),
        ]
    }

    package var json: JSONValue {
        .object([
            ("id", .optional(id)), ("title", .optional(title)), ("status", .optional(status)), ("order", .optional(goal.order)),
            ("owner", .person(goal.owner)),
            ("timeframe", .object([("start", .optional(goal.timeframeStart?.description)), ("end", .optional(goal.timeframeEnd?.description))])),
            ("progress", .optional(progress.overall)),
        ] + statusJSON + [
            ("recent_confidence", .array(recentConfidence.map(JSONValue.string))),
            ("metrics", .array(metrics.map { m in
                guard case .object(var fields) = m.progress.json else { return m.progress.json }
                fields += [
                    ("expected", .optional(m.expected)), ("pace", .optional(m.pace?.rawValue)),
                    ("confidence_trend", .optional(m.trend?.rawValue)),
                    ("recent_confidence", .array(m.recentConfidence.map(JSONValue.string))),
                    ("checkins", .array(m.allCheckins.map { c in
                        .object([
                            ("id", .string(c.id)), ("on", .optional(c.on?.description)), ("by", .person(c.by)),
                            ("value", .optional(c.value)), ("confidence", .optional(c.confidence?.rawValue)), ("note", .optional(c.note)),
                            ("supersedes", .optional(c.supersedes)), ("superseded", .bool(m.superseded.contains(c.id))),
                        ])
                    })),
                ]
                return .object(fields)
            })),
            ("closed", closed.map { c in .object([("outcome", .string(c.outcome)), ("on", .optional(c.on)), ("reason", .optional(c.reason))]) } ?? .null),
        ])
    }
}

/// `goalsync report`: the vision, every goal's progress (the active one first), in one value.
package struct ProgressReport: Sendable {
    package var today: SimpleDate
    package var product: String?
    /// VISION.md, when it parses.
    package var vision: MarkdownDocument?
    /// Active first, then proposed, draft, achieved and abandoned; by order, then id.
    package var goals: [GoalReport]
    package var problems: [Diagnostic]

    package var active: GoalReport? { goals.first { $0.goal.status == .active } }

    package var json: JSONValue {
        .object([
            ("today", .string(today.description)), ("product", .optional(product)),
            ("vision", vision.map { v in
                .object([("front_matter", YAMLValue.map(v.frontMatter).json), ("body", .string(v.body))])
            } ?? .null),
            ("active", active?.json ?? .null),
            ("goals", .array(goals.map(\.json))),
            ("unreadable", .array(problems.map(\.json))),
        ])
    }

    /// The order goals are listed in: the active one, then what comes next, then what is done.
    static let statusOrder: [GoalStatus] = [.active, .proposed, .draft, .achieved, .abandoned]
}
