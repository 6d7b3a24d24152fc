import Foundation
import GoalSyncCore
import GoalSyncGit

/// What each fuzz target runs on one input, with the invariant it checks: the libFuzzer targets
/// (Fuzz/Sources/fuzz-*) trap on a finding, and the test suite replays the seed corpus and every
/// reproducer through the same functions (`FuzzCorpusTests`). Each returns nil when the input
/// passes, else a sentence saying what broke.
package enum FuzzChecks {
    /// The fuzz targets, by the name scripts/fuzz.sh and Fuzz/corpus use.
    package static let targets: [String: @Sendable ([UInt8]) -> String?] = [
        "frontmatter": frontMatter, "merge": merge, "index": index, "config": config, "remoteurl": remoteURL,
    ]

    // MARK: frontmatter

    private static let validator = GoalValidator(config: RepoConfig(), today: SimpleDate(year: 2026, month: 12, day: 3))

    /// A goal file's bytes through the front-matter reader, the goal model and the validator (what
    /// a goal file in a pulled tree can reach), then the writer. Invariant: a file goalsync reads,
    /// written back as goalsync writes goals, reads back to the same fields and body (the merge and
    /// `goalsync edit` rely on it). The writer puts keys in the format's order, so fields are
    /// compared with each mapping's keys sorted.
    package static func frontMatter(_ bytes: [UInt8]) -> String? {
        let (parsed, diagnostics) = validator.validate(bytes: bytes, path: "goals/fuzz-goal.md")
        guard let goal = parsed else {
            return diagnostics.isEmpty ? "a file that does not parse gave no diagnostic" : nil
        }
        // What the commands read from a goal.
        _ = (goal.id, goal.title, goal.status, goal.owner, goal.order, goal.timeframeStart, goal.timeframeEnd)
        _ = (goal.metrics, goal.checkins, goal.textList("stakeholders"))
        let text = goal.text
        let again: MarkdownDocument
        do {
            again = try MarkdownDocument.parse(Array(text.utf8))
        } catch .tooLarge, .overLimit {
            return nil  // the block style goalsync writes can take more room than a compact flow style
        } catch {
            return "goalsync's own writing of the goal does not read back (\(error.message)):\n\(text)"
        }
        if sorted(.map(again.frontMatter)) != sorted(.map(goal.frontMatter)) {
            let changed = goal.frontMatter.entries.filter { again.frontMatter[$0.key].map(sorted) != sorted($0.value) }
                .map { "\($0.key): \($0.value) became \(again.frontMatter[$0.key].map { "\($0)" } ?? "nothing")" }
            return "fields changed when the goal was written back: \(changed.joined(separator: "; ")):\n\(text)"
        }
        return again.body == goal.body ? nil : "the body changed when the goal was written back"
    }

    /// `value` with every mapping's keys in sorted order.
    private static func sorted(_ value: YAMLValue) -> YAMLValue {
        switch value {
        case .map(let map): return .map(YAMLMap(map.entries.map { ($0.key, sorted($0.value)) }.sorted { $0.0 < $1.0 }))
        case .list(let items): return .list(items.map(sorted))
        default: return value
        }
    }

    // MARK: merge

    /// What splits one fuzz input into base, ours and theirs.
    package static let mergeSeparator = Array("\n%%%%\n".utf8)

    /// The three-way file merge the merge driver and `goalsync pull` run
    /// (``FileMerge/merge(base:ours:theirs:kind:)``), then the conflict-marked text and the virtual
    /// base. The input: a first byte choosing the kind (0, 1, 2 mod 3: a goal, VISION.md, another
    /// file) and which sides are absent (bits 0x10 base, 0x20 ours, 0x40 theirs), then base, ours
    /// and theirs separated by ``mergeSeparator`` (a missing part is empty).
    /// Invariants: a file merged with itself is that file, cleanly; with one side unchanged, the
    /// other side is the result, cleanly.
    package static func merge(_ bytes: [UInt8]) -> String? {
        guard let control = bytes.first else { return nil }
        let kind: FileMerge.Kind
        let path: String
        switch control % 3 {
        case 0: (kind, path) = (.goal, "goals/fuzz-goal.md")
        case 1: (kind, path) = (.vision, "VISION.md")
        default: (kind, path) = (.text, "notes.txt")
        }
        if FileMerge.Kind(path: path) != kind { return "path \(path) is not of kind \(kind)" }
        let parts = split(bytes.dropFirst())
        let base: [UInt8]? = control & 0x10 != 0 ? nil : parts[0]
        let ours: [UInt8]? = control & 0x20 != 0 ? nil : parts[1]
        let theirs: [UInt8]? = control & 0x40 != 0 ? nil : parts[2]

        let outcome = FileMerge.merge(base: base, ours: ours, theirs: theirs, kind: kind)
        if !outcome.conflicts.isEmpty { _ = FileMerge.markedText(outcome) }
        _ = FileMerge.virtualBase(base: base, ours: ours, theirs: theirs, kind: kind)

        for (name, x) in [("base", base), ("ours", ours), ("theirs", theirs)] {
            let same = FileMerge.merge(base: x, ours: x, theirs: x, kind: kind)
            if same.bytes != x || !same.conflicts.isEmpty { return "merging \(name) with itself changed it" }
        }
        let keptOurs = FileMerge.merge(base: base, ours: ours, theirs: base, kind: kind)
        if keptOurs.bytes != ours || !keptOurs.conflicts.isEmpty { return "theirs unchanged, yet ours was not the result" }
        let keptTheirs = FileMerge.merge(base: base, ours: base, theirs: theirs, kind: kind)
        if keptTheirs.bytes != theirs || !keptTheirs.conflicts.isEmpty { return "ours unchanged, yet theirs was not the result" }
        return nil
    }

    /// Base, ours and theirs: `bytes` cut at the first two ``mergeSeparator``s.
    package static func split(_ bytes: ArraySlice<UInt8>) -> [[UInt8]] {
        var parts = [[UInt8]]()
        var start = bytes.startIndex
        var i = bytes.startIndex
        while i + mergeSeparator.count <= bytes.endIndex, parts.count < 2 {
            if bytes[i..<i + mergeSeparator.count].elementsEqual(mergeSeparator) {
                parts.append(Array(bytes[start..<i]))
                i += mergeSeparator.count
                start = i
            } else {
                i += 1
            }
        }
        parts.append(Array(bytes[start...]))
        while parts.count < 3 { parts.append([]) }
        return parts
    }

    // MARK: index

    /// The index-file reader (``IndexFile``), which walks `.git/index` in place with raw pointers:
    /// every entry listed, each stage-0 path looked up again. Invariant: in a sorted index (git's
    /// order), each listed stage-0 entry is found by ``IndexFile/entry(at:)``.
    package static func index(_ bytes: [UInt8]) -> String? {
        guard let index = IndexFile.parse(bytes: bytes) else { return nil }
        var entries = [(path: [UInt8], stage: Int, intentToAdd: Bool, id: ObjectID)]()
        index.forEachEntry { entry in
            let path = UnsafeBufferPointer(start: entry.path, count: strlen(entry.path)).map { UInt8(bitPattern: $0) }
            entries.append((path, entry.stage, entry.isIntentToAdd, entry.objectID))
            _ = entry.mode
            return entries.count < 10_000
        }
        // The lookup stops at the first entry past the path sought, so only a sorted index promises
        // to find each entry; any other must still not crash.
        let isSorted = zip(entries, entries.dropFirst()).allSatisfy { !$1.path.lexicographicallyPrecedes($0.path) }
        var seen = Set<[UInt8]>()
        for entry in entries.prefix(64) where entry.stage == 0 && !entry.intentToAdd {
            // A path that is not UTF-8 cannot be asked for by a String.
            guard let path = String(validating: entry.path, as: UTF8.self) else { continue }
            let found = index.entry(at: path)
            if seen.insert(entry.path).inserted, isSorted, found?.id != entry.id {
                return "entry \(path.debugDescription) is listed but not found"
            }
        }
        return nil
    }

    // MARK: config

    /// `.goalsync/config.yaml` through ``RepoConfig/parse(_:)`` (as `load` reads it: bytes that are
    /// not UTF-8 are refused first), then the lint severities the validator asks for. goalsync
    /// reads git's own config only through libgit2 (`Config`), so that has no target.
    /// Invariant: the config `goalsync init` writes for a product (the input's first line) parses
    /// and keeps that product. Known and left out: a product that starts with U+FEFF loses it
    /// (Yams reads scalars through Foundation, which drops a leading byte order mark).
    package static func config(_ bytes: [UInt8]) -> String? {
        guard bytes.count <= RepoConfig.maximumSize, let text = String(validating: bytes, as: UTF8.self) else { return nil }
        if let config = try? RepoConfig.parse(text) {
            for rule in LintRule.allCases { _ = config.severity(of: rule) }
            _ = (config.syncRemote, config.syncBranch, config.cadenceDays)
        }
        let product = String(text.prefix { $0 != "\n" && $0 != "\r" }.prefix(200))
        guard !product.isEmpty, !product.contains("\0"), product.unicodeScalars.first != "\u{FEFF}" else { return nil }
        let initial = RepoConfig.initialText(product: product)
        do {
            let config = try RepoConfig.parse(initial)
            if config.product != product {
                return "the config init writes for product \(product.debugDescription) reads back as \(config.product.debugDescription)"
            }
        } catch {
            return "the config init writes for product \(product.debugDescription) does not parse: \(error.localizedDescription)"
        }
        return nil
    }

    // MARK: remoteurl

    /// Remote URLs as the transport reads them (``RemoteURL``, and ``ConnectTarget/parse(_:)`` for
    /// ssh and git:// remotes). Invariants: every secret to mask is non-empty; when a URL carries
    /// a password, ``RemoteURL/redacted`` and ``RemoteURL/withoutUserInfo`` show it (as written)
    /// fewer times than the URL does (the same text may also stand in the host or path; a password
    /// holding `*` is left out, as it may be read in the `***` that replaces it).
    package static func remoteURL(_ bytes: [UInt8]) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        let url = RemoteURL(text)
        _ = (url.scheme, url.user, url.host, url.port, url.path, url.isLocal, url.isHTTP)
        _ = try? ConnectTarget.parse(text)
        let secrets = url.secrets
        if secrets.contains(where: \.isEmpty) { return "\(text.debugDescription) gives an empty secret" }
        guard let password = url.password, !password.isEmpty, let written = secrets.first, !written.contains("*") else { return nil }
        func occurrences(_ text: String) -> Int { text.components(separatedBy: written).count - 1 }
        let before = occurrences(text)
        if occurrences(url.redacted) >= before {
            return "\(text.debugDescription) redacted as \(url.redacted.debugDescription) shows the password"
        }
        if occurrences(url.withoutUserInfo) >= before {
            return "\(text.debugDescription) without user info, \(url.withoutUserInfo.debugDescription), shows the password"
        }
        return nil
    }
}
