#!/usr/bin/env python3
"""Generates the raw HTTP request corpus and manifest.json.

Run from anywhere: `python3 Fixtures/http/generate.py`. The .http files hold exact bytes (CRLF line ends,
no trailing newline added); .gitattributes marks them -text so git never rewrites them.

Every rejected case is followed by CANARY, a valid request that a server must never parse: after rejecting a
request the connection's remaining bytes cannot be trusted (request smuggling).

manifest.json: [{"file", "status" (expected error status, or null for valid files), "requests" (number of
requests a server answers before closing: for valid files, up to and including the first that does not keep
the connection alive; for rejected files, the requests completed before the error), "note"}].
"""

import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
CANARY = b"GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"

CASES = []


def lines(*parts):
    """Joins request-line/field lines with CRLF and ends the head with an empty line."""
    return b"".join(p + b"\r\n" for p in parts) + b"\r\n"


def rejected(name, status, data, note):
    CASES.append((name, status, 0, data + CANARY, note))


def valid(name, requests, data, note):
    CASES.append((name, None, requests, data, note))


# --- Message framing (RFC 9112 §6) -----------------------------------------------------------------------
rejected("cl-and-te", 400,
         lines(b"POST /upload HTTP/1.1", b"Host: x", b"Content-Length: 5", b"Transfer-Encoding: chunked")
         + b"0\r\n\r\n",
         "both Content-Length and Transfer-Encoding (classic CL.TE smuggling)")
rejected("cl-two-different", 400,
         lines(b"POST / HTTP/1.1", b"Host: x", b"Content-Length: 3", b"Content-Length: 5") + b"abcde",
         "two different Content-Length fields")
rejected("cl-two-equal", 400,
         lines(b"POST / HTTP/1.1", b"Host: x", b"Content-Length: 5", b"Content-Length: 5") + b"abcde",
         "two equal Content-Length fields are refused too")
rejected("cl-list", 400,
         lines(b"POST / HTTP/1.1", b"Host: x", b"Content-Length: 5, 5") + b"abcde",
         "Content-Length as a list")
rejected("cl-space-inside", 400,
         lines(b"POST / HTTP/1.1", b"Host: x", b"Content-Length: 1 0") + b"0123456789",
         "Content-Length: 1 0 is not 1*DIGIT")
rejected("cl-negative", 400,
         lines(b"POST / HTTP/1.1", b"Host: x", b"Content-Length: -1"),
         "negative Content-Length")
rejected("cl-plus-sign", 400,
         lines(b"POST / HTTP/1.1", b"Host: x", b"Content-Length: +5") + b"abcde",
         "Content-Length with a sign")
rejected("cl-empty", 400,
         lines(b"POST / HTTP/1.1", b"Host: x", b"Content-Length:"),
         "empty Content-Length")
rejected("cl-overflow", 400,
         lines(b"POST / HTTP/1.1", b"Host: x", b"Content-Length: 99999999999999999999999999"),
         "Content-Length beyond Int")
rejected("cl-too-large", 413,
         lines(b"POST / HTTP/1.1", b"Host: x", b"Content-Length: 1048577"),
         "Content-Length one byte above the 1 MiB limit: refused at head time, before the body")
rejected("te-chunked-gzip", 400,
         lines(b"POST / HTTP/1.1", b"Host: x", b"Transfer-Encoding: chunked, gzip") + b"0\r\n\r\n",
         "final transfer coding is not chunked")
rejected("te-identity", 400,
         lines(b"POST / HTTP/1.1", b"Host: x", b"Transfer-Encoding: identity") + b"0\r\n\r\n",
         "identity is not a transfer coding any more; final coding not chunked")
rejected("te-chunked-twice", 400,
         lines(b"POST / HTTP/1.1", b"Host: x", b"Transfer-Encoding: chunked", b"Transfer-Encoding: chunked")
         + b"0\r\n\r\n",
         "chunked listed twice (over two field lines)")
rejected("te-gzip-chunked", 501,
         lines(b"POST / HTTP/1.1", b"Host: x", b"Transfer-Encoding: gzip, chunked") + b"0\r\n\r\n",
         "a coding other than chunked before the final chunked: not implemented")
rejected("te-http10", 400,
         lines(b"POST / HTTP/1.0", b"Transfer-Encoding: chunked") + b"0\r\n\r\n",
         "Transfer-Encoding on an HTTP/1.0 request")
rejected("te-space-before-colon", 400,
         lines(b"POST / HTTP/1.1", b"Host: x", b"Transfer-Encoding : chunked") + b"0\r\n\r\n",
         "whitespace between field name and colon (RFC 9112 section 5.1)")

# --- Field syntax --------------------------------------------------------------------------------------
rejected("obs-fold", 400,
         lines(b"GET / HTTP/1.1", b"Host: x", b"X-Folded: a", b" b"),
         "obsolete line folding")
rejected("bare-cr-head", 400,
         b"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rX-B: b\r\n\r\n",
         "bare CR inside the head")
rejected("bare-lf-head", 400,
         b"GET / HTTP/1.1\r\nHost: x\nX-A: a\r\n\r\n",
         "a field line ended by a bare LF")
rejected("bare-lf-request-line", 400,
         b"GET / HTTP/1.1\nHost: x\r\n\r\n",
         "request line ended by a bare LF")
rejected("nul-in-value", 400,
         lines(b"GET / HTTP/1.1", b"Host: x", b"X-A: a\x00b"),
         "NUL in a field value")
rejected("empty-field-name", 400,
         lines(b"GET / HTTP/1.1", b"Host: x", b": value"),
         "empty field name")
rejected("host-missing", 400,
         lines(b"GET / HTTP/1.1", b"Accept: */*"),
         "HTTP/1.1 without Host")
