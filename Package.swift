// swift-tools-version: 6.2
// 6.2: SwiftPM accepts the engine's `-O` (an unsafe flag) in a package used as
// a versioned dependency (`.package(url:from:)`); 6.0 refused to build it.
import PackageDescription

let package = Package(
    name: "looptop",
    products: [
        .executable(name: "looptop", targets: ["looptop"]),
        .library(name: "LoopTopEngine", targets: ["LoopTopEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // The few GNU calls Glibc hides from Swift (thread names, thread ids).
        .target(name: "CSystemShims"),
        // Curses, seen through a shim header; only LoopTopTUI imports it.
        .systemLibrary(name: "CNcurses"),
        .target(
            name: "LoopTopEngine",
            dependencies: [
                "CSystemShims",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CSV", package: "CSV.swift"),
            ],
            // The engine's kernels are what users watch: a debug build (what
            // `swift run` makes) would show 20x slower, unrepresentative work.
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        .target(
            name: "LoopTopTUI",
            dependencies: ["LoopTopEngine", "CNcurses", "CSystemShims"],
            // The dashboard's own cost is a quality bar; keep `swift run` honest.
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        // The Prometheus exporter (`--metrics HOST:PORT`): the only target that
        // builds SwiftNIO and swift-prometheus, so a user of LoopTopEngine does not.
        .target(
            name: "LoopTopMetrics",
            dependencies: [
                "LoopTopEngine",
                "CSystemShims",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // The WebSocket client of Node's inspector (blame for `looptop node`):
        // swift-nio stays out of the engine.
        .target(
            name: "LoopTopNodeInspector",
            dependencies: [
                "LoopTopEngine",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // `looptop bench`: looptop measured against its peers (a bare condition
        // variable, GCD, a Node.js Worker). Not in the library product, so
        // library users do not link it; it reaches the engine through SPI.
        .target(
            name: "LoopTopBench",
            dependencies: ["LoopTopEngine", .product(name: "DequeModule", package: "swift-collections")],
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        .executableTarget(
            name: "looptop",
            dependencies: [
                "LoopTopEngine",
                "LoopTopTUI",
                "LoopTopMetrics",
                "LoopTopNodeInspector",
                "LoopTopBench",
                "CSystemShims",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Fuzzing of the file readers (issue #12). A plain build compiles a
        // stub; .ci/run builds it with -sanitize=fuzzer -DLOOPTOP_FUZZ.
        .executableTarget(name: "looptop-fuzz", dependencies: ["LoopTopEngine", "LoopTopTUI"], path: "Sources/LoopTopFuzz"),
        .testTarget(name: "LoopTopEngineTests", dependencies: ["LoopTopEngine"]),
        .testTarget(name: "LoopTopTUITests", dependencies: ["LoopTopTUI", "LoopTopEngine"]),
        .testTarget(name: "LoopTopMetricsTests", dependencies: ["LoopTopMetrics", "LoopTopEngine"]),
        .testTarget(name: "LoopTopNodeTests", dependencies: ["LoopTopEngine", "LoopTopNodeInspector"]),
    ],
    swiftLanguageModes: [.v6]
)
