/// Progress of one key result or guardrail (SPEC §3, docs/progress.md). Its current value is its
/// latest effective check-in (``Goal/effectiveCheckins``: a correction counts in place of what it
/// corrects), by date then file order.
///
/// - A key result (`increase`, `decrease`) makes progress: (current − baseline) / (target −
///   baseline), shown uncapped. With no check-in it has no progress (nil), not 0%.
/// - A guardrail (`stay_above`, `stay_below`; ``MetricDirection/isGuardrail``) makes no progress:
///   it is held (the current value is on the right side of its limit, the target) or breached.
///   With no check-in it is neither.
package struct MetricProgress: Sendable, Equatable, Codable {
    package var id: String
    package var name: String?
    package var unit: String?
    package var direction: String?
    package var baseline: Double?
    package var target: Double?
    package var current: Double?
    /// nil for a guardrail, for a key result with no check-in, or without a baseline and target.
    package var progress: Double?
    package var lastCheckin: String?
    package var confidence: String?
    /// A `stay_above` / `stay_below` metric: a limit to hold, apart from progress.
    package var guardrail: Bool
    /// For a guardrail with a check-in and a limit: whether its current value is past the limit.
    package var breached: Bool?

    package init(metric: Metric, checkins: [Checkin]) {
        id = metric.id
        name = metric.name
        unit = metric.unit
        direction = metric.direction?.rawValue
        baseline = metric.baseline
        target = metric.target
        guardrail = metric.direction?.isGuardrail ?? false
        let mine = checkins.enumerated().filter { $0.element.metric == metric.id && $0.element.value != nil }
            .sorted { ($0.element.on?.dayNumber ?? Int.min, $0.offset) < ($1.element.on?.dayNumber ?? Int.min, $1.offset) }
            .map(\.element)
        let latest = mine.last
        current = latest?.value
        lastCheckin = latest?.on?.description
        confidence = latest?.confidence?.rawValue
        progress = Self.progress(direction: metric.direction, baseline: baseline, target: target, current: current)
        breached = Self.breached(direction: metric.direction, limit: target, current: current)
    }

    /// A key result's progress: nil for a guardrail, without a check-in (`current`), or without
    /// a baseline and a target that differ.
    package static func progress(direction: MetricDirection?, baseline: Double?, target: Double?, current: Double?) -> Double? {
        if direction?.isGuardrail == true { return nil }
        guard let current, let baseline, let target, target != baseline else { return nil }
        let p = (current - baseline) / (target - baseline)
        guard p.isFinite else { return nil }
        return p == 0 ? 0 : p  // never -0
    }

    /// A guardrail's state: breached when the current value is below a `stay_above` limit or above
    /// a `stay_below` one; nil for a key result, without a check-in or without a limit.
    package static func breached(direction: MetricDirection?, limit: Double?, current: Double?) -> Bool? {
        guard let current, let limit else { return nil }
        switch direction {
        case .stayAbove?: return current < limit
        case .stayBelow?: return current > limit
        default: return nil
        }
    }

    /// "held", "breached", or nil (a key result, or a guardrail with nothing to judge yet).
    package var guardrailState: String? {
        guard guardrail, let breached else { return nil }
        return breached ? "breached" : "held"
    }
}

/// A goal's progress: each metric's, and the roll-up. The roll-up is the mean, over the goal's key
/// results that can be measured (a baseline and a target), of each one's progress clamped to
/// 0–100%, a key result with no check-in counting as 0; it is nil until some key result has a
/// check-in. Guardrails never enter it: they are reported apart (``breachedGuardrails``).
package struct GoalProgress: Sendable, Equatable, Codable {
    package var metrics: [MetricProgress]
    package var overall: Double?

    package init(goal: Goal) {
        let checkins = goal.effectiveCheckins
        metrics = goal.metrics.map { MetricProgress(metric: $0, checkins: checkins) }
        overall = Self.rollUp(metrics)
    }

    package static func rollUp(_ metrics: [MetricProgress]) -> Double? {
        let keyResults = metrics.filter { !$0.guardrail && $0.baseline != nil && $0.target != nil && $0.baseline != $0.target }
        guard keyResults.contains(where: { $0.progress != nil }) else { return nil }
        let values = keyResults.map { min(1, max(0, $0.progress ?? 0)) }
        let mean = values.reduce(0, +) / Double(values.count)
        return mean == 0 ? 0 : mean
    }

    /// The key results (not guardrails).
    package var keyResults: [MetricProgress] { metrics.filter { !$0.guardrail } }
    /// The guardrails.
    package var guardrails: [MetricProgress] { metrics.filter(\.guardrail) }
    /// The guardrails whose latest check-in is past their limit.
    package var breachedGuardrails: [MetricProgress] { metrics.filter { $0.breached == true } }
}
