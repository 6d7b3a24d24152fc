/// Progress of one key result (SPEC §3): its current value is its latest check-in; progress is
/// (current − baseline) / (target − baseline), shown uncapped; `stay_above`/`stay_below` are met
/// (100%) or not (0%).
package struct MetricProgress: Sendable, Equatable, Codable {
    package var id: String
    package var name: String?
    package var unit: String?
    package var direction: String?
    package var baseline: Double?
    package var target: Double?
    package var current: Double?
    package var progress: Double?
    package var lastCheckin: String?
    package var confidence: String?

    package init(metric: Metric, checkins: [Checkin]) {
        id = metric.id
        name = metric.name
        unit = metric.unit
        direction = metric.direction?.rawValue
        baseline = metric.baseline
        target = metric.target
        let mine = checkins.enumerated().filter { $0.element.metric == metric.id && $0.element.value != nil }
            .sorted { ($0.element.on?.dayNumber ?? Int.min, $0.offset) < ($1.element.on?.dayNumber ?? Int.min, $1.offset) }
            .map(\.element)
        let latest = mine.last
        current = latest?.value
        lastCheckin = latest?.on?.description
        confidence = latest?.confidence?.rawValue
        progress = Self.progress(direction: metric.direction, baseline: baseline, target: target, current: current)
    }

    package static func progress(direction: MetricDirection?, baseline: Double?, target: Double?, current: Double?) -> Double? {
        guard let target else { return nil }
        switch direction {
        case .stayAbove?: return current.map { $0 >= target ? 1 : 0 }
        case .stayBelow?: return current.map { $0 <= target ? 1 : 0 }
        default:
            guard let baseline, target != baseline else { return nil }
            return ((current ?? baseline) - baseline) / (target - baseline)
        }
    }
}

/// A goal's progress: each key result's, and the roll-up (the mean of each clamped to 0–100%).
package struct GoalProgress: Sendable, Equatable, Codable {
    package var metrics: [MetricProgress]
    package var overall: Double?

    package init(goal: Goal) {
        let checkins = goal.checkins
        metrics = goal.metrics.map { MetricProgress(metric: $0, checkins: checkins) }
        let values = metrics.compactMap(\.progress).map { min(1, max(0, $0)) }
        overall = values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }
}
