import CCurl

/// One curl easy handle, owned and used by exactly one worker thread for that thread's life.
///
/// Not `Sendable` on purpose: an easy handle must never be used by two threads at once. Keeping the
/// handle between requests keeps its connection cache, so keep-alive connections are reused;
/// `curl_easy_reset` clears the options of the previous request but not that cache.
final class CurlEasyHandle {
    private let handle: UnsafeMutableRawPointer
    /// `CURLOPT_ERRORBUFFER`: curl writes a detailed message here on failure.
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init?() {
        guard let handle = curl_easy_init() else { return nil }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Runs `request` to completion on the calling thread; `abortReason` is polled from curl's progress
    /// callback and aborts the transfer when it returns a reason.
    func perform(
        _ request: PreparedRequest, abortReason: @escaping () -> HTTPClientError.Reason?
    ) -> Result<HTTPClientResponse, HTTPClientError> {
        curl_easy_reset(handle)
        errorBuffer[0] = 0
        let transfer = CurlTransfer(maximumBodySize: request.maximumResponseBodySize, abortReason: abortReason)

        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        for line in request.headerLines {
            guard let extended = curl_slist_append(headerList, line) else {
                return .failure(HTTPClientError(reason: .resourceUnavailable, message: "curl_slist_append failed"))
            }
            headerList = extended
        }

        // CURLOPT_POSTFIELDS is not copied by curl, so the body must outlive curl_easy_perform; an
        // empty body still needs a valid pointer or curl would read the request body from stdin.
        let body = request.body.isEmpty ? [0] : request.body
        return body.withUnsafeBufferPointer { bodyBuffer in
            withExtendedLifetime(transfer) {
                var options = CurlOptionSetter(handle: handle)
                configure(&options, request: request, headerList: headerList, transfer: transfer)
                options.setBody(
                    request.mode.sendsBody ? UnsafeMutableRawPointer(mutating: bodyBuffer.baseAddress) : nil,
                    count: request.body.count)
                if let failure = options.firstFailure {
                    let message =
                        "could not set \(failure.option): \(String(cString: curl_easy_strerror(failure.code)))"
                    return .failure(
                        HTTPClientError(
                            reason: .transport(code: Int32(bitPattern: failure.code.rawValue)), message: message))
                }
                let code = curl_easy_perform(handle)
                guard code == CURLE_OK else {
                    return .failure(
                        .curlFailure(
                            code, errorBuffer: String(cString: errorBuffer), transfer: transfer,
                            limit: request.maximumResponseBodySize))
                }
                var status = 0
                _ = ccurl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
                return .success(HTTPClientResponse(status: status, headers: transfer.headers, body: transfer.body))
            }
        }
    }

    private func configure(
        _ options: inout CurlOptionSetter, request: PreparedRequest,
        headerList: UnsafeMutablePointer<curl_slist>?, transfer: CurlTransfer
    ) {
        options.set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
        options.set(CURLOPT_URL, string: request.url)
        // SECURITY.md: http and https only, for the request and for any redirect (none are followed).
        options.set(CURLOPT_PROTOCOLS_STR, string: "http,https")
        options.set(CURLOPT_REDIR_PROTOCOLS_STR, string: "http,https")
        options.set(CURLOPT_FOLLOWLOCATION, 0)
        // Worker threads: curl must not use signals (SIGALRM) for DNS timeouts.
        options.set(CURLOPT_NOSIGNAL, 1)
        // An empty proxy disables http_proxy/https_proxy from the environment.
        options.set(CURLOPT_PROXY, string: "")
        options.set(CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeoutMilliseconds)
        options.set(CURLOPT_TIMEOUT_MS, request.totalTimeoutMilliseconds)
        options.set(CURLOPT_TCP_KEEPALIVE, 1)
        options.set(CURLOPT_USERAGENT, string: request.userAgent)
        options.set(CURLOPT_HTTPHEADER, list: headerList)
        if request.maximumResponseBodySize > 0 {
            // Rejects an announced Content-Length over the limit before any of the body is read.
            options.set(CURLOPT_MAXFILESIZE_LARGE, offset: curl_off_t(request.maximumResponseBodySize))
        }
        switch request.mode {
        case .get: options.set(CURLOPT_HTTPGET, 1)
        case .head: options.set(CURLOPT_NOBODY, 1)
        case .post: break
        case .custom(let method, _): options.set(CURLOPT_CUSTOMREQUEST, string: method)
        }

        let context = Unmanaged.passUnretained(transfer).toOpaque()
        options.set(CURLOPT_WRITEDATA, pointer: context)
        options.set(
            CURLOPT_WRITEFUNCTION,
            callback: { data, size, count, context in
                guard let context else { return 0 }
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
                let length = size * count
                return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
            })
        options.set(CURLOPT_HEADERDATA, pointer: context)
        options.set(
            CURLOPT_HEADERFUNCTION,
            callback: { data, size, count, context in
                guard let context else { return 0 }
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
                let length = size * count
                transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
                return length
            })
        // The progress callback is how cancellation and shutdown reach a running transfer; curl calls
        // it at least about once a second even while the connection is idle.
        options.set(CURLOPT_NOPROGRESS, 0)
        options.set(CURLOPT_XFERINFODATA, pointer: context)
        options.set(
            CURLOPT_XFERINFOFUNCTION,
            progress: { context, _, _, _, _ in
                guard let context else { return 0 }
                return Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue().shouldAbort() ? 1 : 0
            })
    }
}
