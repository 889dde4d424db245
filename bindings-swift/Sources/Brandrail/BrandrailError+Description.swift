// Hand-written, not generated: how a BrandrailError reads in Swift.
//
// uniffi generates `description` from the Rust `Display` implementation (the
// core's message) but does not declare the conformances that make Swift use
// it; uniffi.toml turns off its own LocalizedError conformance, whose text
// would be the debug dump of the enum case instead.

import Foundation

extension BrandrailError: CustomStringConvertible {}

extension BrandrailError: LocalizedError {
    /// The core's message, e.g. "handle: must be 2 to 64 characters, got 1";
    /// what `error.localizedDescription` returns. It names the field and the
    /// problem and never repeats a personal value.
    public var errorDescription: String? { description }
}
