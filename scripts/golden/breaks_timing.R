#!/usr/bin/env Rscript
# Times strucchange::breakpoints(y ~ trend, h = 0.15, breaks = 5) on the same
# deterministic series as benchmarks/breaks_benchmark.cc, T = 120..960.
# Run from the repository root:  Rscript scripts/golden/breaks_timing.R
# Prints median wall seconds per call; the figures go to benchmarks/README.md.
suppressMessages(library(strucchange))
benchmark_series <- function(T) {
  x <- 12345
  y <- numeric(T)
  for (t in 1:T) {
    x <- (16807 * x) %% 2147483647
    u <- x / 2147483647
    y[t] <- 50 + 0.2 * t + (if (t > 0.3 * T) 8 else 0) - (if (t > 0.6 * T) 0.35 * (t - 0.6 * T) else 0) + 6 * (u - 0.5)
  }
  y
}
reps <- c("120" = 11, "240" = 5, "480" = 3, "960" = 3)
cat(sprintf("strucchange %s, %s\n", packageVersion("strucchange"), R.version.string))
for (T in c(120, 240, 480, 960)) {
  y <- benchmark_series(T)
  trend <- 1:T
  times <- replicate(reps[[as.character(T)]], system.time(breakpoints(y ~ trend, h = 0.15, breaks = 5))[["elapsed"]])
  bp <- breakpoints(y ~ trend, h = 0.15, breaks = 5)
  cat(sprintf("T = %4d  median %.4f s  (min %.4f, %d runs)  BIC breakpoints: %s\n", T, median(times), min(times),
              length(times), paste(bp$breakpoints, collapse = " ")))
}
