// swift-tools-version:5.9
//
// The Swift package of brandrail: the `Brandrail` library (uniffi-generated
// Swift in Sources/Brandrail) over the C module `BrandrailFFI` (the generated
// header and module map) and the Rust library `libbrandrail_mobile`.
//
// Where the Rust library comes from:
// - apps (iOS, macOS): build `BrandrailFFI.xcframework` into this directory
//   (README.md, "iOS"); when it is present the package uses it.
// - development on a Mac: `cargo build -p brandrail-uniffi`, then
//   `swift test -Xlinker -L../target/debug -Xlinker -rpath -Xlinker ../target/debug`
//   (README.md, "Running the Swift tests").

import Foundation
import PackageDescription

let xcframework = "BrandrailFFI.xcframework"
let hasXCFramework = FileManager.default.fileExists(
    atPath: URL(fileURLWithPath: Context.packageDirectory)
        .appendingPathComponent(xcframework).path
)

let ffiTarget: Target = hasXCFramework
    ? .binaryTarget(name: "BrandrailFFI", path: xcframework)
    : .target(
        name: "BrandrailFFI",
        path: "Sources/BrandrailFFI",
        publicHeadersPath: "include",
        linkerSettings: [.linkedLibrary("brandrail_mobile")]
    )

let package = Package(
    name: "Brandrail",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "Brandrail", targets: ["Brandrail"]),
    ],
    targets: [
        ffiTarget,
        .target(
            name: "Brandrail",
            dependencies: ["BrandrailFFI"],
            path: "Sources/Brandrail"
        ),
        .testTarget(
            name: "BrandrailTests",
            dependencies: ["Brandrail"],
            path: "Tests/BrandrailTests"
        ),
    ]
)
