import CCurl

extension HTTPClientError {
    /// Classifies a failed `curl_easy_perform`, keeping curl's own words in the message.
    static func curlFailure(_ code: CURLcode, errorBuffer: String, transfer: CurlTransfer, limit: Int) -> Self {
        let summary = String(cString: curl_easy_strerror(code))
        let detail = errorBuffer.isEmpty ? summary : "\(summary): \(errorBuffer)"
        switch code {
        case CURLE_WRITE_ERROR where transfer.exceededBodyLimit, CURLE_FILESIZE_EXCEEDED:
            return HTTPClientError(reason: .responseTooLarge, message: "response body exceeds \(limit) bytes")
        case CURLE_ABORTED_BY_CALLBACK where transfer.abortedBecause == .shutdown:
            return .shutdownError
        case CURLE_ABORTED_BY_CALLBACK where transfer.abortedBecause == .cancelled:
            return .cancelledError
        default:
            return HTTPClientError(reason: reason(for: code), message: detail)
        }
    }

    private static func reason(for code: CURLcode) -> Reason {
        switch code {
        case CURLE_UNSUPPORTED_PROTOCOL: .unsupportedScheme
        case CURLE_URL_MALFORMAT: .invalidURL
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: .couldNotResolveHost
        case CURLE_COULDNT_CONNECT: .connectionFailed
        case CURLE_OPERATION_TIMEDOUT: .timedOut
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_ISSUER_ERROR,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE:
            .tlsFailed
        case CURLE_OUT_OF_MEMORY: .resourceUnavailable
        default: .transport(code: Int32(bitPattern: code.rawValue))
        }
    }
}
