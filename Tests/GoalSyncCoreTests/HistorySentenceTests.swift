import GoalSyncCore
import Testing

/// The HTML report's history reads as sentences, never as YAML.
@Suite struct HistorySentenceTests {
    @Test(arguments: [
        (FieldChange(field: "metrics.activation.target", old: "50", new: "55"), "raised the activation target from 50 to 55"),
        (FieldChange(field: "metrics.activation.baseline", old: "30", new: "28"), "lowered the activation baseline from 30 to 28"),
        (FieldChange(field: "status", old: "proposed", new: "active"), "moved it from proposed to active"),
        (FieldChange(field: "title", old: "Raise activation", new: "\"Raise activation: to 50%\""), "retitled it “Raise activation: to 50%”"),
        (FieldChange(field: "timeframe.end", old: "2026-03-31", new: "2026-04-30"), "changed the end date from 2026-03-31 to 2026-04-30"),
        (FieldChange(field: "proof", old: nil, new: "\"Q3 funnel: 70% never invite\""), "added proof: “Q3 funnel: 70% never invite”"),
        (FieldChange(field: "contributors", old: "Ben Ode <ben@example.com>", new: nil), "removed a contributor: “Ben Ode <ben@example.com>”"),
        (FieldChange(field: "metrics.activation", old: nil, new: "{id: activation, name: Workspaces with 3+ members, unit: percent}"), "added the key result “Workspaces with 3+ members” (activation)"),
        (FieldChange(field: "checkins.c1", old: nil, new: "{id: c1, on: 2026-01-12, by: Fay, metric: activation, value: 34, confidence: at_risk, note: Cohort small}"), "checked in activation at 34 (at risk): Cohort small"),
        (FieldChange(field: "sprint_goals.2026-S04.status", old: "planned", new: "in_progress"), "marked sprint goal 2026-S04 in progress"),
        (FieldChange(field: "moves_north_star", old: nil, new: "More weekly active teams"), "set how it moves the North Star to “More weekly active teams”"),
    ])
    func aChangeReadsAsASentence(_ change: FieldChange, _ expected: String) {
        #expect(HistorySentence.phrase(change) == expected)
    }

    @Test func noSentenceHoldsYAMLPunctuationOfAFlowMapping() {
        let phrase = HistorySentence.phrase(FieldChange(field: "checkins.c2", old: nil, new: "{id: c2, on: 2026-01-19, by: Gil, metric: activation, value: 33}"))
        #expect(!phrase.contains("{") && !phrase.contains("id:"), "\(phrase)")
    }
}
