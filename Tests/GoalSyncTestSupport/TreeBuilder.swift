import Foundation
import Testing

/// Makes blobs, trees and commits with plain git in one repository (bare or not), including trees
/// git's own commands refuse to make: a tree's bytes are written as they are with
/// `git hash-object -t tree -w --literally --stdin`, so a test can hand goalsync what a hostile
/// remote could hold (`..`, `.git` in disguise, symbolic links, gitlinks).
package struct TreeBuilder {
    /// One entry of a tree: git's mode text ("100644", "40000", "120000", "160000"), the name's
    /// bytes as stored, and the object's id (hex).
    package struct Entry {
        package var mode: String
        package var name: [UInt8]
        package var id: String

        package init(_ mode: String, _ name: String, _ id: String) {
            self.init(mode, Array(name.utf8), id)
        }

        package init(_ mode: String, _ name: [UInt8], _ id: String) {
            self.mode = mode
            self.name = name
            self.id = id
        }

        package var isTree: Bool { mode == "40000" }
    }

    package let dir: String
    package let environment: [String: String]

    package init(dir: String, environment: [String: String]) {
        self.dir = dir
        self.environment = environment
    }

    /// Runs git in the repository; fails the test when git fails; returns the trimmed stdout.
    @discardableResult
    package func git(_ args: [String], stdin: [UInt8]? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let r = try ProcessRunner.run(TestRepo.gitPath, args, in: dir, environment: environment, stdin: stdin)
        try #require(r.status == 0, "git \(args.joined(separator: " ")) failed: \(r)", sourceLocation: sourceLocation)
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    package func blob(_ text: String) throws -> String { try blob(Array(text.utf8)) }

    package func blob(_ bytes: [UInt8]) throws -> String {
        try git(["hash-object", "-w", "--stdin"], stdin: bytes)
    }

    /// Writes a tree of `entries`, put in git's order (a folder's name compared as if it ended
    /// with '/'), byte for byte, with no check of the names.
    package func tree(_ entries: [Entry]) throws -> String {
        func key(_ e: Entry) -> [UInt8] { e.name + (e.isTree ? [UInt8(ascii: "/")] : []) }
        var bytes = [UInt8]()
        for e in entries.sorted(by: { key($0).lexicographicallyPrecedes(key($1)) }) {
            bytes += Array("\(e.mode) ".utf8) + e.name + [0] + Self.raw(e.id)
        }
        return try git(["hash-object", "-t", "tree", "-w", "--literally", "--stdin"], stdin: bytes)
    }

    /// The entries of a tree (`git ls-tree -z`).
    package func entries(of treeish: String) throws -> [Entry] {
        try git(["ls-tree", "-z", treeish]).split(separator: "\0").map { line in
            let parts = line.split(separator: "\t", maxSplits: 1)
            let fields = parts[0].split(separator: " ")
            return Entry(String(fields[0]) == "040000" ? "40000" : String(fields[0]), Array(parts[1].utf8), String(fields[2]))
        }
    }

    /// A commit of `tree` on top of `parent`, made with `git commit-tree`.
    package func commit(tree: String, parent: String?, message: String) throws -> String {
        try git(["commit-tree", tree] + (parent.map { ["-p", $0] } ?? []) + ["-m", message])
    }

    /// Points `branch` (e.g. refs/heads/main) at `commit`.
    package func setBranch(_ branch: String, to commit: String) throws {
        try git(["update-ref", branch, commit])
    }

    private static func raw(_ hex: String) -> [UInt8] {
        var out = [UInt8]()
        var chars = Array(hex.utf8)[...]
        while chars.count >= 2 {
            out.append(UInt8(String(decoding: chars.prefix(2), as: UTF8.self), radix: 16) ?? 0)
            chars = chars.dropFirst(2)
        }
        return out
    }
}
