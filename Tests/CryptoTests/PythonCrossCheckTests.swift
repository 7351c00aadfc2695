import ChildProcess
import Crypto
import Foundation
import Testing

/// Locates the interpreter used for the cross-check.
enum Python {
    /// The first executable `python3` on PATH.
    static let executable: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/python3"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()
}

/// Compares this module against an independent implementation, Python's standard library (`hmac`,
/// `hashlib.scrypt`, `base64`), on random inputs. Skipped, with a message, when `python3` is absent.
@Suite(
    "Cross-check against Python's standard library",
    .enabled(if: Python.executable != nil, "python3 not found on PATH; cross-check skipped"))
struct PythonCrossCheckTests {

    /// Reads one request per line ("op hex-args…") from stdin and prints one hex or text answer per line.
    static let script = """
        import sys, hmac, hashlib, base64
        for line in sys.stdin.read().splitlines():
            op, *args = line.split(" ")
            raw = [bytes.fromhex(a) for a in args]
            if op == "hmac":
                print(hmac.new(raw[1], raw[2], raw[0].decode()).hexdigest())
            elif op == "digest":
                print(hashlib.new(raw[0].decode(), raw[1]).hexdigest())
            elif op == "scrypt":
                n, r, p = (int(x) for x in raw[2].decode().split(","))
                print(hashlib.scrypt(raw[0], salt=raw[1], n=n, r=r, p=p, dklen=32, maxmem=256 * 1024 * 1024).hex())
            elif op == "b32":
                print(base64.b32encode(raw[0]).decode())
            elif op == "b64url":
                print(base64.urlsafe_b64encode(raw[0]).decode().rstrip("="))
        """

    /// Runs the script with `requests` and returns its output lines.
    static func runPython(_ requests: [String]) async throws -> [String] {
        let result = try await ChildProcess.run(
            try #require(Python.executable), ["-c", script],
            input: Array((requests.joined(separator: "\n") + "\n").utf8))
        try #require(result.status == .exited(0), "python3 failed with \(result.status): \(result.errorText)")
        // Keep empty lines: the encoding of zero bytes is an empty answer.
        var lines = result.outputText.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines.map(String.init)
    }

    static func hex(_ text: String) -> String { utf8(text).hexEncodedString() }

    @Test("HMAC, digests, scrypt, base32 and base64url agree on random inputs")
    func randomInputs() async throws {
        var requests: [String] = []
        var expectations: [(label: String, ours: String)] = []
        let algorithms: [(HashAlgorithm, String)] = [(.sha1, "sha1"), (.sha256, "sha256"), (.sha512, "sha512")]
        for _ in 0..<10 {
            let key = SecureRandom.bytes(count: Int(SecureRandom.uniform(below: 200)))
            let message = SecureRandom.bytes(count: Int(SecureRandom.uniform(below: 300)))
            for (algorithm, name) in algorithms {
                // bytes.fromhex("") is fine, but an empty argument must still be a separate field.
                requests.append("hmac \(Self.hex(name)) \(key.hexEncodedString()) \(message.hexEncodedString())")
                expectations.append(
                    (
                        "hmac \(name)",
                        HMAC.authenticationCode(for: message, key: key, algorithm: algorithm).hexEncodedString()
                    ))
                requests.append("digest \(Self.hex(name)) \(message.hexEncodedString())")
                expectations.append(("digest \(name)", Digest.hash(message, algorithm: algorithm).hexEncodedString()))
            }
            let data = SecureRandom.bytes(count: Int(SecureRandom.uniform(below: 50)))
            requests.append("b32 \(data.hexEncodedString())")
            expectations.append(("base32", Base32.encode(data)))
            requests.append("b64url \(data.hexEncodedString())")
            expectations.append(("base64url", Base64URL.encode(data)))
        }
        for parameters in [ScryptParameters(logN: 4, r: 1, p: 1), .testing, ScryptParameters(logN: 8, r: 4, p: 3)] {
            let password = SecureRandom.bytes(count: Int(SecureRandom.uniform(below: 40)) + 1)
            let salt = SecureRandom.bytes(count: 16)
            let settings = Self.hex("\(1 << Int(parameters.logN)),\(parameters.r),\(parameters.p)")
            requests.append("scrypt \(password.hexEncodedString()) \(salt.hexEncodedString()) \(settings)")
            expectations.append(
                (
                    "scrypt \(parameters)",
                    try Scrypt.deriveKey(password: password, salt: salt, parameters: parameters, keyLength: 32)
                        .hexEncodedString()
                ))
        }
        let answers = try await Self.runPython(requests)
        try #require(answers.count == expectations.count)
        for (answer, expectation) in zip(answers, expectations) {
            #expect(answer == expectation.ours, "\(expectation.label)")
        }
    }
}
