#!/bin/sh
# Regenerates the canonical run outputs under results/ from the embedded
# synthetic default (scenario paper2025, seed 1). Run after `make build`.
#   results/default_run.h5, results/default_report.md   `chokepoint run` (every stage)
#   results/referee_sweep.h5, results/referee_sweep.md  `chokepoint sweep` (the referee grid, 1,000 replicates)
set -eu
cd "$(dirname "$0")/.."
bin=build/bin/chokepoint
$bin run --quiet --seed 1 --out results/default_run.h5
$bin report results/default_run.h5 > results/default_report.md.tmp && mv results/default_report.md.tmp results/default_report.md
if [ "${SKIP_SWEEP:-0}" != 1 ]; then
  $bin sweep --seed 1 --out results/referee_sweep.h5
  $bin report results/referee_sweep.h5 > results/referee_sweep.md.tmp && mv results/referee_sweep.md.tmp results/referee_sweep.md
fi
ls -l results
