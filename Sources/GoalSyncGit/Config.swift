import CLibgit2

/// A git configuration (`git_config`). Reads come from a snapshot so strings stay valid.
public final class Config {
    let pointer: OpaquePointer

    init(pointer: OpaquePointer) { self.pointer = pointer }

    deinit { git_config_free(pointer) }

    /// A string value, or nil when unset (`git_config_get_string_buf`).
    public func string(_ name: String) throws -> String? {
        var buf = git_buf()
        defer { git_buf_dispose(&buf) }
        let rc = git_config_get_string_buf(&buf, pointer, name)
        if rc == GIT_ENOTFOUND.rawValue { git_error_clear(); return nil }
        try check(rc, "read config \(name)")
        return buf.ptr.map { String(cString: $0) }
    }

    /// A boolean value, or nil when unset (`git_config_get_bool`).
    public func bool(_ name: String) throws -> Bool? {
        var value: Int32 = 0
        let rc = git_config_get_bool(&value, pointer, name)
        if rc == GIT_ENOTFOUND.rawValue { git_error_clear(); return nil }
        try check(rc, "read config \(name)")
        return value != 0
    }

    /// Every entry whose name matches the regular expression `pattern`, as (name, value) in the order
    /// git reads them (`git_config_iterator_glob_new`). Names come back as git stores them: section
    /// and key in lower case, subsection as written.
    public func entries(matching pattern: String) throws -> [(name: String, value: String)] {
        var iterator: OpaquePointer?
        try check(git_config_iterator_glob_new(&iterator, pointer, pattern), "read config \(pattern)")
        defer { git_config_iterator_free(iterator) }
        var result = [(name: String, value: String)]()
        var entry: UnsafeMutablePointer<git_config_entry>?
        while true {
            let rc = git_config_next(&entry, iterator)
            if rc == GIT_ITEROVER.rawValue { git_error_clear(); break }
            try check(rc, "read config \(pattern)")
            guard let entry, let name = entry.pointee.name else { continue }
            result.append((String(cString: name), entry.pointee.value.map { String(cString: $0) } ?? ""))
        }
        return result
    }

    /// Sets a string in the repository's local config (`git_config_set_string`).
    public func set(_ name: String, _ value: String) throws {
        try check(git_config_set_string(pointer, name, value), "set config \(name)")
    }

    /// The global (per-user) default configuration, read-only (`git_config_open_default`).
    public static func openDefault() throws -> Config {
        Libgit2.ensure()
        var cfg: OpaquePointer?
        try check(git_config_open_default(&cfg), "open default git config")
        defer { git_config_free(cfg) }
        var snap: OpaquePointer?
        try check(git_config_snapshot(&snap, cfg), "snapshot git config")
        return Config(pointer: snap!)
    }
}
