import Foundation
import GoalSyncTestSupport
import Testing
@testable import GoalSyncCore

/// `FileSystem`'s writes: each failed step reports its own cause, and temporary files go where
/// they are asked to, never into the work tree.
@Suite("File system writes")
struct FileSystemTests {
    func scratch() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("goalsync-fs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    func message(_ body: () throws -> Void) -> String {
        do {
            try body()
            return ""
        } catch {
            return (error as? GoalSyncError)?.errorDescription ?? "\(error)"
        }
    }

    @Test("A rename that fails reports the rename's cause, not an earlier errno (\"Success\")")
    func renameFailureSaysWhy() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // The target is a folder that is not empty: the rename fails, everything before it worked.
        try FileManager.default.createDirectory(atPath: dir + "/x.md/inside", withIntermediateDirectories: true)
        for sync in [true, false] {
            let m = message {
                if sync {
                    try FileSystem.writeAtomically(Array("text".utf8), to: dir + "/x.md")
                } else {
                    _ = try FileSystem.writeWorkTreeFile(Array("text".utf8), to: dir + "/x.md", mode: 0o644)
                }
            }
            #expect(m.contains("cannot write \(dir)/x.md (rename: "), "\(m)")
            #expect(m.contains(String(cString: strerror(EISDIR))) || m.contains(String(cString: strerror(ENOTEMPTY))), "\(m)")
            #expect(!m.contains("Success"), "\(m)")
        }
        // The temporary file was removed.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["x.md"])
    }

    @Test("A temporary file that cannot be made says so, with its own cause")
    func createFailureSaysWhy() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let m = message { _ = try FileSystem.writeWorkTreeFile([1], to: dir + "/x.md", mode: 0o644, temporaryDirectory: dir + "/missing") }
        #expect(m.contains("(create \(dir)/missing/"), "\(m)")
        #expect(m.contains(String(cString: strerror(ENOENT))), "\(m)")
        #expect(!FileSystem.exists(dir + "/x.md"))
    }

    @Test("Work-tree writes make their temporary files in the given folder; a dead process's are swept, a live one's kept")
    func temporariesGoToTheGivenFolder() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tmp = dir + "/tmp", tree = dir + "/tree"
        for d in [tmp, tree] { try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true) }
        let st = try FileSystem.writeWorkTreeFile(Array("goal".utf8), to: tree + "/g.md", mode: 0o755, temporaryDirectory: tmp)
        #expect(st.st_mode & 0o777 == 0o755)
        #expect(try FileSystem.readRegularFile(tree + "/g.md") == Array("goal".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: tree) == ["g.md"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp).isEmpty)
        // Left by a killed process (no such pid runs), and by this one (it runs).
        let dead = "\(Int32.max - 1)-abc", mine = "\(getpid())-def"
        for name in [dead, mine] { _ = FileManager.default.createFile(atPath: tmp + "/" + name, contents: Data()) }
        let sibling = ".g.md.goalsync-\(Int32.max - 1)"
        _ = FileManager.default.createFile(atPath: tree + "/" + sibling, contents: Data())
        FileSystem.removeStaleTemporaries(in: tmp)
        FileSystem.removeStaleSiblingTemporaries(in: tree)
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp) == [mine])
        #expect(try FileManager.default.contentsOfDirectory(atPath: tree) == ["g.md"])
    }

    @Test("A clone's work-tree file is created in place, with its mode and stat; one already there (a file, a link) is refused, untouched")
    func freshFilesAreCreatedInPlaceAndNeverReplace() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let st = try FileSystem.createWorkTreeFile(Array("goal".utf8), at: dir + "/g.md", mode: 0o755)
        var onDisk = stat()
        #expect(lstat(dir + "/g.md", &onDisk) == 0)
        #expect(st.st_ino == onDisk.st_ino && st.st_size == 4 && st.st_mtim.tv_nsec == onDisk.st_mtim.tv_nsec)
        #expect(st.st_mode & 0o777 == 0o755)
        #expect(try FileSystem.readRegularFile(dir + "/g.md") == Array("goal".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["g.md"])
        // Already there: refused, the file unchanged.
        let again = message { _ = try FileSystem.createWorkTreeFile(Array("other".utf8), at: dir + "/g.md", mode: 0o644) }
        #expect(again.contains("cannot write \(dir)/g.md (create: \(String(cString: strerror(EEXIST))))"), "\(again)")
        #expect(try FileSystem.readRegularFile(dir + "/g.md") == Array("goal".utf8))
        // A link there (even a dangling one) is not followed.
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.md", withDestinationPath: dir + "/outside.md")
        let link = message { _ = try FileSystem.createWorkTreeFile(Array("x".utf8), at: dir + "/link.md", mode: 0o644) }
        #expect(link.contains("(create: "), "\(link)")
        #expect(!FileSystem.exists(dir + "/outside.md"))
    }
}
