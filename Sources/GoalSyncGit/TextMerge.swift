import CLibgit2

/// git's line-based three-way merge of three texts, with no repository (`git_merge_file`).
public enum TextMerge {
    public struct Result: Sendable, Equatable {
        /// The merged text; with conflict markers when `clean` is false.
        public let text: [UInt8]
        public let clean: Bool
    }

    /// Merges `ours` and `theirs` against `base`. Conflicts are marked diff3-style with the labels.
    public static func merge(
        base: [UInt8], ours: [UInt8], theirs: [UInt8],
        labels: (base: String, ours: String, theirs: String) = ("base", "ours", "theirs")
    ) throws -> Result {
        Libgit2.ensure()
        var opts = git_merge_file_options()
        try check(git_merge_file_options_init(&opts, UInt32(GIT_MERGE_FILE_OPTIONS_VERSION)), "git_merge_file_options_init")
        opts.flags = GIT_MERGE_FILE_STYLE_DIFF3.rawValue
        var result = git_merge_file_result()
        defer { git_merge_file_result_free(&result) }
        try base.withUnsafeBufferPointer { b in
            try ours.withUnsafeBufferPointer { o in
                try theirs.withUnsafeBufferPointer { t in
                    try labels.base.withCString { lb in
                        try labels.ours.withCString { lo in
                            try labels.theirs.withCString { lt in
                                func input(_ buffer: UnsafeBufferPointer<UInt8>) -> git_merge_file_input {
                                    var i = git_merge_file_input()
                                    i.version = UInt32(GIT_MERGE_FILE_INPUT_VERSION)
                                    let empty: StaticString = ""
                                    let start = buffer.baseAddress ?? empty.utf8Start
                                    i.ptr = UnsafeRawPointer(start).assumingMemoryBound(to: CChar.self)
                                    i.size = buffer.count
                                    return i
                                }
                                var ib = input(b), io = input(o), it = input(t)
                                opts.ancestor_label = lb
                                opts.our_label = lo
                                opts.their_label = lt
                                try check(git_merge_file(&result, &ib, &io, &it, &opts), "merge text")
                            }
                        }
                    }
                }
            }
        }
        let text = result.ptr.map { Array(UnsafeRawBufferPointer(start: $0, count: result.len)) } ?? []
        return Result(text: text, clean: result.automergeable != 0)
    }
}
