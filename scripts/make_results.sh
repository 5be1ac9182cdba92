#!/bin/sh
# Regenerates the canonical run outputs under results/ from the embedded
# synthetic default (scenario paper2025, seed 1). Run after `make build`.
#   results/default_run.h5, results/default_report.md   `chokepoint run` (every stage)
#   results/referee_sweep.h5, results/referee_sweep.md  `chokepoint sweep` (the referee grid, 1,000 replicates)
#   results/figures/                                    `chokepoint figures` (a committed subset)
set -eu
cd "$(dirname "$0")/.."
bin=build/bin/chokepoint
$bin run --quiet --seed 1 --out results/default_run.h5
$bin report results/default_run.h5 > results/default_report.md.tmp && mv results/default_report.md.tmp results/default_report.md
if [ "${SKIP_SWEEP:-0}" != 1 ]; then
  $bin sweep --seed 1 --out results/referee_sweep.h5
  $bin report results/referee_sweep.h5 > results/referee_sweep.md.tmp && mv results/referee_sweep.md.tmp results/referee_sweep.md
fi
# The committed figures (results/README.md says which); needs node and npm ci in explorer/.
if [ "${SKIP_FIGURES:-0}" != 1 ]; then
  figs=$(mktemp -d)/figs
  $bin figures results/default_run.h5 results/referee_sweep.h5 --out "$figs"
  mkdir -p results/figures
  for f in vg_plane.png vg_plane_intervals.png vg_plane_intervals.svg spec_curve.png stability_heatmap.png \
           aggregate_shares.png aggregate_shares.svg series_integrated_circuits.png series_integrated_circuits.svg; do
    cp "$figs/$f" results/figures/
  done
  rm -rf "$(dirname "$figs")"
fi
ls -l results
