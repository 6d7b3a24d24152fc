// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "goalsync",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "goalsync", targets: ["goalsync"]),
        .library(name: "GoalSyncCore", targets: ["GoalSyncCore"]),
        .library(name: "GoalSyncServer", targets: ["GoalSyncServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        // Hummingbird's own dependencies, named for the types the server uses directly.
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibgit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        // libcurl's API, loaded with dlopen on the first http(s) remote (see curl_load.c): no
        // process that never speaks http maps libcurl and its dependencies at start-up.
        .target(
            name: "CCurl",
            linkerSettings: [.linkedLibrary("dl")]
        ),
        // libgit2's start without loading the CA certificates it never uses (see libgit2_start.c).
        .target(
            name: "CLibgit2Start",
            dependencies: ["CLibgit2"]
        ),
        .target(
            name: "GoalSyncGit",
            dependencies: ["CLibgit2", "CCurl", "CLibgit2Start"]
        ),
        .target(
            name: "GoalSyncCore",
            dependencies: ["GoalSyncGit", .product(name: "Yams", package: "Yams")]
        ),
        // `goalsync serve`: the goal repository as a local web app (Hummingbird), over Core's services.
        .target(
            name: "GoalSyncServer",
            dependencies: [
                "GoalSyncCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .executableTarget(
            name: "goalsync",
            dependencies: [
                "GoalSyncCore",
                "GoalSyncServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // What each fuzz target checks on one input; the test suite replays the corpus through it.
        .target(
            name: "GoalSyncFuzzChecks",
            dependencies: ["GoalSyncCore", "GoalSyncGit"],
            path: "Fuzz/Sources/GoalSyncFuzzChecks"
        ),
        // What the test targets share: temporary repositories, the process runner, the test servers,
        // teams of clones, fixtures (Tests/Fixtures), and the tags of the suites.
        .target(
            name: "GoalSyncTestSupport",
            dependencies: ["GoalSyncCore"],
            path: "Tests/GoalSyncTestSupport"
        ),
        // One test target per module: the git layer in-process, Core in-process, and the command-line
        // tool end to end (the built binary against real repositories and servers). Each depends on
        // the `goalsync` executable too: the shared test repositories are set up by running it.
        .testTarget(
            name: "GoalSyncGitTests",
            dependencies: ["goalsync", "GoalSyncGit", "GoalSyncTestSupport"]
        ),
        .testTarget(
            name: "GoalSyncCoreTests",
            dependencies: [
                "goalsync", "GoalSyncCore", "GoalSyncGit", "GoalSyncFuzzChecks", "GoalSyncTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .testTarget(
            name: "GoalSyncServerTests",
            dependencies: [
                "goalsync", "GoalSyncServer", "GoalSyncCore", "GoalSyncTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "GoalSyncCLITests",
            dependencies: [
                "goalsync", "GoalSyncCore", "GoalSyncGit", "GoalSyncTestSupport",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// Fuzz targets (Fuzz/README.md, scripts/fuzz.sh): declared only when GOALSYNC_FUZZ is set, since
// each one is a libFuzzer entry point that links only with `--sanitize=fuzzer`. One per parser.
if Context.environment["GOALSYNC_FUZZ"] != nil {
    for name in ["frontmatter", "merge", "index", "config", "remoteurl"] {
        package.targets.append(.executableTarget(
            name: "fuzz-\(name)",
            dependencies: ["GoalSyncFuzzChecks"],
            path: "Fuzz/Sources/fuzz-\(name)"
        ))
    }
}
