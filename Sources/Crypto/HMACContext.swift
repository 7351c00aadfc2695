import CLibCrypto
import Glibc

/// An HMAC key loaded into a libcrypto `EVP_MAC_CTX` (OpenSSL 3's MAC interface), for computing the MACs
/// of several short messages under one key, as HOTP and TOTP do for each candidate counter.
///
/// One-shot `HMAC()` fetches the digest, allocates contexts and runs the key schedule on every call. Here
/// the `HMAC` algorithm is fetched once per process, a context (with its digest already set) is kept per
/// thread and reused, the key is loaded once per value (`EVP_MAC_init` with the key), and each further
/// message re-initialises with a NULL key, which makes libcrypto restart from the stored keyed state
/// instead of hashing the padded key again.
///
/// A value is owned by one caller at a time (it is neither copyable nor `Sendable`); when it ends, its
/// context goes back to its thread's slot, or is freed if libcrypto failed on it. Every failure (libcrypto
/// only fails when it cannot allocate memory) makes the initialiser or `authenticationCode` return nil, so
/// callers can fail closed. A kept context holds the last key's HMAC state until its next use, like any
/// other copy of the secret in process memory; freeing it cleanses it.
struct HMACContext: ~Copyable {
    /// Output buffer size that fits every supported algorithm's MAC.
    static let maximumLength = 64

    let algorithm: HashAlgorithm
    private let context: OpaquePointer
    /// Whether the context was just keyed, so the next message needs no `EVP_MAC_init`.
    private var isFresh: Bool
    /// Whether a libcrypto call failed on this context; it is then freed instead of reused.
    private var isBroken = false

    /// Loads `key` into a context for `algorithm`, or returns nil when libcrypto fails.
    init?(key: [UInt8], algorithm: HashAlgorithm) {
        guard let context = ThreadContexts.checkOut(algorithm) else { return nil }
        // EVP_MAC_init passes the length on as a C int. Longer keys are hashed first by HMAC anyway
        // (RFC 2104 §3), so hashing here gives the same MAC (as in `HMAC.authenticationCode`).
        let usableKey = key.count > Int(Int32.max) ? Digest.hash(key, algorithm: algorithm) : key
        let keyed = usableKey.withUnsafeBufferPointer { keyBytes in
            // Never pass NULL, not even for an empty key: to EVP_MAC_init a NULL key means "keep the
            // previous key", which for a reused context is someone else's.
            withUnsafeBytes(of: UInt8(0)) { placeholder in
                let pointer = keyBytes.baseAddress ?? placeholder.baseAddress?.assumingMemoryBound(to: UInt8.self)
                return pointer != nil && EVP_MAC_init(context, pointer, keyBytes.count, nil) == 1
            }
        }
        guard keyed else {
            _ = OpenSSLErrors.drain()
            ThreadContexts.checkIn(context, algorithm: algorithm, isReusable: false)
            return nil
        }
        self.algorithm = algorithm
        self.context = context
        self.isFresh = true
    }

    deinit {
        ThreadContexts.checkIn(context, algorithm: algorithm, isReusable: !isBroken)
    }

    /// Writes the HMAC of `message` under the loaded key to the start of `output` and returns its length
    /// (`algorithm.digestLength`), or returns nil when libcrypto fails or `output` is too short.
    mutating func authenticationCode(
        for message: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<UInt8>
    ) -> Int? {
        let length = algorithm.digestLength
        guard !isBroken, let outputAddress = output.baseAddress, output.count >= length else { return nil }
        if !isFresh {
            // NULL key: restart from the keyed inner state that EVP_MAC_init stored with the key.
            guard EVP_MAC_init(context, nil, 0, nil) == 1 else { return markBroken() }
        }
        isFresh = false
        var written = 0
        let succeeded = withUnsafeBytes(of: UInt8(0)) { placeholder in
            let bytes = (message.baseAddress ?? placeholder.baseAddress)?.assumingMemoryBound(to: UInt8.self)
            return EVP_MAC_update(context, bytes, message.count) == 1
                && EVP_MAC_final(context, outputAddress, &written, output.count) == 1
        }
        guard succeeded, written == length else { return markBroken() }
        return length
    }

