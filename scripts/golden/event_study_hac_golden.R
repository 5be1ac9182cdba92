#!/usr/bin/env Rscript
# HAC golden values for the batch event study (core/batches.h EventStudy with
# a Newey-West covariance): sandwich::NeweyWest defaults (Bartlett, automatic
# NW 1994 lag, prewhite = TRUE, adjust = FALSE) on the series written by
# scripts/golden/event_study_golden.py.
# Run: Rscript scripts/golden/event_study_hac_golden.R tests/data/batches
suppressPackageStartupMessages(library(sandwich))
dir <- commandArgs(trailingOnly = TRUE)[1]
s <- read.csv(file.path(dir, "event_study_series.csv"), colClasses = c("character", "numeric"))
y <- as.integer(substr(s$month, 1, 4)); m <- as.integer(substr(s$month, 6, 7))
rel <- (y * 12 + m - 1) - (2023 * 12)
post <- as.numeric(rel >= 0)
keep <- rel >= -36 & rel < 36
out <- NULL
for (seasonal in c(FALSE, TRUE)) {
  d <- data.frame(ly = log(s$value), rel = rel, post = post, pr = post * rel, moy = factor(m))[keep, ]
  fit <- if (seasonal) lm(ly ~ rel + post + pr + moy, data = d) else lm(ly ~ rel + post + pr, data = d)
  V <- NeweyWest(fit)
  b <- coef(fit)
  se_pre <- 12 * sqrt(V["rel", "rel"])
  se_post <- 12 * sqrt(V["rel", "rel"] + V["pr", "pr"] + 2 * V["rel", "pr"])
  se_chg <- 12 * sqrt(V["pr", "pr"])
  out <- rbind(out, data.frame(seasonal_dummies = as.integer(seasonal), growth_change = 12 * b[["pr"]],
                               se_pre = se_pre, se_post = se_post, se_change = se_chg))
}
write.csv(format(out, digits = 17), file.path(dir, "event_study_hac_golden.csv"), row.names = FALSE, quote = FALSE)
print(out, digits = 17)
