// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "goalsync",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "goalsync", targets: ["goalsync"]),
        .library(name: "GoalSyncCore", targets: ["GoalSyncCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibgit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
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
        .executableTarget(
            name: "goalsync",
            dependencies: [
                "GoalSyncCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "GoalSyncCoreTests",
            dependencies: [
                "GoalSyncCore", "GoalSyncGit", "goalsync",
                .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "Yams", package: "Yams"),
            ],
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
