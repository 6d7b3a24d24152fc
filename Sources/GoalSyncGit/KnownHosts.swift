import Foundation

/// The entries of OpenSSH `known_hosts` files, used to check the host key libgit2 reports through
/// `certificate_check` (libgit2 1.5 checks none itself). Understands plain host patterns (`host`,
/// `[host]:port`, comma lists, `*`/`?` wildcards, `!` negation), hashed `|1|salt|hash` entries
/// (HMAC-SHA1 of the name under the salt) and the `@revoked` marker; `@cert-authority` lines are
/// skipped because libgit2 reports plain keys only.
struct KnownHosts {
    struct Entry {
        let isRevoked: Bool
        let hostField: String
        let keyType: String
        let key: [UInt8]
        let file: String
        let line: Int

        /// Whether this line names `name` (`host` or `[host]:port`, compared in lower case as OpenSSH does).
        func matches(_ name: String) -> Bool {
            let name = name.lowercased()
            if hostField.hasPrefix("|1|") {
                let parts = hostField.split(separator: "|", omittingEmptySubsequences: false)
                guard parts.count == 4, let salt = Data(base64Encoded: String(parts[2])),
                    let hash = Data(base64Encoded: String(parts[3]))
                else { return false }
                return SHA1.hmac(key: Array(salt), message: Array(name.utf8)) == Array(hash)
            }
            var matched = false
            for pattern in hostField.lowercased().split(separator: ",") {
                if pattern.hasPrefix("!") {
                    if KnownHosts.glob(pattern.dropFirst(), name) { return false }
                } else if KnownHosts.glob(pattern, name) {
                    matched = true
                }
            }
            return matched
        }
    }

    enum Verdict {
        case trusted
        /// No line names the host.
        case unknownHost
        /// Lines name the host, but none with the offered key's type.
        case unknownKeyType(known: [String])
        /// A line names the host with the same key type and a different key.
        case mismatch(Entry)
        case revoked(Entry)
    }

    let entries: [Entry]

    /// Reads every file that exists; unreadable lines are skipped, as ssh does.
    init(files: [String]) {
        var entries = [Entry]()
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            entries += Self.parse(String(decoding: data, as: UTF8.self), file: file)
        }
        self.entries = entries
    }

    static func parse(_ text: String, file: String) -> [Entry] {
        var out = [Entry]()
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var fields = rawLine.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            guard let first = fields.first, !first.hasPrefix("#") else { continue }
            var revoked = false
            if first.hasPrefix("@") {
                guard first == "@revoked" else { continue }  // @cert-authority: not for plain keys
                revoked = true
                fields.removeFirst()
            }
            guard fields.count >= 3, let key = Data(base64Encoded: fields[2]) else { continue }
            out.append(
                Entry(isRevoked: revoked, hostField: fields[0], keyType: fields[1], key: Array(key), file: file, line: index + 1))
        }
        return out
    }

    /// What the files say about `key` offered by `name` (`host` or `[host]:port`).
    func verify(name: String, key: [UInt8]) -> Verdict {
        if let revoked = entries.first(where: { $0.isRevoked && $0.key == key && $0.matches(name) }) {
            return .revoked(revoked)
        }
        let named = entries.filter { !$0.isRevoked && $0.matches(name) }
        if named.contains(where: { $0.key == key }) { return .trusted }
        if named.isEmpty { return .unknownHost }
        let type = Self.keyType(of: key)
        if let sameType = named.first(where: { $0.keyType == type }) { return .mismatch(sameType) }
        var known = [String]()
        for entry in named where !known.contains(entry.keyType) { known.append(entry.keyType) }
        return .unknownKeyType(known: known)
    }

    /// The algorithm name at the start of an ssh public key blob (a uint32 length, then the name).
    static func keyType(of blob: [UInt8]) -> String? {
        guard blob.count >= 4 else { return nil }
        let length = blob[0..<4].reduce(0) { $0 << 8 | Int($1) }
        guard length > 0, blob.count >= 4 + length else { return nil }
        return String(decoding: blob[4..<(4 + length)], as: UTF8.self)
    }

    /// Appends a plain `name type base64` line to `file`, creating its folder (mode 0700) when needed.
    static func append(name: String, key: [UInt8], to file: String) throws {
        let folder = (file as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let type = keyType(of: key) ?? "ssh-rsa"
        var line = "\(name) \(type) \(Data(key).base64EncodedString())\n"
        if let existing = FileManager.default.contents(atPath: file) {
            if let last = existing.last, last != UInt8(ascii: "\n") { line = "\n" + line }
        } else {
            _ = FileManager.default.createFile(atPath: file, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(line.utf8))
    }

    /// OpenSSH's host pattern match: `*` any run, `?` one character, everything else literal.
    static func glob(_ pattern: Substring, _ text: String) -> Bool {
        let p = Array(pattern), t = Array(text)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "?" || p[pi] == t[ti] {
                pi += 1
                ti += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi
                mark = ti
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
