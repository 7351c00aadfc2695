import CCurl

/// Sets options on an easy handle through the typed shim wrappers and remembers the first failure,
/// so a long list of options is set without checking each `CURLcode` by hand.
struct CurlOptionSetter {
    /// The option that failed and curl's code for it.
    struct Failure {
        var option: UInt32
        var code: CURLcode
    }

    let handle: UnsafeMutableRawPointer
    private(set) var firstFailure: Failure?

    init(handle: UnsafeMutableRawPointer) {
        self.handle = handle
    }

    mutating func set(_ option: CURLoption, _ value: Int) {
        record(option, ccurl_easy_setopt_long(handle, option, value))
    }

    mutating func set(_ option: CURLoption, offset: curl_off_t) {
        record(option, ccurl_easy_setopt_off_t(handle, option, offset))
    }

    /// curl copies string options (since 7.17.0), so a temporary C string is enough.
    mutating func set(_ option: CURLoption, string: String) {
        record(option, ccurl_easy_setopt_string(handle, option, string))
    }

    mutating func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) {
        record(option, ccurl_easy_setopt_pointer(handle, option, pointer))
    }

    mutating func set(_ option: CURLoption, list: UnsafeMutablePointer<curl_slist>?) {
        record(option, ccurl_easy_setopt_slist(handle, option, list))
    }

    mutating func set(_ option: CURLoption, callback: curl_write_callback) {
        record(option, ccurl_easy_setopt_write_callback(handle, option, callback))
    }

    mutating func set(_ option: CURLoption, progress: curl_xferinfo_callback) {
        record(option, ccurl_easy_setopt_xferinfo_callback(handle, option, progress))
    }

    /// Sends `count` bytes at `bytes` as the request content (`CURLOPT_POST`, `CURLOPT_POSTFIELDS`,
    /// `CURLOPT_POSTFIELDSIZE_LARGE`); `nil` sends none. The bytes must stay valid until the transfer
    /// ends, since curl does not copy them.
    mutating func setBody(_ bytes: UnsafeMutableRawPointer?, count: Int) {
        guard let bytes else { return }
        set(CURLOPT_POST, 1)
        set(CURLOPT_POSTFIELDSIZE_LARGE, offset: curl_off_t(count))
        set(CURLOPT_POSTFIELDS, pointer: bytes)
    }

    private mutating func record(_ option: CURLoption, _ code: CURLcode) {
        if code != CURLE_OK && firstFailure == nil {
            firstFailure = Failure(option: option.rawValue, code: code)
        }
    }
}
