#!/usr/bin/env bash
# Fuzzes HTTPRequestParser with libFuzzer and AddressSanitizer for the given number of seconds (default 30).
#
#   Fuzz/fuzz-http-parser.sh [seconds]
#
# Builds the parser sources alone (Sources/HTTPServer/Parser/*.swift import nothing) with the fuzz target into
# .build-fuzz/, seeds from Fixtures/http/*.http, keeps what the fuzzer learns in Fuzz/corpus-work/ and writes
# crash artifacts (crash-*, leak-*, timeout-*, oom-*) to Fuzz/out/; both folders are git-ignored.
# Exits non-zero if the fuzzer finds a crash, a sanitizer error, a leak or an oracle violation.
# Reproduce a crash: .build-fuzz/http-parser-fuzz Fuzz/out/crash-<hash>
set -euo pipefail

seconds="${1:-30}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/.build-fuzz"
seeds="$build/seeds"
corpus="$root/Fuzz/corpus-work"
artifacts="$root/Fuzz/out"
binary="$build/http-parser-fuzz"

mkdir -p "$build" "$corpus" "$artifacts"
rm -rf "$seeds"
mkdir -p "$seeds"
cp "$root"/Fixtures/http/*.http "$seeds/"

swiftc -sanitize=fuzzer,address -parse-as-library -O -g -use-ld=lld \
    "$root"/Sources/HTTPServer/Parser/*.swift "$root/Fuzz/HTTPParserFuzz.swift" \
    -o "$binary"

status=0
"$binary" \
    -max_total_time="$seconds" \
    -max_len=20000 \
    -timeout=10 \
    -rss_limit_mb=2048 \
    -print_final_stats=1 \
    -artifact_prefix="$artifacts/" \
    "$corpus" "$seeds" || status=$?

if [ "$status" -ne 0 ]; then
    echo "fuzz-http-parser: the fuzzer failed (exit $status); artifacts are in $artifacts" >&2
    exit "$status"
fi
echo "fuzz-http-parser: no crash in ${seconds}s"
