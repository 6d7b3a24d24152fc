import Foundation
import GoalSyncGit

/// One commit of the history as the audit shows it, copied out of libgit2 as a value.
package struct HistoryCommit: Sendable {
    package let id: ObjectID
    /// The parents this clone has (none for a root commit or a commit at the shallow boundary).
    package let parents: [ObjectID]
    package let author: Signature
    package let summary: String
    /// True for a commit at a shallow clone's boundary: it had parents, but this clone has not.
    package let isBoundary: Bool

    package var isMerge: Bool { parents.count > 1 }
}

/// The commits reachable from HEAD, newest first, every commit before its parents (git's
/// `--topo-order` with ties broken by commit time), each commit loaded once.
///
/// The walk is goalsync's own rather than `git_revwalk` so that it honours a shallow clone's
/// boundary (`.git/shallow`), which the libgit2 goalsync builds against does not: the commits
/// listed there are walked as roots, and any parent missing from the object database is treated
/// the same way.
package struct History: Sendable {
    /// One commit of the walk: just what finding changes needs (the rest is read for the few
    /// commits the audit shows).
    package struct Node: Sendable {
        package let id: ObjectID
        /// The parents this clone has (none for a root commit or a commit at the shallow boundary).
        package var parents: [ObjectID]
        package let tree: ObjectID
        /// True for a commit at a shallow clone's boundary: it had parents, but this clone has not.
        package var isBoundary: Bool
        /// The author and summary, when the walk was asked to keep them.
        package var details: (author: Signature, summary: String)?

        package var isMerge: Bool { parents.count > 1 }
    }

    package let commits: [Node]
    /// The positions in ``commits`` of each commit's parents.
    package let parentPositions: [[Int]]
    /// The commits at the shallow boundary (empty unless the clone is shallow).
    package let boundary: [ObjectID]
    package var isShallow: Bool { !boundary.isEmpty }

    /// The history of HEAD; empty when the branch has no commit yet. `details` keeps each
    /// commit's author and summary (worth it when most commits will be shown).
    package static func load(_ git: Repository, details: Bool = false) throws -> History {
        guard let head = try git.headID() else { return History(commits: [], parentPositions: [], boundary: []) }
        return try load(git, from: head, details: details)
    }

    package static func load(_ git: Repository, from tip: ObjectID, details: Bool = false) throws -> History {
        let shallow = shallowCommits(gitDir: git.gitDir)
        var index = [ObjectKey: Int]()
        var loaded = [Node]()
        var time = [Int64]()
        var boundary = Set<Int>()
        // Depth first from the tip; each entry remembers the child that named it, so a parent
        // missing from the object database (a shallow or partial clone) cuts the child there.
        var stack: [(id: ObjectID, child: Int?)] = [(tip, nil)]
        while let (id, child) = stack.popLast() {
            guard index[ObjectKey(id)] == nil else { continue }
            let header: CommitHeader
            do {
                header = try git.commitHeader(id, details: details)
            } catch let e as GitError where e.isNotFound && child != nil {
                loaded[child!].parents.removeAll { $0 == id }
                loaded[child!].isBoundary = true
                boundary.insert(child!)
                continue
            }
            var parents = header.parents
            if shallow.contains(id), !parents.isEmpty {
                parents = []
                boundary.insert(loaded.count)
            }
            index[ObjectKey(id)] = loaded.count
            loaded.append(Node(
                id: id, parents: parents, tree: header.tree, isBoundary: boundary.contains(loaded.count),
                details: header.author.map { ($0, header.summary ?? "") }))
            time.append(header.time)
            for p in parents.reversed() where index[ObjectKey(p)] == nil { stack.append((p, loaded.count - 1)) }
        }
        // Kahn's algorithm: a commit is ready when all its children are out; the newest ready first.
        let parentIndices = loaded.map { c in c.parents.compactMap { index[ObjectKey($0)] } }
        var children = [Int](repeating: 0, count: loaded.count)
        for ps in parentIndices { for p in ps { children[p] += 1 } }
        var heap = MaxHeap<(Int64, Int)> { ($0.0, -$0.1) < ($1.0, -$1.1) }
        if !loaded.isEmpty { heap.push((time[0], 0)) }
        var order = [Int]()
        order.reserveCapacity(loaded.count)
        while let (_, i) = heap.pop() {
            order.append(i)
            for p in parentIndices[i] {
                children[p] -= 1
                if children[p] == 0 { heap.push((time[p], p)) }
            }
        }
        var position = [Int](repeating: 0, count: loaded.count)
        for (n, i) in order.enumerated() { position[i] = n }
        return History(
            commits: order.map { loaded[$0] },
            parentPositions: order.map { parentIndices[$0].map { position[$0] } },
            boundary: boundary.sorted().map { loaded[$0].id })
    }

    /// The ids in `.git/shallow`: the commits whose parents a shallow clone does not have.
    static func shallowCommits(gitDir: String) -> Set<ObjectID> {
        guard let text = try? String(contentsOfFile: gitDir + "shallow", encoding: .utf8) else { return [] }
        return Set(text.split(whereSeparator: \.isNewline).compactMap { ObjectID(hex: String($0)) })
    }
}

