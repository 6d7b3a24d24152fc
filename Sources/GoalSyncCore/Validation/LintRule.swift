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

    package var code: String { rawValue }
}
