import CLibgit2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An index entry seen in place, valid only during the call that hands it out.
public struct IndexEntryView {
    /// The path, NUL-terminated.
    public let path: UnsafePointer<CChar>
    /// The 20 bytes of the object id.
    public let id: UnsafeRawPointer
    public let mode: UInt32
    /// 0 for a normal entry; 1, 2, 3 for the base, ours and theirs of a conflict.
    public let stage: Int
    /// Added with `git add -N`: listed, but not part of the next commit (git writes no tree entry).
    public let isIntentToAdd: Bool

    public var objectID: ObjectID {
        var oid = git_oid()
        withUnsafeMutableBytes(of: &oid.id) { $0.copyMemory(from: UnsafeRawBufferPointer(start: id, count: 20)) }
        return ObjectID(oid)
    }
}

/// Something that lists index entries in the index's order: libgit2's ``Index`` or an ``IndexFile``.
public protocol IndexEntries {
    /// Calls `body` with each entry in order (by path, then stage) until it returns false.
    func forEachEntry(_ body: (IndexEntryView) -> Bool)
    /// The stage-0 entry at `path`.
    func entry(at path: String) -> Index.Entry?
}

extension Index: IndexEntries {
    public func forEachEntry(_ body: (IndexEntryView) -> Bool) {
        for i in 0..<git_index_entrycount(pointer) {
            guard let e = git_index_get_byindex(pointer, i) else { continue }
            let stage = Int((e.pointee.flags & UInt16(GIT_INDEX_ENTRY_STAGEMASK)) >> UInt16(GIT_INDEX_ENTRY_STAGESHIFT))
            let goOn = withUnsafeBytes(of: e.pointee.id.id) { id in
                body(IndexEntryView(path: e.pointee.path, id: id.baseAddress!, mode: e.pointee.mode, stage: stage,
                                    isIntentToAdd: e.pointee.flags_extended & UInt16(GIT_INDEX_ENTRY_INTENT_TO_ADD.rawValue) != 0))
            }
            if !goOn { return }
        }
    }
}

private func openForReading(_ path: String) -> Int32 { open(path, O_RDONLY | O_CLOEXEC) }

/// An index file read straight from disk, as git itself reads one on every command: the entries in
/// place, without copying them, and without re-hashing the whole file to check its trailing
/// checksum (git checks it only in `git fsck`). libgit2's `git_index_read` does both and builds a
/// hash table of every entry, which for a large index costs more than all the rest of the
/// pre-commit hook. This reads the formats git writes (versions 2, 3 and 4); for a split index
/// (`link` extension) or a sparse one (`sdir`), which hold entries elsewhere, ``open(path:)`` gives
/// nil, and the caller uses libgit2's ``Index`` (which rejects or reads them as it can).
public final class IndexFile: IndexEntries, @unchecked Sendable {  // immutable once read
    private let buffer: UnsafeMutableRawBufferPointer
    private let version: UInt32
    private let count: Int
    /// Where the entries end (the extensions start).
    private let entriesEnd: Int

    private init(buffer: UnsafeMutableRawBufferPointer, version: UInt32, count: Int, entriesEnd: Int) {
        self.buffer = buffer
        self.version = version
        self.count = count
        self.entriesEnd = entriesEnd
    }

    deinit { buffer.deallocate() }

