# Thin wrapper over CMake presets. See README "Quick start".
JOBS ?= $(shell nproc)

.PHONY: setup demo test build debug bench clean

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

debug: setup
	cmake --preset debug
	cmake --build --preset debug -j $(JOBS)
	ctest --preset debug -j $(JOBS)

bench: build
	./build/bin/chokepoint_benchmarks --benchmark_min_time=0.2

clean:
	rm -rf build build-debug
