import Foundation
import Testing

/// What a finished process printed and how it exited.
struct ProcessResult: CustomStringConvertible, Sendable {
    var status: Int32
    var stdout: String
    var stderr: String

    var description: String { "exit \(status)\n--- stdout:\n\(stdout)--- stderr:\n\(stderr)" }

    /// stderr's non-empty lines.
    var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }
}

/// Runs programs with an environment the test builds (nothing inherited), capturing output through
/// temporary files (no pipe can fill up, and no other test's child can hold one open).
enum ProcessRunner {
    static func run(
        _ executable: String, _ arguments: [String], in directory: String, environment: [String: String],
        stdin: [UInt8]? = nil
    ) throws -> ProcessResult {
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("goalsync-proc-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let outPath = scratch + "/out", errPath = scratch + "/err", inPath = scratch + "/in"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        _ = FileManager.default.createFile(atPath: inPath, contents: Data(stdin ?? []))
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        let input = try FileHandle(forReadingFrom: URL(fileURLWithPath: inPath))
        defer {
            try? out.close()
            try? err.close()
            try? input.close()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = environment
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        process.waitUntilExit()
        let stdout = String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self)
        let stderr = String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self)
        return ProcessResult(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }
}

/// Where the built `goalsync` binary is: beside the test bundle.
enum Binary {
    static let directory: String? = {
        var candidates = [URL]()
        if let arg0 = CommandLine.arguments.first {
            candidates.append(URL(fileURLWithPath: arg0).deletingLastPathComponent())
        }
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
        candidates.append(Bundle.main.bundleURL)
        for dir in candidates {
            let path = dir.appendingPathComponent("goalsync").path
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue,
                FileManager.default.isExecutableFile(atPath: path)
            {
                return dir.standardizedFileURL.path
            }
        }
        return nil
    }()

    /// The binary's path; records a clear failure when it is not there.
    static func path(sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let dir = try #require(
            directory,
            "the goalsync binary was not found beside the test bundle (\(CommandLine.arguments.first ?? "?")); build it with swift build --build-tests",
            sourceLocation: sourceLocation)
        return dir + "/goalsync"
    }
}