    /// Reads the index file at `path`. nil when this reader does not handle the file (see the
    /// type's description), or the file cannot be read or is not an index: let libgit2 say why.
    public static func open(path: String) -> IndexFile? {
        let fd = openForReading(path)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size >= 32 else { return nil }
        let size = Int(st.st_size)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 8)
        var done = 0
        while done < size {
            let n = read(fd, buffer.baseAddress! + done, size - done)
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { buffer.deallocate(); return nil }
            done += n
        }
        guard let file = parse(buffer) else { buffer.deallocate(); return nil }
        return file
    }

    /// Reads an index file held in memory, as ``open(path:)`` reads one from disk (for tests and the
    /// fuzz target).
    package static func parse(bytes: [UInt8]) -> IndexFile? {
        guard bytes.count >= 32 else { return nil }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 8)
        bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
        guard let file = parse(buffer) else { buffer.deallocate(); return nil }
        return file
    }

    private static func parse(_ b: UnsafeMutableRawBufferPointer) -> IndexFile? {
        let size = b.count - 20  // the trailing checksum
        guard b.load(fromByteOffset: 0, as: UInt32.self).bigEndian == 0x4449_5243 else { return nil }  // "DIRC"
        let version = b.load(fromByteOffset: 4, as: UInt32.self).bigEndian
        let count = Int(b.load(fromByteOffset: 8, as: UInt32.self).bigEndian)
        guard version >= 2 && version <= 4 else { return nil }
        // Walk the entries once to find where they end and check that each fits (and, in version
        // 4, that each path drops no more of the previous one than it has).
        var offset = 12
        var previousLength = 0
        for _ in 0..<count {
            guard let next = entryEnd(b, offset, size, version) else { return nil }
            if version == 4 {
                guard let (drop, suffixStart) = pathDrop(UnsafeRawBufferPointer(b), offset, version), drop <= previousLength else { return nil }
                previousLength = previousLength - drop + (next - 1 - suffixStart)
            }
            offset = next
        }
        let entriesEnd = offset
        // Extensions: a 4-byte signature, a 4-byte size, the data.
        while offset + 8 <= size {
            let signature = b.loadUnaligned(fromByteOffset: offset, as: UInt32.self).bigEndian
            let length = Int(b.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self).bigEndian)
            if signature == 0x6C69_6E6B || signature == 0x7364_6972 { return nil }  // "link", "sdir"
            guard offset + 8 + length <= size else { return nil }
            offset += 8 + length
        }
        guard offset == size else { return nil }
        return IndexFile(buffer: b, version: version, count: count, entriesEnd: entriesEnd)
    }

    /// A version 4 entry's path prefix: how many bytes of the previous path it drops (git's offset
    /// varint), and where the rest of its path starts; nil for a varint that overflows or does not
    /// fit. Call only on an entry ``entryEnd`` accepted.
    private static func pathDrop(_ b: UnsafeRawBufferPointer, _ offset: Int, _ version: UInt32) -> (Int, Int)? {
        let flags = b.loadUnaligned(fromByteOffset: offset + 60, as: UInt16.self).bigEndian
        var p = offset + 62 + (flags & 0x4000 != 0 ? 2 : 0)
        var c = b[p]
        p += 1
        var drop = Int(c & 0x7F)
        while c & 0x80 != 0 {
            guard drop < 1 << 40, p < b.count else { return nil }
            c = b[p]
            p += 1
            drop = ((drop + 1) << 7) | Int(c & 0x7F)
        }
        return (drop, p)
    }

    /// The offset after the entry at `offset`, or nil when it does not fit in `size` bytes.
    private static func entryEnd(_ b: UnsafeMutableRawBufferPointer, _ offset: Int, _ size: Int, _ version: UInt32) -> Int? {
        guard offset + 62 <= size else { return nil }
        let flags = b.loadUnaligned(fromByteOffset: offset + 60, as: UInt16.self).bigEndian
        var pathStart = offset + 62
        if version >= 3, flags & 0x4000 != 0 { pathStart += 2 }
        if version == 4 {
            // A varint (how many bytes of the previous path to drop), then the rest, NUL-terminated.
            var p = pathStart
            guard p < size else { return nil }
            var c = b[p]
            p += 1
            while c & 0x80 != 0 {
                guard p < size else { return nil }
                c = b[p]
                p += 1
            }
            guard p < size, let nul = memchr(b.baseAddress! + p, 0, size - p) else { return nil }
            return b.baseAddress!.distance(to: nul) + 1
        }
        guard pathStart < size, let nul = memchr(b.baseAddress! + pathStart, 0, size - pathStart) else { return nil }
        let pathLength = b.baseAddress!.distance(to: nul) - pathStart
        // The entry is padded with 1 to 8 NULs to a multiple of 8 bytes.
        let end = offset + ((pathStart - offset + pathLength + 8) & ~7)
        return end <= size ? end : nil
    }

    public func forEachEntry(_ body: (IndexEntryView) -> Bool) {
        let b = UnsafeRawBufferPointer(buffer)
        var offset = 12
        // Version 4 paths are stored as changes to the previous one: rebuilt in `scratch`.
        var scratch = [CChar](repeating: 0, count: version == 4 ? 4096 : 0)
        var scratchLength = 0
        for _ in 0..<count {
            let flags = b.loadUnaligned(fromByteOffset: offset + 60, as: UInt16.self).bigEndian
            let mode = b.loadUnaligned(fromByteOffset: offset + 24, as: UInt32.self).bigEndian
            let stage = Int((flags >> 12) & 3)
            var pathStart = offset + 62
            var intentToAdd = false
            if version >= 3, flags & 0x4000 != 0 {
                intentToAdd = b.loadUnaligned(fromByteOffset: offset + 62, as: UInt16.self).bigEndian & 0x2000 != 0
                pathStart += 2
            }
            let next = Self.entryEnd(buffer, offset, buffer.count - 20, version)!
            let id = b.baseAddress! + offset + 40
            let keepGoing: Bool
            if version == 4 {
                let (drop, p) = Self.pathDrop(b, offset, version)!  // checked by `parse`
                let suffixLength = next - 1 - p
                let keep = scratchLength - drop
                if keep + suffixLength + 1 > scratch.count { scratch += [CChar](repeating: 0, count: keep + suffixLength + 1) }
                scratch.withUnsafeMutableBytes { s in
                    s.baseAddress!.advanced(by: keep).copyMemory(from: b.baseAddress! + p, byteCount: suffixLength)
                    s[keep + suffixLength] = 0
                }
                scratchLength = keep + suffixLength
                keepGoing = scratch.withUnsafeBufferPointer { s in
                    body(IndexEntryView(path: s.baseAddress!, id: id, mode: mode, stage: stage, isIntentToAdd: intentToAdd))
                }
            } else {
                let path = (b.baseAddress! + pathStart).assumingMemoryBound(to: CChar.self)
                keepGoing = body(IndexEntryView(path: path, id: id, mode: mode, stage: stage, isIntentToAdd: intentToAdd))
            }
            if !keepGoing { return }
            offset = next
        }
    }

    /// The stage-0 entry at `path`, as a value.
    public func entry(at path: String) -> Index.Entry? {
        var found: Index.Entry?
        path.withCString { target in
            forEachEntry { e in
                let order = strcmp(e.path, target)
                if order == 0, e.stage == 0, !e.isIntentToAdd {
                    found = Index.Entry(path: path, id: e.objectID, mode: e.mode, stage: 0)
                    return false
                }
                return order <= 0  // sorted by path: past it, it is not there
            }
        }
        return found
    }
}
