// swift-tools-version: 6.0
import PackageDescription

// The pipeline is the architecture: load → resolve → check → generate.
// The `wecare` CLI never depends on the generated config target, so a broken
// generated file can never keep the generator from building.
// The spec stages are compiled optimized even in debug builds: the fuzz test runs the checker
// thousands of times, and unoptimized generic code is ten times slower.
let optimized: [SwiftSetting] = [.unsafeFlags(["-O"])]

let package = Package(
    name: "wecare",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "wecare", targets: ["wecare"]),
        .executable(name: "wecare-service", targets: ["wecare-service"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        .target(name: "SpecModel", swiftSettings: optimized),
        .target(name: "SpecLoading", dependencies: ["SpecModel", .product(name: "Yams", package: "Yams")], swiftSettings: optimized),
        .target(name: "SpecCheck", dependencies: ["SpecModel"], swiftSettings: optimized),
        .target(name: "Generators", dependencies: ["SpecModel"]),
        .target(name: "SpecDiff", dependencies: ["SpecModel"]),
        // The project's own small AWS client (SigV4, JSON/REST-JSON/query protocols, retries).
        // HTTP over AsyncHTTPClient, not URLSession: FoundationNetworking would pull libcurl into the Lambda bundle.
        .target(name: "AWSClient", dependencies: [.product(name: "Crypto", package: "swift-crypto"),
                                                  .product(name: "AsyncHTTPClient", package: "async-http-client")]),
        .target(name: "Pipeline", dependencies: ["SpecModel", "SpecLoading", "SpecCheck", "Generators", "SpecDiff"]),
        .target(name: "Deploy", dependencies: ["Pipeline", "SpecModel", "SpecLoading", "SpecDiff", "AWSClient", .product(name: "Crypto", package: "swift-crypto")]),
        .executableTarget(name: "wecare", dependencies: [
            "Pipeline", "Deploy", "AWSClient",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // The messaging core: contacts, sending, inbound, DLQ. Protocols only; no HTTP, SQLite or AWS.
        .target(name: "MessagingCore"),
        .testTarget(name: "MessagingCoreTests", dependencies: ["MessagingCore", "Channels", "CoreTestSupport", "TestSupport"], exclude: ["Fixtures"]),
        .target(name: "CoreTestSupport", dependencies: ["MessagingCore"], path: "Tests/CoreTestSupport"),
        // The core's store protocol on SQLite (WAL, migrations, unique constraints) and on DynamoDB (AWS environments).
        .target(name: "Stores", dependencies: ["MessagingCore", "AWSClient", .product(name: "GRDB", package: "GRDB.swift"),
                                         .product(name: "GRDBSQLite", package: "GRDB.swift")]),
        .testTarget(name: "StoresTests", dependencies: ["Stores", "Channels", "MessagingCore", "AWSClient", "TestSupport", "CoreTestSupport",
                                                   .product(name: "GRDB", package: "GRDB.swift")]),
        // Bulk jobs end to end on the SQLite store and queue: gate, chunks, pause/resume/cancel, tier, recovery, DLQ.
        .testTarget(name: "BulkTests", dependencies: ["MessagingCore", "Channels", "Stores", "CoreTestSupport"]),
        // Live and local channel gateways behind the core's protocol.
        .target(name: "Channels", dependencies: ["MessagingCore", "AWSClient", "LambdaRuntime"]),
        .testTarget(name: "ChannelsTests", dependencies: ["Channels", "AWSClient", "MessagingCore", "Stores", "TestSupport", .product(name: "Hummingbird", package: "hummingbird"),
                                                           .product(name: "HummingbirdTesting", package: "hummingbird"),
                                                           .product(name: "HTTPTypes", package: "swift-http-types")]),
        // SNS HTTP delivery signatures (v1 SHA1withRSA, v2 SHA256withRSA), certificate URL policy and cache.
        .target(name: "SNSVerification", dependencies: [
            "AWSClient", "MessagingCore",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
            .product(name: "X509", package: "swift-certificates"),
        ]),
        .testTarget(name: "SNSVerificationTests", dependencies: [
            "SNSVerification",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
            .product(name: "X509", package: "swift-certificates"),
        ], resources: [.copy("Fixtures")]),
        // The HTTP front door: routes, auth (Cognito JWKS, local dev tokens), SNS webhook, metrics, OpenAPI.
        .target(name: "Server", dependencies: ["MessagingCore", "SNSVerification", .product(name: "Hummingbird", package: "hummingbird"),
                                               .product(name: "JWTKit", package: "jwt-kit"), .product(name: "NIOPosix", package: "swift-nio"),
                                               .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                                               .product(name: "HTTPTypes", package: "swift-http-types")]),
        // The Lambda Runtime API loop and event decoding (SNS, SQS batches, API Gateway v2, direct invokes).
        .target(name: "LambdaRuntime", dependencies: [.product(name: "AsyncHTTPClient", package: "async-http-client")]),
        .testTarget(name: "LambdaRuntimeTests", dependencies: ["LambdaRuntime", .product(name: "Hummingbird", package: "hummingbird"),
                                                                .product(name: "HummingbirdTesting", package: "hummingbird"),
                                                                .product(name: "HTTPTypes", package: "swift-http-types")]),
        // The runtime's wiring, compiled against the generated config (the CLI never is): the embedded default,
        // and each deployed function built from its generated configuration alone, with its Lambda front door.
        .target(name: "ServiceRuntime", dependencies: [
            "WecareConfig", "MessagingCore", "Stores", "Channels", "Server", "AWSClient", "LambdaRuntime",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "ServiceRuntimeTests", dependencies: ["ServiceRuntime", "Channels", "WecareConfig", "Server", "MessagingCore", "LambdaRuntime",
                                                                 "AWSClient", "TestSupport", "CoreTestSupport"]),
        // The service executable: `serve`, `token`, `lambda` (also run as the bundle's `bootstrap`).
        .executableTarget(name: "wecare-service", dependencies: [
            "ServiceRuntime", "WecareConfig", "MessagingCore", "Server", "LambdaRuntime",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
        // Benchmarks that need the core in-process (LIVE against a recording provider): `scripts/bench-rate`.
        .executableTarget(name: "wecare-bench", dependencies: ["AWSClient", "Channels", "MessagingCore", "Stores", "WecareConfig", "Server", "ServiceRuntime",
                                                       "SNSVerification", .product(name: "Hummingbird", package: "hummingbird"),
                                                       .product(name: "X509", package: "swift-certificates"),
                                                       .product(name: "_CryptoExtras", package: "swift-crypto")]),
        // The web UI in headless Chromium (Debian's chromium and chromium-driver, installed by scripts/test) against a `serve` on loopback.
        .testTarget(name: "WebUITests", dependencies: ["TestSupport"]),
        .testTarget(name: "ServerTests", dependencies: ["Server", "Channels", "MessagingCore", "Stores", "CoreTestSupport", .product(name: "HummingbirdTesting", package: "hummingbird"),
                                                         .product(name: "JWTKit", package: "jwt-kit"), .product(name: "NIOPosix", package: "swift-nio"),
                                               .product(name: "NIOConcurrencyHelpers", package: "swift-nio")]),
        // The typed config `wecare build` generates. Only the runtime side depends on it, never the CLI.
        .target(name: "WecareConfig", path: "generated/swift/WecareConfig"),
        .testTarget(name: "WecareConfigTests", dependencies: ["WecareConfig"]),
        .testTarget(name: "GeneratorsTests", dependencies: ["Generators", "Pipeline", "SpecModel", "SpecLoading", "AWSClient", "TestSupport"]),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "AWSClientTests", dependencies: ["AWSClient", "TestSupport", .product(name: "Hummingbird", package: "hummingbird"),
                                                           .product(name: "HummingbirdTesting", package: "hummingbird"),
                                                           .product(name: "HTTPTypes", package: "swift-http-types")],
                    resources: [.copy("Fixtures")]),
        // scripts/check-bundle, the gate on the Lambda bundle, shown to refuse what it must.
        .testTarget(name: "BundleCheckTests", dependencies: ["TestSupport"]),
        .testTarget(name: "DeployTests", dependencies: ["Deploy", "Pipeline", "AWSClient", "SpecLoading", "SpecModel", "TestSupport"]),
        .testTarget(name: "SpecDiffTests", dependencies: ["SpecDiff", "Pipeline", "Generators", "SpecModel", "SpecLoading", "TestSupport"], exclude: ["Golden"]),
        .testTarget(name: "SpecLoadingTests", dependencies: ["SpecLoading", "SpecCheck", "TestSupport"]),
        .testTarget(name: "SpecCheckTests", dependencies: ["SpecLoading", "SpecCheck", "Pipeline", "TestSupport"], exclude: ["Golden"]),
    ]
)
