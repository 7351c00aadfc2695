#!/usr/bin/env bash
# Runs every benchmark of the README against release builds. Expects `make bench` to have built
# `mandate` and `mandate-bench` with `-c release`. Close other work first: these are 2-core figures.
set -euo pipefail
cd "$(dirname "$0")/.."
bench=".build/release/mandate-bench"
"$bench" http "$@"
"$bench" idle-connections
"$bench" signin
"$bench" me
"$bench" totp
"$bench" sms-latency
"$bench" enforcement
"$bench" sweep
"$bench" downgrade
.build/release/jobs-bench all --runs 5
