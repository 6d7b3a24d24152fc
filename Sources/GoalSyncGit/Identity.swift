import Foundation

/// Who writes a commit, resolved the way git does it.
public enum Identity {
    public enum Role: String, Sendable { case author, committer }

    /// Why an identity could not be resolved.
    public struct Missing: Error, Sendable {
        public let role: Role
        public let field: String
    }

    /// The author or committer git itself would use: `GIT_AUTHOR_NAME`/`GIT_AUTHOR_EMAIL`/`GIT_AUTHOR_DATE`
    /// (or the `COMMITTER` ones), then `author.name`/`committer.name`, then `user.name` (the same for
    /// email, then `EMAIL`). Throws ``Missing`` when a name or email is found nowhere.
    public static func resolve(
        _ role: Role, config: Config, environment: [String: String] = ProcessInfo.processInfo.environment,
        now: Date = Date()
    ) throws -> Signature {
        let upper = role.rawValue.uppercased()
        func nonEmpty(_ s: String?) -> String? { (s?.isEmpty ?? true) ? nil : s }
        let name = try nonEmpty(environment["GIT_\(upper)_NAME"]) ?? nonEmpty(config.string("\(role.rawValue).name"))
            ?? nonEmpty(config.string("user.name"))
        let email = try nonEmpty(environment["GIT_\(upper)_EMAIL"]) ?? nonEmpty(config.string("\(role.rawValue).email"))
            ?? nonEmpty(config.string("user.email")) ?? nonEmpty(environment["EMAIL"])
        guard let name else { throw Missing(role: role, field: "name") }
        guard let email else { throw Missing(role: role, field: "email") }
        var time = Int64(now.timeIntervalSince1970.rounded(.down))
        var offset = Int32(TimeZone.current.secondsFromGMT(for: now) / 60)
        if let date = nonEmpty(environment["GIT_\(upper)_DATE"]), let parsed = parseGitDate(date) {
            time = parsed.time
            offset = parsed.offset
        }
        return Signature(name: name, email: email, time: time, offsetMinutes: offset)
    }

    /// Parses git's internal date format (`@1700000000 +0100`, `1700000000 +0100`) and ISO 8601
    /// (`2026-01-05T10:00:00+01:00`, `2026-01-05 10:00:00 +0100`, `...Z`).
    public static func parseGitDate(_ text: String) -> (time: Int64, offset: Int32)? {
        let parts = text.split(separator: " ").map(String.init)
        if let first = parts.first {
            let digits = first.hasPrefix("@") ? String(first.dropFirst()) : first
            if let seconds = Int64(digits), digits.count >= 9 || first.hasPrefix("@") {
                let offset = parts.count > 1 ? parseOffset(parts[1]) ?? 0 : 0
                return (seconds, offset)
            }
        }
        var s = text.replacingOccurrences(of: " ", with: "T", options: [], range: nil)
        // "2026-01-05T10:00:00T+0100" → "2026-01-05T10:00:00+0100"
        s = s.replacingOccurrences(of: "T+", with: "+").replacingOccurrences(of: "T-", with: "-")
        let pattern = #"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(Z|[+-]\d{2}:?\d{2})?$"#
        guard let re = try? NSRegularExpression(pattern: pattern),
            let m = re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s))
        else { return nil }
        func group(_ i: Int) -> String? {
            guard let r = Range(m.range(at: i), in: s) else { return nil }
            return String(s[r])
        }
        var comps = DateComponents()
        comps.year = Int(group(1)!)
        comps.month = Int(group(2)!)
        comps.day = Int(group(3)!)
        comps.hour = Int(group(4)!)
        comps.minute = Int(group(5)!)
        comps.second = Int(group(6)!)
        var offset: Int32 = 0
        if let z = group(7), z != "Z" { offset = parseOffset(z) ?? 0 }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(secondsFromGMT: Int(offset) * 60)!
        guard let date = cal.date(from: comps) else { return nil }
        return (Int64(date.timeIntervalSince1970), offset)
    }

    static func parseOffset(_ text: String) -> Int32? {
        let t = text.replacingOccurrences(of: ":", with: "")
        guard t.count == 5, let sign = t.first, sign == "+" || sign == "-",
            let hh = Int32(t.dropFirst().prefix(2)), let mm = Int32(t.suffix(2))
        else { return nil }
        return (sign == "-" ? -1 : 1) * (hh * 60 + mm)
    }
}
