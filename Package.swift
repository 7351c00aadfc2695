// swift-tools-version: 6.2
import PackageDescription

// Every target: Swift 6 language mode (strict concurrency) and the habits of STYLE.md.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Mandate",
    products: [
        .executable(name: "mandate", targets: ["mandate"])
    ],
    targets: [
        // C libraries from Debian, wrapped as system-library targets (module.modulemap + shim.h).
        .systemLibrary(name: "CLinux", path: "Sources/CLinux"),
        .systemLibrary(
            name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(
            name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "CLibCrypto", path: "Sources/CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),

        // Infrastructure: knows nothing about tenants or MFA.
        .target(name: "Lifecycle", dependencies: ["CLinux"], swiftSettings: swiftSettings),
        .target(name: "SQLite", dependencies: ["CSQLite"], swiftSettings: swiftSettings),
        .target(name: "Postgres", dependencies: ["CLibPQ"], swiftSettings: swiftSettings),
        // The stores' view of a database, SQLite or PostgreSQL (the dialect seam of DESIGN.md §6).
        .target(name: "Storage", dependencies: ["SQLite", "Postgres"], swiftSettings: swiftSettings),
        .target(name: "Crypto", dependencies: ["CLibCrypto"], swiftSettings: swiftSettings),
        .target(name: "HTTPClient", dependencies: ["CCurl"], swiftSettings: swiftSettings),
        .target(name: "HTTPServer", dependencies: ["CLinux", "Lifecycle"], swiftSettings: swiftSettings),
        .target(name: "HTMLTemplates", swiftSettings: swiftSettings),
        .target(name: "QRCode", swiftSettings: swiftSettings),

        // The business, the job workers, the web layer and the composition root.
        .target(
            name: "MandateCore", dependencies: ["SQLite", "Storage", "Crypto", "Lifecycle", "HTMLTemplates", "QRCode"],
            swiftSettings: swiftSettings),
        .target(
            name: "MandateJobs",
            dependencies: ["MandateCore", "HTTPClient", "SQLite", "Storage", "Crypto", "Lifecycle"],
            path: "Jobs", swiftSettings: swiftSettings),
        .target(
            name: "MandateWeb",
            dependencies: [
                "MandateCore", "MandateJobs", "HTTPServer", "HTMLTemplates", "Crypto", "SQLite", "Storage", "Lifecycle",
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "MandateApp",
            dependencies: [
                "MandateCore", "MandateJobs", "MandateWeb", "HTTPServer", "HTTPClient", "HTMLTemplates", "SQLite",
                "Storage",
                "Lifecycle", "Crypto",
            ],
            swiftSettings: swiftSettings),
        .executableTarget(name: "mandate", dependencies: ["MandateApp", "Lifecycle"], swiftSettings: swiftSettings),

        // Benchmarks: `swift run -c release mandate-bench <name>` (see README).
        .executableTarget(
            name: "mandate-bench",
            dependencies: [
                "Crypto", "MandateCore", "SQLite", "Storage", "Lifecycle", "HTMLTemplates", "MandateApp", "MandateWeb",
                "HTTPServer", "DatabaseTestSupport", "ChildProcess",
            ],
            path: "Benchmarks/mandate-bench", swiftSettings: swiftSettings),

        .executableTarget(
            name: "jobs-bench",
            dependencies: [
                "MandateJobs", "MandateCore", "HTTPClient", "SQLite", "Storage", "Crypto", "Lifecycle",
                "DatabaseTestSupport", "ChildProcess",
            ],
            path: "Benchmarks/jobs-bench", swiftSettings: swiftSettings),

        .testTarget(name: "LifecycleTests", dependencies: ["Lifecycle"], swiftSettings: swiftSettings),
        .testTarget(name: "SQLiteTests", dependencies: ["SQLite", "ChildProcess"], swiftSettings: swiftSettings),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres"], swiftSettings: swiftSettings),
        // Child processes for tests and benchmarks: posix_spawn, not Foundation's Process (see ChildProcess.swift).
        .target(
            name: "ChildProcess", dependencies: ["CLinux", "Lifecycle"], path: "Tests/ChildProcess",
            swiftSettings: swiftSettings),
        .testTarget(name: "ChildProcessTests", dependencies: ["ChildProcess"], swiftSettings: swiftSettings),
        // Throw-away databases for tests and benchmarks, on SQLite or on PostgreSQL (MANDATE_TEST_DATABASE).
        .target(
            name: "DatabaseTestSupport", dependencies: ["Storage", "Postgres", "MandateCore"],
            path: "Tests/DatabaseTestSupport",
            swiftSettings: swiftSettings),
        .testTarget(
            name: "StorageTests", dependencies: ["Storage", "SQLite", "Postgres", "DatabaseTestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(name: "CryptoTests", dependencies: ["Crypto", "ChildProcess"], swiftSettings: swiftSettings),
        .testTarget(name: "HTTPClientTests", dependencies: ["HTTPClient"], swiftSettings: swiftSettings),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "Lifecycle"], swiftSettings: swiftSettings),
        .testTarget(name: "HTMLTemplatesTests", dependencies: ["HTMLTemplates"], swiftSettings: swiftSettings),
        .testTarget(name: "QRCodeTests", dependencies: ["QRCode", "ChildProcess"], swiftSettings: swiftSettings),
        .testTarget(
            name: "MandateCoreTests",
            dependencies: [
                "DatabaseTestSupport", "MandateCore", "SQLite", "Storage", "Crypto", "Lifecycle", "HTMLTemplates",
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "MandateJobsTests",
            dependencies: [
                "DatabaseTestSupport", "MandateJobs", "MandateCore", "HTTPClient", "SQLite", "Storage", "Crypto",
                "Lifecycle", "ChildProcess",
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "MandateAppTests",
            dependencies: [
                "DatabaseTestSupport", "MandateApp", "MandateCore", "MandateJobs", "MandateWeb", "HTTPServer", "SQLite",
                "Storage", "Lifecycle", "ChildProcess",
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["Lifecycle", "HTTPClient", "Crypto", "DatabaseTestSupport", "Storage", "ChildProcess"],
            swiftSettings: swiftSettings),
    ]
)
