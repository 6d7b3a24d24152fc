/// The rules of VISION.md's front matter (SPEC §3): the schema of `strategy`, `north_star` and the
/// North Star's check-ins, and the `placeholder` lint (text `goalsync init` wrote that the team has
/// not replaced yet).
package struct VisionValidator: Sendable {
    package var config: RepoConfig
    package var today: SimpleDate

    package init(config: RepoConfig, today: SimpleDate) {
        self.config = config
        self.today = today
    }

    /// `bodyLine`: the file line where the body starts (for findings in the narrative).
    package func validate(_ doc: MarkdownDocument, path: String, bodyLine: Int? = nil) -> [Diagnostic] {
        var c = Collector(path: path, lines: doc.lines)
        let fm = doc.frontMatter
        for key in ["product", "vision"] where (fm[key]?.scalarText ?? "").isEmpty {
            c.error(key, "VISION.md needs '\(key)' in its front matter; set it with goalsync vision --set \(key)='...'", line: doc.lines[key] ?? 1)
        }
        if let v = fm["strategy"], GoalValidator.text(v) == nil, v != .null {
            c.error("strategy", "strategy must be text, not \(v.typeName); quote it if it looks like a number or date")
        }
        checkNorthStar(fm["north_star"], &c)
        checkCheckins(fm["checkins"], hasNorthStar: fm["north_star"]?.map != nil, &c)
        lintPlaceholders(doc, bodyLine: bodyLine, &c)
        return c.diagnostics
    }

    private func checkNorthStar(_ value: YAMLValue?, _ c: inout Collector) {
        guard let value else { return }
        guard let m = value.map else {
            c.error("north_star", "north_star must be a mapping {name, unit, direction, baseline, target, framework}, not \(value.typeName)")
            return
        }
        if (GoalValidator.text(m["name"]) ?? "").isEmpty {
            c.error("north_star.name", "the North Star has no name; say what is counted: goalsync vision --set north_star.name='Weekly active teams'", at: m["name"] == nil ? "north_star" : "north_star.name")
        }
        if let v = m["unit"], GoalValidator.text(v) == nil {
            c.error("north_star.unit", "unit must be text, not \(v.typeName); quote it if it looks like a number", at: "north_star.unit")
        }
        for (key, kind) in Vision.northStarFields.sorted(by: { $0.key < $1.key }) {
            guard let v = m[key] else { continue }
            switch kind {
            case .number where v.number == nil:
                c.error("north_star.\(key)", "\(key) must be a number, not \(v.scalarText.map { "'\($0)'" } ?? v.typeName)", at: "north_star.\(key)")
            case .oneOf(let options) where !options.contains(v.stringValue ?? ""):
                c.error("north_star.\(key)", "\(key) '\(v.scalarText ?? v.typeName)' is not one of \(options.joined(separator: ", "))", at: "north_star.\(key)")
            default: break
            }
        }
        for key in m.keys where Vision.northStarFields[key] == nil {
            c.error("north_star.\(key)", "north_star has no field '\(key)'; it takes \(Vision.northStarFields.keys.sorted().joined(separator: ", "))", at: "north_star.\(key)")
        }
    }

    private func checkCheckins(_ value: YAMLValue?, hasNorthStar: Bool, _ c: inout Collector) {
        guard let value else { return }
        guard let items = value.list else {
            c.error("checkins", "checkins must be a list of the North Star's check-ins, not \(value.typeName)")
            return
        }
        if !items.isEmpty && !hasNorthStar {
            c.error("checkins", "VISION.md has check-ins but no north_star; name it with goalsync vision --set north_star.name='...'")
        }
        var ids = Set<String>()
        for (i, item) in items.enumerated() {
            let at = "checkins.\(i)", name = "checkins[\(i)]"
            guard let m = item.map else {
                c.error(name, "each North Star check-in is a mapping {id, on, by, value, note}", at: at)
                continue
            }
            if let id = GoalValidator.text(m["id"]), GoalID.isValidItemID(id) {
                if !ids.insert(id).inserted { c.error("\(name).id", "check-in id '\(id)' is used twice; check-in ids are unique", at: "\(at).id") }
            } else {
                c.error("\(name).id", "the check-in needs an id of lower-case letters and digits", at: m["id"] == nil ? at : "\(at).id")
            }
            if let on = m["on"]?.date {
                if on > today { c.error("\(name).on", "the check-in is dated \(on), after today (\(today)); a check-in records a value measured already", at: "\(at).on") }
            } else {
                c.error("\(name).on", "the check-in needs 'on', a date YYYY-MM-DD", at: m["on"] == nil ? at : "\(at).on")
            }
            if GoalValidator.text(m["by"]) == nil { c.error("\(name).by", "the check-in needs 'by', who measured, as text", at: m["by"] == nil ? at : "\(at).by") }
            if let v = m["value"] {
                if v.number == nil { c.error("\(name).value", "value must be a number, not \(v.scalarText.map { "'\($0)'" } ?? v.typeName)", at: "\(at).value") }
            } else {
                c.error("\(name).value", "the check-in needs 'value', the measured number", at: at)
            }
            if let v = m["confidence"], v.stringValue.flatMap(Confidence.init(rawValue:)) == nil {
                c.error("\(name).confidence", "confidence '\(v.scalarText ?? v.typeName)' is not one of \(Confidence.allCases.map(\.rawValue).joined(separator: ", "))", at: "\(at).confidence")
            }
            if let v = m["note"], GoalValidator.text(v) == nil, v != .null {
                c.error("\(name).note", "note must be text, not \(v.typeName)", at: "\(at).note")
            }
        }
    }

    private func lintPlaceholders(_ doc: MarkdownDocument, bodyLine: Int?, _ c: inout Collector) {
        let severity = config.severity(of: .placeholder)
        guard severity != .off else { return }
        for key in ["vision", "strategy"] {
            guard let text = doc.frontMatter[key]?.scalarText, Vision.isPlaceholder(text, field: key) else { continue }
            c.add(field: key, at: key, severity: severity, code: LintRule.placeholder.code,
                  message: "\(key) is still the placeholder goalsync init wrote; say it in your team's words: goalsync vision --set \(key)='...'")
        }
        if let line = Vision.placeholderLine(in: doc.body) {
            c.add(field: "body", at: "body", severity: severity, code: LintRule.placeholder.code,
                  message: "the narrative still holds the placeholder goalsync init wrote ('\(Vision.placeholderBody.prefix(40))…'); replace it in VISION.md",
                  line: (bodyLine ?? (doc.lines.values.max() ?? 1) + 2) + line)
        }
    }
}