/// An object id as a dictionary key that hashes fast: its first 16 bytes as two integers
/// (``ObjectID`` hashes its bytes one by one).
struct ObjectKey: Hashable {
    let a: UInt64, b: UInt64
    let id: ObjectID

    init(_ id: ObjectID) {
        self.id = id
        var a: UInt64 = 0, b: UInt64 = 0
        id.withBytes { bytes in
            for i in 0..<8 { a = a << 8 | UInt64(bytes[i]) }
            for i in 8..<16 { b = b << 8 | UInt64(bytes[i]) }
        }
        self.a = a
        self.b = b
    }

    static func == (x: ObjectKey, y: ObjectKey) -> Bool { x.a == y.a && x.b == y.b && x.id == y.id }

    func hash(into h: inout Hasher) {
        h.combine(a)
        h.combine(b)
    }
}

/// A binary max-heap with a caller-given order.
struct MaxHeap<Element> {
    private var items = [Element]()
    private let less: (Element, Element) -> Bool

    init(less: @escaping (Element, Element) -> Bool) { self.less = less }

    mutating func push(_ e: Element) {
        items.append(e)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard less(items[parent], items[i]) else { break }
            items.swapAt(parent, i)
            i = parent
        }
    }

    mutating func pop() -> Element? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < items.count, less(items[m], items[l]) { m = l }
            if r < items.count, less(items[m], items[r]) { m = r }
            guard m != i else { break }
            items.swapAt(i, m)
            i = m
        }
        return top
    }
}

extension Signature {
    /// The calendar date of this signature's time in its own time zone.
    package var date: SimpleDate {
        SimpleDate(dayNumber: Int(localTime.floorDiv(86_400)))
    }

    /// Seconds since the epoch in the signature's own time zone. A commit can carry any number as
    /// its time: one beyond a million years either way (which would overflow the arithmetic) is
    /// read as 0, the epoch, as git shows a date it cannot represent.
    package var localTime: Int64 { Self.localTime(time, offsetMinutes: offsetMinutes) }

    package static func localTime(_ time: Int64, offsetMinutes: Int32) -> Int64 {
        ((-(1 << 45))...(1 << 45) ~= time ? time : 0) + Int64(offsetMinutes) * 60
    }

    /// ISO 8601 time with the signature's offset: `2026-01-19T10:04:05+01:00`.
    package var isoTime: String {
        let local = localTime
        let secs = Int(local - local.floorDiv(86_400) * 86_400)
        let sign = offsetMinutes < 0 ? "-" : "+"
        let off = abs(Int(offsetMinutes))
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(date)T\(two(secs / 3600)):\(two(secs / 60 % 60)):\(two(secs % 60))\(sign)\(two(off / 60)):\(two(off % 60))"
    }

    /// `Name <email>`, as goal files write people.
    package var person: String { "\(name) <\(email)>" }
}

extension Int64 {
    fileprivate func floorDiv(_ d: Int64) -> Int64 {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }
}

extension SimpleDate {
    /// The date `days` days after 1970-01-01 (the inverse of ``dayNumber``).
    package init(dayNumber days: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
    }
}
