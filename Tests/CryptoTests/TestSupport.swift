import Crypto
import Foundation
import Testing

/// Bytes from hex typed as in the RFCs: spaces and line breaks are ignored.
func hexBytes(_ text: String) -> [UInt8] {
    let compact = String(text.unicodeScalars.filter { !$0.properties.isWhitespace })
    guard let bytes = Hex.decode(compact) else {
        Issue.record("test vector is not hex: \(text)")
        return []
    }
    return bytes
}

/// The UTF-8 bytes of `text`.
func utf8(_ text: String) -> [UInt8] {
    Array(text.utf8)
}

/// Runs blocking work (scrypt at full cost, a Python process) on a thread of its own, so the
/// cooperative pool that the parallel tests share is never held up.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
