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
    /// email, then `EMAIL`). Throws ``Missing`` when a name or email is found nowhere, and
    /// ``InvalidDate`` when the date variable is set to something that is not a date.
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
        let variable = "GIT_\(upper)_DATE"
        if let date = nonEmpty(environment[variable]) {
            switch parseGitDate(date) {
            case .success(let parsed): (time, offset) = parsed
            case .failure(let error): throw InvalidDate(variable: variable, value: date, reason: error.reason)
            }
        }
        return Signature(name: name, email: email, time: time, offsetMinutes: offset)
    }

    /// A `GIT_AUTHOR_DATE` or `GIT_COMMITTER_DATE` that is not a date goalsync can read (git
    /// refuses most of these too, with "invalid date format").
    public struct InvalidDate: Error, Sendable, Equatable {
        /// The variable, e.g. `GIT_AUTHOR_DATE`.
        public let variable: String
        public let value: String
        /// What is wrong with it.
        public let reason: String
    }

    /// The latest time a date variable may name: 9999-12-31T23:59:59Z.
    static let latestTime: Int64 = 253_402_300_799

    /// Parses the date forms git accepts in `GIT_AUTHOR_DATE`/`GIT_COMMITTER_DATE` that people and
    /// tools write: git's internal format (`@1700000000 +0100`, `1700000000 +0100`, the offset
    /// optional), ISO 8601 (`2026-01-05T10:00:00+01:00`, `2026-01-05 10:00:00 +0100`, `...Z`,
    /// fractions of a second, no offset for local time) and RFC 2822 (`Mon, 5 Jan 2026 10:00:00
    /// +0100`, `GMT`/`UT`/`Z`). Returns the time and the offset in minutes, or why the text is not
    /// one of them (a month 13, an offset of 99 hours, a time after the year 9999...); never traps.
    public static func parseGitDate(_ text: String) -> Result<(time: Int64, offset: Int32), DateError> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        if let first = parts.first, first.hasPrefix("@") || (first.count >= 9 && first.allSatisfy(\.isASCIIDigitCharacter)) {
            let digits = first.hasPrefix("@") ? first.dropFirst() : Substring(first)
            guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigitCharacter), parts.count <= 2 else { return .failure(.unknownForm) }
            guard let seconds = Int64(digits), seconds <= latestTime else { return .failure(.outOfRange) }
            var offset: Int32 = 0
            if parts.count == 2 {
                // git's own format keeps any four-digit offset as it is (`+9900` included).
                guard let o = parseOffset(parts[1], maximumHours: 99) else { return .failure(.badOffset(parts[1])) }
                offset = o
            }
            return .success((seconds, offset))
        }
        if let iso = parseISO8601(trimmed) { return iso }
        if let rfc = parseRFC2822(parts) { return rfc }
        return .failure(.unknownForm)
    }

    /// Why a date could not be read.
    public enum DateError: Error, Sendable, Equatable {
        case unknownForm
        case outOfRange
        case badOffset(String)
        case badField(String)

        var reason: String {
            switch self {
            case .unknownForm: return "is not a date goalsync can read"
            case .outOfRange: return "is a time before 1970 or after the year 9999"
            case .badOffset(let o): return "has the time-zone offset '\(o)', which is not one (write it +HHMM or +HH:MM, at most 23:59 from UTC)"
            case .badField(let f): return "has no such \(f)"
            }
        }
    }

    /// `2026-01-05T10:00:00+01:00` and its variants; nil when the text does not look like ISO 8601.
    static func parseISO8601(_ text: String) -> Result<(time: Int64, offset: Int32), DateError>? {
        let pattern = #"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)? ?(Z|[+-]\d{2}(?::?\d{2})?)?$"#
        guard let re = try? NSRegularExpression(pattern: pattern),
            let m = re.firstMatch(in: text, range: NSRange(text.startIndex..., in: text))
        else { return nil }
        func group(_ i: Int) -> String? { Range(m.range(at: i), in: text).map { String(text[$0]) } }
        func number(_ i: Int) -> Int { group(i).flatMap { Int($0) } ?? 0 }
        var offset: Int32?
        if let zone = group(7), zone != "Z" {
            guard let o = parseOffset(zone, maximumHours: 23) else { return .failure(.badOffset(zone)) }
            offset = o
        } else if group(7) == "Z" {
            offset = 0
        }
        return civilTime(year: number(1), month: number(2), day: number(3), hour: number(4), minute: number(5), second: number(6), offset: offset)
    }

    /// `[Mon, ]5 Jan 2026 10:00[:00] +0100|GMT|UT|UTC|Z [(comment)]`; nil when it does not look like one.
    static func parseRFC2822(_ parts: [String]) -> Result<(time: Int64, offset: Int32), DateError>? {
        var p = parts
        if let first = p.first, first.hasSuffix(","), weekdays.contains(first.dropLast().lowercased()) { p.removeFirst() }
        if let last = p.last, last.hasPrefix("("), last.hasSuffix(")") { p.removeLast() }
        guard p.count == 5 || p.count == 4, let day = Int(p[0]), p[0].count <= 2,
            let month = months.firstIndex(of: p[1].lowercased()), p[2].count == 4, let year = Int(p[2])
        else { return nil }
        let clock = p[3].split(separator: ":", omittingEmptySubsequences: false)
        guard clock.count == 2 || clock.count == 3, clock.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCIIDigitCharacter) }) else { return nil }
        var offset: Int32?
        if p.count == 5 {
            if ["gmt", "ut", "utc", "z"].contains(p[4].lowercased()) {
                offset = 0
            } else {
                guard let o = parseOffset(p[4], maximumHours: 23) else { return .failure(.badOffset(p[4])) }
                offset = o
            }
        }
        return civilTime(year: year, month: month + 1, day: day, hour: Int(clock[0]) ?? 0, minute: Int(clock[1]) ?? 0,
            second: clock.count == 3 ? Int(clock[2]) ?? 0 : 0, offset: offset)
    }

    static let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Seconds since the epoch of a calendar time at `offset` minutes from UTC (the local time
    /// zone's offset at that time when nil, as git does), the fields checked.
    static func civilTime(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, offset: Int32?) -> Result<(time: Int64, offset: Int32), DateError> {
        guard (1...12).contains(month) else { return .failure(.badField("month (\(month))")) }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...lengths[month - 1]).contains(day) else { return .failure(.badField("day (\(day))")) }
        guard hour < 24 else { return .failure(.badField("hour (\(hour))")) }
        guard minute < 60 else { return .failure(.badField("minute (\(minute))")) }
        guard second <= 60 else { return .failure(.badField("second (\(second))")) }
        // Days from 1970-01-01 (Howard Hinnant's days_from_civil); every value here is small.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let local = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        let minutes = offset ?? Int32(TimeZone.current.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local))) / 60)
        let time = local - Int64(minutes) * 60
        guard (0...latestTime).contains(time) else { return .failure(.outOfRange) }
        return .success((time, minutes))
    }

    /// `+0100`, `-01:30`, `+01` as minutes, at most `maximumHours` hours and 59 minutes.
    static func parseOffset(_ text: String, maximumHours: Int32) -> Int32? {
        let t = text.replacingOccurrences(of: ":", with: "")
        guard t.count == 5 || t.count == 3, let sign = t.first, sign == "+" || sign == "-",
            t.dropFirst().allSatisfy(\.isASCIIDigitCharacter),
            let hh = Int32(t.dropFirst().prefix(2)), let mm = t.count == 5 ? Int32(t.suffix(2)) : 0,
            hh <= maximumHours, mm < 60
        else { return nil }
        return (sign == "-" ? -1 : 1) * (hh * 60 + mm)
    }
}

extension Character {
    fileprivate var isASCIIDigitCharacter: Bool { isASCII && isWholeNumber }
}