rejected("host-twice", 400,
         lines(b"GET / HTTP/1.1", b"Host: a", b"Host: b"),
         "two Host fields")

# --- Request line ------------------------------------------------------------------------------------
rejected("version-http20", 505, lines(b"GET / HTTP/2.0", b"Host: x"), "HTTP/2.0 over HTTP/1 framing")
rejected("version-http12", 505, lines(b"GET / HTTP/1.2", b"Host: x"), "HTTP/1.2 does not exist")
rejected("version-garbage", 400, lines(b"GET / HTTP/1.1x", b"Host: x"), "malformed version")
rejected("request-line-double-space", 400, lines(b"GET  / HTTP/1.1", b"Host: x"), "two spaces after the method")
rejected("target-non-ascii", 400, lines(b"GET /caf\xc3\xa9 HTTP/1.1", b"Host: x"), "non-ASCII byte in the target")
rejected("too-many-empty-lines", 400, b"\r\n" * 5 + lines(b"GET / HTTP/1.1", b"Host: x"),
         "more than 4 empty lines before the request line")

# --- Chunked framing (RFC 9112 §7.1) ---------------------------------------------------------------
CHUNKED_HEAD = lines(b"POST / HTTP/1.1", b"Host: x", b"Transfer-Encoding: chunked")
rejected("chunk-size-invalid", 400, CHUNKED_HEAD + b"zz\r\nhello\r\n0\r\n\r\n", "non-hex chunk size")
rejected("chunk-size-overflow", 400, CHUNKED_HEAD + b"FFFFFFFFFFFFFFFFFF\r\nhello\r\n0\r\n\r\n",
         "chunk size overflowing Int")
rejected("chunk-size-sign", 400, CHUNKED_HEAD + b"+5\r\nhello\r\n0\r\n\r\n", "chunk size with a sign")
rejected("chunk-missing-crlf", 400, CHUNKED_HEAD + b"5\r\nhelloXX0\r\n\r\n", "chunk data not followed by CRLF")
rejected("chunk-bare-lf", 400, CHUNKED_HEAD + b"5\nhello\r\n0\r\n\r\n", "chunk size line ended by a bare LF")
rejected("chunked-too-large", 413,
         CHUNKED_HEAD + b"10\r\n" + b"a" * 16 + b"\r\nFFFF1\r\n" + b"a" * 64,
         "16 bytes then a chunk of 1048561: the total exceeds 1 MiB, refused at that chunk header before its data")

# --- Limits ------------------------------------------------------------------------------------------
rejected("head-17k", 431,
         lines(b"GET / HTTP/1.1", b"Host: x", *[b"X-Filler-%02d: " % i + b"a" * 1000 for i in range(17)]),
         "17 KiB head, above the 16 KiB limit")
rejected("headers-10000", 431,
         lines(b"GET / HTTP/1.1", b"Host: x", *[b"X-%d: v" % i for i in range(10000)]),
         "10,000 header lines, above the 100 fields limit")
rejected("request-line-9k", 414,
         lines(b"GET /" + b"a" * (9 * 1024) + b" HTTP/1.1", b"Host: x"),
         "9 KiB request line, above the 8 KiB limit")

# --- Valid files ---------------------------------------------------------------------------------------
valid("get-simple", 1, lines(b"GET /healthz HTTP/1.1", b"Host: localhost:8080"), "the request wrk sends")
valid("pipelined-3", 3,
      lines(b"GET /a HTTP/1.1", b"Host: x")
      + lines(b"POST /b HTTP/1.1", b"Host: x", b"Content-Length: 11") + b"hello world"
      + lines(b"GET /c HTTP/1.1", b"Host: x", b"Connection: close"),
      "three pipelined requests, the second with a body; the third closes")
valid("chunked-post-extensions-trailers", 1,
      CHUNKED_HEAD
      + b"5;name=value\r\nhello\r\n"
      + b"6 ; quoted=\"a;b\"\r\n world\r\n"
      + b"0\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n",
      "chunked body with extensions and trailer fields; body is 'hello world'")
valid("http10-keep-alive", 2,
      lines(b"GET /first HTTP/1.0", b"Connection: keep-alive")
      + lines(b"GET /second HTTP/1.0")
      + lines(b"GET /third HTTP/1.0", b"Connection: keep-alive"),
      "HTTP/1.0 keeps the connection only when asked; the second request closes it")
valid("expect-100-continue", 1,
      lines(b"PUT /item HTTP/1.1", b"Host: x", b"Expect: 100-continue", b"Content-Length: 4") + b"data",
      "Expect: 100-continue with a body")
valid("leading-empty-line", 2,
      b"\r\n" + lines(b"GET / HTTP/1.1", b"Host: x")
      + b"\r\n\r\n" + lines(b"OPTIONS * HTTP/1.1", b"Host: x", b"Connection: close"),
      "empty lines before request lines are ignored (RFC 9112 section 2.2); asterisk-form for OPTIONS")
valid("absolute-form-and-ows", 1,
      lines(b"GET http://example.com/x?y=1 HTTP/1.1", b"Host: example.com", b"X-Spaced: \t value with  inner \t",
            b"connection: CLOSE"),
      "absolute-form target, OWS trimmed around a value, case-insensitive Connection: close")


def main():
    manifest = []
    for name, status, requests, data, note in CASES:
        file_name = name + ".http"
        with open(os.path.join(HERE, file_name), "wb") as handle:
            handle.write(data)
        manifest.append({"file": file_name, "status": status, "requests": requests, "note": note})
    with open(os.path.join(HERE, "manifest.json"), "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, indent=2)
        handle.write("\n")


if __name__ == "__main__":
    main()
