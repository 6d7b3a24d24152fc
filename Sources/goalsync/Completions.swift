import ArgumentParser
import Foundation
import GoalSyncCore

/// Completions that depend on the repository the shell is in: goal ids, a goal's metric ids, the
/// remotes; and the fixed values of `--status` and `--confidence`. The shell scripts
/// (`goalsync --generate-completion-script bash|zsh|fish`) call back into goalsync for the dynamic
/// ones, so a completion reads the folder as it is now: the names under `goals/`, one goal file,
/// `.git/config`. No libgit2, no network, nothing written.
enum Completions {
    static let goalIDs = CompletionKind.custom { words, _, prefix in
        guard let root = repositoryRoot(words) else { return [] }
        return goalIDs(in: root).filter { $0.hasPrefix(prefix) }
    }

    /// The metric ids of the goal named by the command's first argument (`checkin ID METRIC`).
    static let metricIDs = CompletionKind.custom { words, index, prefix in
        guard let root = repositoryRoot(words), let typed = arguments(words, before: index).first,
            let id = uniqueGoalID(typed, in: root),
            let bytes = try? FileSystem.readRegularFile(root + "/" + GoalPaths.path(forID: id)),
            let document = try? MarkdownDocument.parse(bytes)
        else { return [] }
        return Goal(document: document).metrics.map(\.id).filter { $0.hasPrefix(prefix) }
    }

    static let remotes = CompletionKind.custom { words, _, prefix in
        guard let root = repositoryRoot(words),
            let text = try? String(contentsOfFile: root + "/.git/config", encoding: .utf8)
        else { return [] }
        // `[remote "origin"]` section headers.
        return text.split(separator: "\n").compactMap { line -> String? in
            let t = line.trimmingCharacters(in: .whitespaces)
            guard t.hasPrefix("[remote \""), t.hasSuffix("\"]") else { return nil }
            return String(t.dropFirst(9).dropLast(2))
        }.filter { $0.hasPrefix(prefix) }
    }

    static let statuses = CompletionKind.list(GoalStatus.allCases.map(\.rawValue))
    static let confidences = CompletionKind.list(Confidence.allCases.map(\.rawValue))

    // MARK: Reading the command line being completed

    /// Options whose value is the next word.
    static let optionsWithValues: Swift.Set = [
        "-C", "--color", "--status", "--confidence", "--note", "--on", "--reason", "--set", "--since", "--author", "--html",
        "--id", "--product", "--value", "--active", "--rev", "--range", "--branch", "--close",
    ]

    /// The command's arguments typed before word `index`: the words after the command's name that
    /// are neither options nor an option's value.
    static func arguments(_ words: [String], before index: Int) -> [String] {
        let end = min(index, words.count)
        guard end > 1 else { return [] }
        var out = [String](), skipNext = false, seenCommand = false
        for word in words[1..<end] {
            if skipNext { skipNext = false; continue }
            if optionsWithValues.contains(word) { skipNext = true; continue }
            if word.hasPrefix("-") { continue }
            if !seenCommand { seenCommand = true; continue }
            out.append(word)
        }
        return out
    }

    /// The work tree the completed command runs in: after its `-C DIR` options, as git reads them,
    /// the nearest folder upwards holding `.git`.
    static func repositoryRoot(_ words: [String]) -> String? {
        var dir = FileManager.default.currentDirectoryPath
        var i = 0
        while i + 1 < words.count {
            if words[i] == "-C" { dir = words[i + 1].hasPrefix("/") ? words[i + 1] : dir + "/" + words[i + 1]; i += 2 } else { i += 1 }
        }
        var url = URL(fileURLWithPath: dir).standardizedFileURL
        for _ in 0..<64 {
            if FileManager.default.fileExists(atPath: url.path + "/.git") { return url.path }
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { return nil }
            url = parent
        }
        return nil
    }

    /// The ids of the goal files under `root/goals`.
    static func goalIDs(in root: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root + "/goals")) ?? []
        return names.filter { $0.hasSuffix(".md") }.map { String($0.dropLast(3)) }.filter(GoalID.isValid).sorted()
    }

    /// `typed` when it is a goal's id, else the one goal id it begins (nil when none or several).
    static func uniqueGoalID(_ typed: String, in root: String) -> String? {
        let ids = goalIDs(in: root)
        if ids.contains(typed) { return typed }
        let matches = ids.filter { $0.hasPrefix(typed) }
        return matches.count == 1 ? matches[0] : nil
    }
}
