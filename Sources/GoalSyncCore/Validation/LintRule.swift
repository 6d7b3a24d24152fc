/// The domain lint rules of SPEC §4, each with a stable code. They apply to proposed and active
/// goals; `checkin-date` and `past-end` also to drafts.
package enum LintRule: String, CaseIterable, Sendable {
    case measurable
    case timeBound = "time-bound"
    case owner
    case lens
    case evidence
    case outcome
    case coCreated = "co-created"
    case stale
    case atRiskNote = "at-risk-note"
    case sprintLink = "sprint-link"
    /// A proposed or active goal says how it moves the North Star (`moves_north_star`).
    case northStar = "north-star"
    /// VISION.md still holds the placeholder text `goalsync init` wrote.
    case placeholder
    /// An active goal's guardrail (stay_above / stay_below) whose latest check-in is past its limit.
    case guardrailBreached = "guardrail-breached"
    /// A check-in dated after today or before the goal was created (any status).
    case checkinDate = "checkin-date"
    /// A goal not closed whose timeframe.end is before today (draft, proposed or active).
    case pastEnd = "past-end"

    package var code: String { rawValue }
}
