import Foundation

/// Goal ids: `^[a-z0-9][a-z0-9-]{0,63}$`, equal to the file name, safe by construction.
package enum GoalID {
    package static let maximumLength = 64

    /// True when `id` is a legal goal id (so it can never name a path outside `goals/`).
    package static func isValid(_ id: String) -> Bool {
        let u = Array(id.utf8)
        guard !u.isEmpty, u.count <= maximumLength else { return false }
        func ok(_ c: UInt8, first: Bool) -> Bool {
            (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (!first && c == 45)
        }
        return ok(u[0], first: true) && u.dropFirst().allSatisfy { ok($0, first: false) }
    }

    /// A key-result or check-in id: like a goal id, underscores allowed.
    package static func isValidItemID(_ id: String) -> Bool {
        let u = Array(id.utf8)
        guard !u.isEmpty, u.count <= maximumLength else { return false }
        func ok(_ c: UInt8, first: Bool) -> Bool {
            (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (!first && (c == 45 || c == 95))
        }
        return ok(u[0], first: true) && u.dropFirst().allSatisfy { ok($0, first: false) }
    }

    /// The slug of a title: lower-case ASCII letters and digits joined by single hyphens, at most
    /// `limit` characters, cut at a word boundary. Accents are folded (`é` → `e`).
    package static func slug(_ title: String, limit: Int = 40) -> String {
        let folded = title.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: Locale(identifier: "en_US_POSIX"))
        var words = [String]()
        var current = ""
        for c in folded.lowercased().unicodeScalars {
            if (c >= "a" && c <= "z") || (c >= "0" && c <= "9") {
                current.unicodeScalars.append(c)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        var out = ""
        for w in words {
            let next = out.isEmpty ? w : out + "-" + w
            if next.count > limit { if out.isEmpty { out = String(w.prefix(limit)) }; break }
            out = next
        }
        return out
    }

    private static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)  // Crockford base32, lower case

    /// `count` random base32 characters from the system's random source.
    package static func randomSuffix(_ count: Int) -> String {
        var g = SystemRandomNumberGenerator()
        return String(decoding: (0..<count).map { _ in alphabet[Int(g.next() % 32)] }, as: UTF8.self)
    }

    /// A new goal id for `title`: its slug plus a random suffix, so that two people who create goals
    /// with the same title offline never collide. (`--id` lets a person choose instead.)
    package static func make(forTitle title: String) -> String {
        let slug = slug(title)
        let suffix = randomSuffix(6)
        return slug.isEmpty ? "goal-\(suffix)" : "\(slug)-\(suffix)"
    }

    /// A new check-in id: the time in milliseconds (base32, so ids sort by time) and randomness.
    package static func makeCheckinID(now: Date = Date()) -> String {
        var ms = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        var time = [UInt8](repeating: 0, count: 10)
        for i in stride(from: 9, through: 0, by: -1) {
            time[i] = alphabet[Int(ms % 32)]
            ms /= 32
        }
        return String(decoding: time, as: UTF8.self) + randomSuffix(6)
    }
}