    private mutating func markBroken() -> Int? {
        isBroken = true
        _ = OpenSSLErrors.drain()
        return nil
    }
}

/// The process-wide fetched `HMAC` algorithm and one idle context per thread and hash algorithm.
///
/// A context is kept in thread-specific storage rather than a shared pool: taking and returning it then
/// costs no lock and no cache-line traffic between cores, and a context is only ever used by the thread
/// that holds it. Taking it empties the slot, so a nested `HMACContext` on the same thread gets a new
/// context instead of sharing one; returning it when the slot is already full frees it. A thread's context
/// is freed (and cleansed by libcrypto) when the thread exits. Measured on OpenSSL 3.0: creating a context
/// per call (`EVP_MAC_CTX_new` plus setting the digest, which fetches it) would add about 1.5 µs to a
/// verification of about 2 µs; a mutex-protected shared pool adds about 40 ns more than this.
private enum ThreadContexts {
    /// The fetched `EVP_MAC`, read by any number of threads (libcrypto allows that for fetched algorithms).
    /// `@unchecked Sendable` because a C pointer is not `Sendable` by itself.
    struct FetchedMAC: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    /// `EVP_MAC_fetch` is not free in OpenSSL 3 (a locked lookup in the method store), so it happens once.
    /// Swift initialises globals exactly once, thread-safely. Nil if libcrypto failed.
    static let hmac: FetchedMAC? = EVP_MAC_fetch(nil, "HMAC", nil).map(FetchedMAC.init)

    /// One thread-specific slot per hash algorithm, in `slotIndex` order; nil where `pthread_key_create`
    /// failed, in which case contexts are created and freed per use.
    static let slots: [pthread_key_t?] = HashAlgorithm.allCases.map { _ in
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { context in
            if let context { EVP_MAC_CTX_free(OpaquePointer(context)) }
        }
        return status == 0 ? key : nil
    }

    static func checkOut(_ algorithm: HashAlgorithm) -> OpaquePointer? {
        if let slot = slots[algorithm.slotIndex], let context = pthread_getspecific(slot),
            pthread_setspecific(slot, nil) == 0
        {
            return OpaquePointer(context)
        }
        return makeContext(algorithm)
    }

    static func checkIn(_ context: OpaquePointer, algorithm: HashAlgorithm, isReusable: Bool) {
        if isReusable, let slot = slots[algorithm.slotIndex], pthread_getspecific(slot) == nil,
            pthread_setspecific(slot, UnsafeRawPointer(context)) == 0
        {
            return
        }
        EVP_MAC_CTX_free(context)
    }

    /// A new context with its digest set (the digest is fetched by name here, once per context).
    private static func makeContext(_ algorithm: HashAlgorithm) -> OpaquePointer? {
        guard let hmac, let context = EVP_MAC_CTX_new(hmac.pointer) else {
            _ = OpenSSLErrors.drain()
            return nil
        }
        let configured = "digest".withCString { key in
            algorithm.libCryptoDigestName.withCString { name in
                var parameters = [
                    OSSL_PARAM_construct_utf8_string(key, UnsafeMutablePointer(mutating: name), 0),
                    OSSL_PARAM_construct_end(),
                ]
                return EVP_MAC_CTX_set_params(context, &parameters) == 1
            }
        }
        guard configured else {
            _ = OpenSSLErrors.drain()
            EVP_MAC_CTX_free(context)
            return nil
        }
        return context
    }
}

extension HashAlgorithm {
    /// The digest name that OpenSSL 3's default provider knows.
    fileprivate var libCryptoDigestName: String {
        switch self {
        case .sha1: "SHA1"
        case .sha256: "SHA2-256"
        case .sha512: "SHA2-512"
        }
    }

    fileprivate var slotIndex: Int {
        switch self {
        case .sha1: 0
        case .sha256: 1
        case .sha512: 2
        }
    }
}
