/// `goalsync new --template NAME`: the body a new goal starts with. Every template asks the product
/// manager's questions (who, the problem, the proof, why, the assumptions, how it is measured and
/// how it moves the North Star); each asks the last ones in its framework's terms.
package enum GoalTemplate: String, CaseIterable, Sendable {
    case okr, smart
    case northStar = "north-star"
    case heart, aarrr, ebm

    package static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// The body of a new goal `id` from this template.
    package func body(id: String) -> String {
        """

        # Who it is for

        Which people, in which situation? Then: goalsync set \(id) persona '...'

        # The problem

        What gets in their way today, in their own words? Then: goalsync set \(id) problem '...'

        # Proof

        What says the problem is real: research, data, quotes? Each piece: goalsync add \(id) proof '...'

        # Why it matters

        Why now, for them and for the product? Then: goalsync set \(id) why '...'

        # Assumptions

        What must be true for this to work, and how will we learn early that it is not?
        Each one: goalsync add \(id) assumptions '...'

        # How we will measure it

        \(measurement(id: id))

        # How it moves the North Star

        Which part of the North Star does this goal move, and by how much do we expect it to?
        Then: goalsync set \(id) moves_north_star '...'

        """
    }

    private func measurement(id: String) -> String {
        let add = "goalsync add \(id) metrics '{id: ..., name: ..., unit: ..., direction: increase, baseline: ..., target: ...}'"
        switch self {
        case .okr:
            return """
                Objective and Key Results. The title is the Objective: an outcome people will feel, not a
                feature. Write two to four Key Results, numbers that show the Objective is met, each with
                its baseline and target: \(add)
                Add what must not get worse as a guardrail (direction: stay_above or stay_below).
                """
        case .smart:
            return """
                - Specific: what exactly changes, for whom?
                - Measurable: which number shows it, from what baseline to what target? \(add)
                - Achievable: why can the team do it with what it has?
                - Relevant: how does it serve the vision and the strategy?
                - Time-bound: by when? goalsync set \(id) timeframe.end YYYY-MM-DD
                """
        case .northStar:
            return """
                Name the input metric the team moves (one it can change within the timeframe) and how it
                drives the North Star. Record it as a key result: \(add)
                """
        case .heart:
            return Self.categoryQuestions(family: "HEART", intro: "HEART (goals, signals, metrics): for each category that matters here, the goal, the signal that shows it, and the metric.", id: id, add: add)
        case .aarrr:
            return Self.categoryQuestions(family: "AARRR", intro: "AARRR, the funnel: which stage does this goal move, and where do people drop out today?", id: id, add: add)
        case .ebm:
            return Self.categoryQuestions(family: "EBM", intro: "Evidence-Based Management: which key value area does this goal improve, and what evidence will show it?", id: id, add: add)
        }
    }

    private static func categoryQuestions(family: String, intro: String, id: String, add: String) -> String {
        let questions: [MetricFramework: String] = [
            .happiness: "how people feel about the product (satisfaction, ease)?",
            .engagement: "how much and how often people use it?",
            .adoption: "how many people start using it, or a feature of it?",
            .retention: "how many come back?",
            .taskSuccess: "how efficiently and effectively people get their task done?",
            .acquisition: "how people find the product?",
            .activation: "whether their first experience is a good one?",
            .referral: "whether they bring others?",
            .revenue: "whether they pay, and how much?",
            .currentValue: "the value customers get today?",
            .unrealizedValue: "value the product could still create?",
            .timeToMarket: "how fast the team learns and delivers?",
            .abilityToInnovate: "the team's capacity for new work (less maintenance, fewer blockers)?",
        ]
        var lines = [intro]
        for c in MetricFramework.categories(of: family) {
            lines.append("- \(c.label.prefix(1).uppercased() + c.label.dropFirst()): does this goal change \(questions[c] ?? "it?")")
        }
        lines.append("Record each metric with its category: \(add.replacingOccurrences(of: "}'", with: ", framework: \(MetricFramework.categories(of: family).first?.rawValue ?? "...")}'"))")
        return lines.joined(separator: "\n")
    }
}
