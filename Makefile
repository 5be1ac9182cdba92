# Thin wrapper over CMake presets. See README "Quick start".
JOBS ?= $(shell nproc)

.PHONY: setup demo test test-slow build debug bench sanitize sanitize-all sanitize-thread sanitize-thread-all fuzz fuzz-smoke clean

setup:
	./scripts/setup.sh

build: setup
	cmake --preset release
	cmake --build --preset release -j $(JOBS)

demo: build
	./build/bin/chokepoint run --out results/demo_run.h5
	./build/bin/chokepoint report results/demo_run.h5

test: build
	ctest --preset release -j $(JOBS)

# Powered Monte Carlo checks (ctest label `slow`, tests/slow/): each rate on
# enough draws that a 5-point error fails with probability >= 0.9. About
# 2 minutes on 2 cores; CI runs it after `test`.
test-slow: build
	ctest --preset slow -j $(JOBS)

debug: setup
	cmake --preset debug
	cmake --build --preset debug -j $(JOBS)
	ctest --preset debug -j $(JOBS)

# Sanitizers. `sanitize` (CI runs it): the core, bootstrap and robustness
# suites (all but the tests that run the executable) under AddressSanitizer
# + UndefinedBehaviorSanitizer. `sanitize-all`: every suite, CLI included
# (16 min build, 7 min tests on 2 cores; it passed in full when added).
# `sanitize-thread` (CI runs it): the core and bootstrap suites (all but the
# tests that run the executable) under ThreadSanitizer, against oneTBB built
# with TSan too (scripts/tsan_tbb.sh: Debian's own oneTBB 2021.8 source, about
# 30 s), so TBB's synchronisation is visible and no suppressions are needed.
# `sanitize-thread-all`: the robustness suite's thread-invariance tests too
# (a further 3 min build; all 71 robustness tests took 7.3 min under TSan),
# less Models.SameResultOnOneAndTwoThreads and SurgeRecovery's two-arena test
# (62 s and 56 s under TSan; they passed with 0 reports in that full run).
# Under ASan the suites leave out the tests that run the executable and two
# Monte Carlo studies that repeat one draw's code paths many times (58 s and
# 28 s under ASan; the release suite and the slow label run them).
ASAN_FILTER ?= -SimulateCli.*:BootstrapCliTest.*:SweepCli.*:EpisodeCoverage.*:ScenarioRecovery.PlantedEvents*
TSAN_FILTER ?= $(ASAN_FILTER)
TSAN_ROBUSTNESS_FILTER ?= *OneAndTwoThread*:*IndependentOfThreads*:SweepEngine.UnitsMergeExactly:SweepEngine.GroupsMovedAsBytesGiveTheWholeSweep:-Models.*:SurgeRecovery.*
TSAN_ENV = TSAN_OPTIONS='halt_on_error=1 second_deadlock_stack=1'
ASAN_ENV = ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
sanitize: setup
	cmake --preset asan
	cmake --build --preset asan -j $(JOBS) --target core_tests bootstrap_tests robustness_tests
	$(ASAN_ENV) ./build-asan/bin/core_tests --gtest_filter='$(ASAN_FILTER)'
	$(ASAN_ENV) ./build-asan/bin/bootstrap_tests --gtest_filter='$(ASAN_FILTER)'
	$(ASAN_ENV) ./build-asan/bin/robustness_tests --gtest_filter='$(ASAN_FILTER)'

sanitize-all: setup
	cmake --preset asan -DCHOKEPOINT_SANITIZE_WITH_CLI=ON
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan -j $(JOBS) -E 'install_|notebook_|python_'

sanitize-thread: setup
	./scripts/tsan_tbb.sh build-deps/tbb-tsan
	cmake --preset tsan
	cmake --build --preset tsan -j $(JOBS) --target core_tests bootstrap_tests
	$(TSAN_ENV) ./build-tsan/bin/core_tests --gtest_filter='$(TSAN_FILTER)'
	$(TSAN_ENV) ./build-tsan/bin/bootstrap_tests --gtest_filter='$(TSAN_FILTER)'

sanitize-thread-all: sanitize-thread
	cmake --build --preset tsan -j $(JOBS) --target robustness_tests
	$(TSAN_ENV) ./build-tsan/bin/robustness_tests --gtest_filter='$(TSAN_ROBUSTNESS_FILTER)'

# libFuzzer (clang, ASan + UBSan; fuzz/README.md). `fuzz-smoke` (CI runs it):
# each target for FUZZ_SECONDS (45) on a scratch copy of its committed corpus; a
# crash, leak, sanitizer report or uncaught exception fails it and leaves the
# input in build-fuzz/artifacts/. `fuzz`: the same for longer, by hand.
FUZZ_TARGETS = fuzz_series_csv fuzz_ingest fuzz_config fuzz_run_file
FUZZ_SECONDS ?= 45
fuzz-smoke: setup
	cmake --preset fuzz
	cmake --build --preset fuzz -j $(JOBS)
	mkdir -p build-fuzz/artifacts
	set -e; for t in $(FUZZ_TARGETS); do \
	  rm -rf build-fuzz/corpus/$$t; mkdir -p build-fuzz/corpus/$$t; \
	  echo "fuzz-smoke: $$t for $(FUZZ_SECONDS) s"; \
	  ./build-fuzz/bin/$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix=build-fuzz/artifacts/$$t- build-fuzz/corpus/$$t fuzz/corpus/$$t > build-fuzz/$$t.log 2>&1 \
	    || { tail -n 60 build-fuzz/$$t.log; echo "fuzz-smoke: $$t FAILED (input in build-fuzz/artifacts/)"; exit 1; }; \
	  tail -n 6 build-fuzz/$$t.log; \
	done

fuzz:
	$(MAKE) fuzz-smoke FUZZ_SECONDS=600

bench: build
	./build/bin/chokepoint_benchmarks --benchmark_min_time=0.2

clean:
	rm -rf build build-debug build-asan build-tsan build-fuzz
