import Foundation
import GoalSyncCore
import Synchronization

/// What `stat` says of a file: enough to see that it changed without reading it.
struct FileStamp: Equatable, Sendable {
    var seconds: Int
    var nanoseconds: Int
    var size: Int
    var inode: UInt64

    /// nil when the file is absent.
    init?(path: String) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        seconds = Int(st.st_mtim.tv_sec)
        nanoseconds = Int(st.st_mtim.tv_nsec)
        size = Int(st.st_size)
        inode = UInt64(st.st_ino)
    }
}

/// The goals of the repository, in memory, for the pages: read once, then refreshed from what
/// changed. A request looks at a handful of files (HEAD, the branch's reference, the index, the
/// goals folder, VISION.md, the settings, the pull state): when none changed, the goals are those of
/// the last look; when one did, the goals folder is listed and only the files whose `stat` differs
/// are read again. A file edited in place (its folder unchanged) is found by ``rescan()``, which
/// the server runs every few seconds. Every change bumps ``Snapshot/generation``, which the pages
/// poll to reload themselves.
final class GoalIndex: Sendable {
    struct Entry: Sendable {
        var path: String
        var id: String
        var stamp: FileStamp
        /// nil when the file did not parse (``problem`` says why).
        var goal: Goal?
        var problem: String?
        /// The goal's `status` as written ("unreadable" when the file did not parse), read once.
        var status: String

        init(path: String, id: String, stamp: FileStamp, goal: Goal?, problem: String?) {
            self.path = path
            self.id = id
            self.stamp = stamp
            self.goal = goal
            self.problem = problem
            status = goal.map { $0["status"]?.scalarText ?? "" } ?? "unreadable"
        }
    }

    struct Snapshot: Sendable {
        var generation = 0
        /// Every goal file, active first, then proposed, draft, achieved, abandoned; by order, then id.
        var entries: [Entry] = []
        var byID: [String: Int] = [:]
        /// How many goals have each status (and "unreadable").
        var counts: [String: Int] = [:]
        var config = RepoConfig()
        var vision: MarkdownDocument?
        var visionProblem: String?
        fileprivate var signature: [FileStamp?] = []
        fileprivate var visionStamp: FileStamp?

        func entry(_ id: String) -> Entry? { byID[id].map { entries[$0] } }
        var active: Goal? { entries.first { $0.goal?.status == .active }?.goal }
    }

    let root: String
    let gitDir: String
    private let state = Mutex(Snapshot())

    /// `gitDir` with its trailing slash, as libgit2 gives it.
    init(root: String, gitDir: String) {
        self.root = root
        self.gitDir = gitDir.hasSuffix("/") ? gitDir : gitDir + "/"
        state.withLock { s in Self.update(&s, root: root, signature: signature()) }
    }

    /// The goals as they are now: the last snapshot when none of the watched files changed.
    func current() -> Snapshot {
        let sig = signature()
        return state.withLock { s in
            if s.signature != sig { Self.update(&s, root: root, signature: sig) }
            return s
        }
    }

    /// Lists the goals folder and reads every file whose `stat` changed (an edit in place that left
    /// the watched files alone). Returns the generation after it.
    /// The listing and the `stat`s run outside the lock, so that requests are not held while it looks.
    @discardableResult
    func rescan() -> Int {
        let sig = signature()
        let before = state.withLock { $0 }
        var next = before
        Self.update(&next, root: root, signature: sig)
        return state.withLock { s in
            if s.generation == before.generation {
                s = next
            } else {
                // A request refreshed it meanwhile: look again from what it found, with the watched
                // files as they are now (the signature taken before the look may be older than the
                // one the request saw, and would read as a change that did not happen).
                Self.update(&s, root: root, signature: signature())
            }
            return s.generation
        }
    }

    var generation: Int { state.withLock { $0.generation } }

