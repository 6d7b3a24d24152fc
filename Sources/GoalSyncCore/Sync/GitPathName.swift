/// What git's own checks say of one name in a tree (one path component), as bytes: the rules of
/// git's `verify_path` (read-cache.c), `is_ntfs_dotgit` / `is_ntfs_dotgitmodules` and friends
/// (path.c) and `is_hfs_dotgit` (utf8.c), which `git fsck` and `fetch.fsckObjects` apply, plus
/// what goalsync cannot write faithfully: a backslash (a folder separator on Windows) and a name
/// that is not UTF-8. Protection for NTFS and HFS+ is always on: a teammate on Windows or macOS
/// checks out what this clone pushes.
package enum GitPathName {
    /// The longest name, in bytes, a file system holds (Linux's and macOS's NAME_MAX).
    package static let maximumNameBytes = 255

    /// Why `name` must not be written (a clause for an error message), or nil when it
    /// is fine. `isSymlink`: the entry is a symbolic link, which must not be named like `.gitmodules`,
    /// `.gitattributes`, `.gitignore` or `.mailmap` in any disguise either (git 2.32's rules).
    package static func refusal<Name: Collection<UInt8>>(_ name: Name, isSymlink: Bool = false) -> String? {
        // No file system goalsync writes to holds a longer name (NAME_MAX): refused before the
        // first write, not met halfway through one.
        if name.count > maximumNameBytes { return "the name is \(name.count) bytes long; file systems hold names of at most \(maximumNameBytes) bytes" }
        // Most names (a goal's file name) are plain ASCII that cannot spell `.git` in any form:
        // one pass settles them.
        var plain = !name.isEmpty
        for c in name where c >= 0x80 || c == 0 || c == slash || c == backslash || c == colon { plain = false; break }
        if plain, let first = name.first, first != dot, lower(first) != UInt8(ascii: "g"), !isSymlink || lower(first) != UInt8(ascii: "m") {
            return nil
        }
        let b = Array(name)
        if b.isEmpty { return "an empty name (two slashes in a row, or a slash at either end)" }
        if b.contains(0) { return "a name with a NUL byte" }
        if b.contains(slash) { return "a name with a '/' inside it (a path disguised as one name)" }
        if b.contains(backslash) { return "a name with a backslash, which Windows reads as a folder separator" }
        if b == [dot] { return "'.' names the folder itself" }
        if b == [dot, dot] { return "'..' climbs out of its folder" }
        if b.allSatisfy({ $0 == dot || $0 == space }) { return "a name made only of dots and spaces, which Windows reads as '.' or '..'" }
        guard decodesAsUTF8(b) else { return "the name is not valid UTF-8 (goalsync cannot write it faithfully)" }
        if equalsIgnoringCase(b, ".git") { return "'.git' is git's own folder, in any case" }
        if isNTFSDotGit(b) { return "a Windows disguise of '.git' (the short name git~1, trailing dots or spaces, or a ':' stream)" }
        if isHFSDot(b, "git") { return "a macOS disguise of '.git' (with characters that HFS+ ignores)" }
        if isSymlink {
            for (needle, shortPrefix) in [("gitmodules", "gi7eba"), ("gitattributes", "gi7d29"), ("gitignore", "gi250a"), ("mailmap", "maba30")]
            where isNTFSDot(b, needle, shortPrefix: shortPrefix) || isHFSDot(b, needle) {
                return "a symbolic link named like .\(needle), which git refuses"
            }
        }
        return nil
    }

    /// A name or path for an error message: printable ASCII as it is, a backslash doubled, and
    /// every other character escaped (`\u{200C}`; `\xFF` for a byte that is not UTF-8), so nothing
    /// hostile or invisible reaches the terminal.
    package static func display<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        let b = Array(bytes)
        var out = ""
        var i = 0
        while i < b.count {
            let c = b[i]
            if c == backslash {
                out += "\\\\"
                i += 1
            } else if c >= 0x20 && c < 0x7F {
                out.unicodeScalars.append(Unicode.Scalar(c))
                i += 1
            } else if c < 0x80 {
                out += "\\x" + hex(UInt32(c), width: 2)
                i += 1
            } else if let (scalar, length) = scalar(in: b, at: i) {
                out += "\\u{" + hex(scalar, width: 4) + "}"
                i += length
            } else {
                out += "\\x" + hex(UInt32(c), width: 2)
                i += 1
            }
        }
        return out
    }

    // MARK: The rules

    private static let dot = UInt8(ascii: "."), slash = UInt8(ascii: "/"), backslash = UInt8(ascii: "\\")
    private static let space = UInt8(ascii: " "), colon = UInt8(ascii: ":"), tilde = UInt8(ascii: "~")

    private static func lower(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c + 32 : c }

    private static func equalsIgnoringCase(_ b: [UInt8], _ ascii: String) -> Bool {
        b.count == ascii.utf8.count && zip(b, ascii.utf8).allSatisfy { lower($0) == $1 }
    }

    /// From `i` on: only dots and spaces up to the end of the name or a ':' (an NTFS stream such
    /// as `::$INDEX_ALLOCATION`). Windows drops trailing dots and spaces.
    private static func onlyDotsAndSpaces(_ b: [UInt8], from i: Int) -> Bool {
        var i = i
        while i < b.count {
            if b[i] == colon { return true }
            if b[i] != dot && b[i] != space { return false }
            i += 1
        }
        return true
    }

    /// `.git` or its 8.3 short name `git~1`, in any case, followed by dots and spaces only, or a
    /// ':' stream (git's `is_ntfs_dotgit`; a backslash is refused before this is asked).
    static func isNTFSDotGit(_ b: [UInt8]) -> Bool {
        if b.count >= 4, b[0] == dot, lower(b[1]) == UInt8(ascii: "g"), lower(b[2]) == UInt8(ascii: "i"), lower(b[3]) == UInt8(ascii: "t") {
            return onlyDotsAndSpaces(b, from: 4)
        }
        if b.count >= 5, lower(b[0]) == UInt8(ascii: "g"), lower(b[1]) == UInt8(ascii: "i"), lower(b[2]) == UInt8(ascii: "t"),
            b[3] == tilde, b[4] == UInt8(ascii: "1") {
            return onlyDotsAndSpaces(b, from: 5)
        }
        return false
    }

    /// `.NEEDLE` on NTFS: the name itself, its short name (the needle's first six characters and
    /// `~1` to `~4`), or the fall-back short name made from `shortPrefix` (git's
    /// `is_ntfs_dot_generic`), each followed by dots and spaces only, or a ':' stream.
    static func isNTFSDot(_ b: [UInt8], _ needle: String, shortPrefix: String) -> Bool {
        let n = Array(needle.utf8), p = Array(shortPrefix.utf8)
        func at(_ i: Int) -> UInt8 { i < b.count ? b[i] : 0 }
        if at(0) == dot, b.count > n.count, zip(b[1...n.count], n).allSatisfy({ lower($0) == $1 }) {
            return onlyDotsAndSpaces(b, from: n.count + 1)
        }
        if b.count >= 8, zip(b[0..<6], n[0..<6]).allSatisfy({ lower($0) == $1 }), b[6] == tilde, at(7) >= UInt8(ascii: "1"), at(7) <= UInt8(ascii: "4") {
            return onlyDotsAndSpaces(b, from: 8)
        }
        // The fall-back short name: up to six characters of the prefix, '~', a digit 1-9, then
        // digits, eight characters in all.
        var i = 0, sawTilde = false
        while i < 8 {
            let c = at(i)
            if c == 0 { return false }
            if sawTilde {
                guard c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") else { return false }
            } else if c == tilde {
                i += 1
                guard at(i) >= UInt8(ascii: "1") && at(i) <= UInt8(ascii: "9") else { return false }
                sawTilde = true
            } else if i >= 6 || c >= 0x80 || lower(c) != p[i] {
                return false
            }
            i += 1
        }
        return onlyDotsAndSpaces(b, from: i)
    }

    /// Code points HFS+ leaves out when it compares names (git's `next_hfs_char`).
    private static let hfsIgnored: Set<UInt32> = [
        0x200C, 0x200D, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
        0x206A, 0x206B, 0x206C, 0x206D, 0x206E, 0x206F, 0xFEFF,
    ]

    /// `.NEEDLE` as HFS+ compares names: the ignorable code points left out, ASCII letters in
    /// any case (git's `is_hfs_dot_generic`).
    static func isHFSDot(_ b: [UInt8], _ needle: String) -> Bool {
        var scalars = [UInt32]()
        var i = 0
        while i < b.count {
            guard let (s, length) = scalar(in: b, at: i) else { return false }
            if !hfsIgnored.contains(s) { scalars.append(s) }
            i += length
        }
        let want = [UInt32(dot)] + needle.utf8.map(UInt32.init)
        return scalars.count == want.count && zip(scalars, want).allSatisfy { s, w in s < 0x80 && UInt32(lower(UInt8(s))) == w }
    }

    // MARK: UTF-8

    static func decodesAsUTF8(_ b: [UInt8]) -> Bool {
        var i = 0
        while i < b.count {
            if b[i] < 0x80 { i += 1; continue }
            guard let (_, length) = scalar(in: b, at: i) else { return false }
            i += length
        }
        return true
    }

    /// The code point starting at `i` and its length in bytes; nil for bytes that are not
    /// well-formed UTF-8 (overlong forms, surrogates and values past U+10FFFF included).
    private static func scalar(in b: [UInt8], at i: Int) -> (UInt32, Int)? {
        let c = b[i]
        let length: Int, minimum: UInt32
        var value: UInt32
        switch c {
        case 0..<0x80: return (UInt32(c), 1)
        case 0xC0..<0xE0: (length, minimum, value) = (2, 0x80, UInt32(c & 0x1F))
        case 0xE0..<0xF0: (length, minimum, value) = (3, 0x800, UInt32(c & 0x0F))
        case 0xF0..<0xF8: (length, minimum, value) = (4, 0x10000, UInt32(c & 0x07))
        default: return nil
        }
        guard i + length <= b.count else { return nil }
        for k in 1..<length {
            let next = b[i + k]
            guard next & 0xC0 == 0x80 else { return nil }
            value = value << 6 | UInt32(next & 0x3F)
        }
        guard value >= minimum, value <= 0x10FFFF, !(0xD800...0xDFFF).contains(value) else { return nil }
        return (value, length)
    }

    private static func hex(_ v: UInt32, width: Int) -> String {
        let digits = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
