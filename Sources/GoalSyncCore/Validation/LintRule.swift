/// The domain lint rules of SPEC §4, each with a stable code. They apply to proposed and active goals.
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

    package var code: String { rawValue }
}
