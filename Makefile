# Mandate — the two commands of the README are `make run` and `make test`.
# Both install missing Debian packages first (as root; otherwise they print the command).

BUILD_DEPS := libsqlite3-dev libcurl4-openssl-dev libssl-dev libpq-dev pkg-config
TEST_DEPS := sqlite3 python3 python3-venv librsvg2-bin zbar-tools chromium chromium-driver postgresql
BENCH_DEPS := wrk
SWIFT_FLAGS ?=

.PHONY: run test test-run test-postgres test-asan deps test-deps build lint bench fuzz clean

## run: build and start Mandate with demo data on the embedded SQLite default.
run: deps
	swift build $(SWIFT_FLAGS) --product mandate
	"$$(swift build $(SWIFT_FLAGS) --show-bin-path)/mandate" serve --demo

# Suites that assert wall-clock behaviour (timeouts, drains, timing equality). The rest of the
# suite keeps both cores busy, so these run afterwards, one at a time, on a quiet machine.
TIMING_SUITES := ServerTimeoutTests|ServerShutdownTests|FailureTests|ConcurrencyTests|ServiceGroupTests|SchedulerTests|WorkerPoolTests|WorkerProcessTests|SignInTimingTests|CommandLineTests

# Suites that start their own `mandate serve --demo` and drive it (sign-ins hash at the production
# scrypt cost; some drive Chromium). Next to the parallel phase and to each other they starved on two
# cores (a sign-in went unanswered for 10 s), so they run afterwards, one at a time.
SERVER_SUITES := EndToEndTests.Browser|MFAJourneyTests

# The throw-away PostgreSQL cluster of the tests (scripts/pg-cluster.sh): loopback only, deleted afterwards.
PG_DIR := .build/pg

## test: the whole suite (what CI runs): lint, build, every test target, 30 s of parser fuzzing.
test: deps test-deps lint
	swift build $(SWIFT_FLAGS) --build-tests
	scripts/with-pg-cluster.sh $(PG_DIR) $(MAKE) --no-print-directory test-run
	Fuzz/fuzz-http-parser.sh 30

# The test targets that use a database run twice: on SQLite files, then each test on a fresh database
# of the throw-away PostgreSQL cluster (MANDATE_TEST_DATABASE, see Tests/DatabaseTestSupport).
DATABASE_TARGETS := StorageTests|MandateCoreTests|MandateJobsTests|MandateAppTests
# Suites that exercise the database across processes or over time: never in a parallel phase (the
# scale-out test starts four processes); on PostgreSQL they run one at a time at the end, with the
# whole end-to-end target (the real binary, driven over HTTP and through Chromium, gets
# `--db postgres://…`).
DATABASE_SERIAL_SUITES := WorkerProcessTests|ScaleOutTests|SchedulerTests|WorkerPoolTests|SignInTimingTests

# A crash in a test run prints the crashed thread's frames last (no registers, no image list), so
# the tail of the CI log names the code that crashed.
test-run: export SWIFT_BACKTRACE = enable=yes,threads=crashed,registers=none,images=none

# The test runs of `make test`, inside with-pg-cluster.sh, which sets MANDATE_TEST_POSTGRES_URL and
# stops the cluster afterwards, also when a test fails. The REQUIRE variables turn a missing browser
# or database into failures, so CI cannot pass by skipping.
test-run:
	MANDATE_REQUIRE_BROWSER=1 MANDATE_REQUIRE_POSTGRES=1 swift test $(SWIFT_FLAGS) --skip-build --parallel --skip '$(TIMING_SUITES)|$(SERVER_SUITES)|$(DATABASE_SERIAL_SUITES)'
	MANDATE_REQUIRE_POSTGRES=1 MANDATE_TEST_DATABASE="$$MANDATE_TEST_POSTGRES_URL" swift test $(SWIFT_FLAGS) --skip-build --parallel --filter '$(DATABASE_TARGETS)' --skip '$(TIMING_SUITES)|$(SERVER_SUITES)|$(DATABASE_SERIAL_SUITES)'
	MANDATE_REQUIRE_BROWSER=1 MANDATE_REQUIRE_POSTGRES=1 swift test $(SWIFT_FLAGS) --skip-build --no-parallel --filter '$(TIMING_SUITES)|$(SERVER_SUITES)'
	MANDATE_REQUIRE_BROWSER=1 MANDATE_REQUIRE_POSTGRES=1 MANDATE_TEST_DATABASE="$$MANDATE_TEST_POSTGRES_URL" swift test $(SWIFT_FLAGS) --skip-build --no-parallel --filter '$(DATABASE_SERIAL_SUITES)|EndToEndTests'

## test-postgres: only the database test targets, on PostgreSQL (a quicker loop while working on the stores).
test-postgres: deps test-deps
	swift build $(SWIFT_FLAGS) --build-tests
	scripts/with-pg-cluster.sh $(PG_DIR) sh -c 'MANDATE_REQUIRE_POSTGRES=1 MANDATE_TEST_DATABASE="$$MANDATE_TEST_POSTGRES_URL" swift test $(SWIFT_FLAGS) --skip-build --parallel --filter "$(DATABASE_TARGETS)|$(DATABASE_SERIAL_SUITES)"'

## test-asan: `make test` with everything built under AddressSanitizer, in .build-asan (not part of CI:
## about 6 min to build and 8.5 min to run). Leak checking is off: the Swift runtime keeps its
## metadata for the life of the process.
test-asan:
	ASAN_OPTIONS=detect_leaks=0:halt_on_error=1 $(MAKE) --no-print-directory test \
		SWIFT_FLAGS="--sanitize=address --scratch-path .build-asan"

deps:
	@scripts/ensure-deps.sh $(BUILD_DEPS)

# Checked on every run, not only when .venv/ready is rebuilt, so a package added to TEST_DEPS
# (postgresql) reaches machines that already have the virtual environment.
test-deps: .venv/ready
	@scripts/ensure-deps.sh $(TEST_DEPS)

# Python peers for tests and benchmarks only (never part of the product): an independent Standard
# Webhooks verifier, and huey as the job-queue benchmark's peer.
.venv/ready: scripts/python-requirements.txt
	@scripts/ensure-deps.sh $(TEST_DEPS)
	python3 -m venv .venv
	.venv/bin/pip install --quiet --disable-pip-version-check -r scripts/python-requirements.txt
	touch .venv/ready

build: deps
	swift build $(SWIFT_FLAGS)

## lint: the tree must be clean under swift-format.
lint:
	swift format lint --strict -r Package.swift Sources Tests Jobs Benchmarks Fuzz

## bench: every benchmark of the README (release build, wrk for HTTP load).
bench: deps test-deps
	@scripts/ensure-deps.sh $(BENCH_DEPS)
	swift build -c release
	scripts/bench.sh

## fuzz: the HTTP request parser under libFuzzer (FUZZ_SECONDS, default 30).
fuzz:
	Fuzz/fuzz-http-parser.sh $${FUZZ_SECONDS:-30}

clean:
	@scripts/pg-cluster.sh stop $(PG_DIR) 2>/dev/null || true
	rm -rf .build .build-fuzz .build-asan