    /// The files whose change means the goals or their history may have changed.
    private func signature() -> [FileStamp?] {
        // Not the .git/goalsync folder itself: goalsync's caches there change on reads (a page's lint
        // writes the status cache), which would read as a change and reload the page that caused it.
        var paths = [gitDir + "HEAD", gitDir + "index", gitDir + "packed-refs", gitDir + "MERGE_HEAD",
                     gitDir + "goalsync/merge.json", root + "/" + GoalPaths.goalsDirectory, root + "/" + GoalPaths.vision,
                     root + "/.goalsync/config.yaml"]
        if let head = try? String(contentsOfFile: gitDir + "HEAD", encoding: .utf8), head.hasPrefix("ref: ") {
            let ref = head.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines)
            if !ref.contains("..") { paths.append(gitDir + ref) }
        }
        return paths.map(FileStamp.init(path:))
    }

    private static let statusOrder: [GoalStatus] = [.active, .proposed, .draft, .achieved, .abandoned]

    private static func update(_ s: inout Snapshot, root: String, signature: [FileStamp?]) {
        var changed = s.signature != signature
        s.signature = signature
        let folder = root + "/" + GoalPaths.goalsDirectory
        var names = [String]()
        if let dir = opendir(folder) {
            while let e = readdir(dir) {
                let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name.hasSuffix(".md"), GoalPaths.isGoalFile(GoalPaths.goalsDirectory + "/" + name) { names.append(name) }
            }
            closedir(dir)
        }
        var old = [String: Entry]()
        for e in s.entries { old[e.path] = e }
        var keep = [Entry](), reread = [(path: String, stamp: FileStamp)]()
        for name in names {
            let path = GoalPaths.goalsDirectory + "/" + name
            guard let stamp = FileStamp(path: root + "/" + path) else { continue }
            if let e = old[path], e.stamp == stamp { keep.append(e) } else { reread.append((path, stamp)) }
        }
        if !reread.isEmpty || keep.count != s.entries.count { changed = true }
        let fresh = ParallelMap.map(reread) { item -> Entry in
            let id = GoalPaths.id(fromPath: item.path) ?? item.path
            do {
                let bytes = try FileSystem.readRegularFile(root + "/" + item.path)
                return Entry(path: item.path, id: id, stamp: item.stamp, goal: Goal(document: try MarkdownDocument.parse(bytes)), problem: nil)
            } catch let e as MarkdownDocument.ParseError {
                return Entry(path: item.path, id: id, stamp: item.stamp, goal: nil, problem: "line \(e.line.map(String.init) ?? "?"): \(e.message)")
            } catch {
                return Entry(path: item.path, id: id, stamp: item.stamp, goal: nil, problem: "cannot read it: \(error)")
            }
        }
        let visionStamp = FileStamp(path: root + "/" + GoalPaths.vision)
        if visionStamp != s.visionStamp || s.generation == 0 {
            s.visionStamp = visionStamp
            s.vision = nil
            s.visionProblem = nil
            if visionStamp != nil {
                do {
                    s.vision = try MarkdownDocument.parse(try FileSystem.readRegularFile(root + "/" + GoalPaths.vision))
                } catch let e as MarkdownDocument.ParseError {
                    s.visionProblem = "\(GoalPaths.vision) line \(e.line.map(String.init) ?? "?"): \(e.message)"
                } catch {
                    s.visionProblem = "cannot read \(GoalPaths.vision): \(error)"
                }
            }
            changed = true
        }
        guard changed || s.generation == 0 else { return }
        s.config = (try? RepoConfig.load(root: root)) ?? RepoConfig()
        func rank(_ e: Entry) -> (Int, Int, String) {
            let status = e.goal?.status.flatMap { statusOrder.firstIndex(of: $0) } ?? statusOrder.count
            return (status, e.goal?.order ?? Int.max, e.id)
        }
        s.entries = (keep + fresh).sorted { rank($0) < rank($1) }
        s.byID = [:]
        s.counts = [:]
        for (i, e) in s.entries.enumerated() {
            if s.byID[e.id] == nil { s.byID[e.id] = i }
            s.counts[e.status, default: 0] += 1
        }
        s.generation += 1
    }
}
