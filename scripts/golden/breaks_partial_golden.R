#!/usr/bin/env Rscript
# Golden values for chokepoint's partial-change Bai-Perron (robustness/models/
# src/breaks.cc with seasonal_fixed: intercept and trend break, 11 month
# dummies held fixed across regimes), from an independent method: an
# exhaustive search with R's lm.fit over EVERY admissible placement of one and
# of two breaks (each segment at least h = floor(0.15 n) observations), the
# month dummies from each series' own start month. No iteration, no dynamic
# programming: the global minimum RSS and its break dates.
# Run from the repository root:  Rscript scripts/golden/breaks_partial_golden.R
# Writes tests/data/models/breaks_partial_{1,2,3}.csv (month,value) and
# tests/data/models/breaks_partial_golden.txt. CI only reads them.
out_dir <- "tests/data/models"
g <- function(x) paste(sprintf("%.17g", as.vector(x)), collapse = " ")

write_series <- function(file, y, start) {
  t <- seq_along(y) - 1 + (start[1] * 12 + start[2] - 1)
  df <- data.frame(month = sprintf("%04d-%02d", t %/% 12, t %% 12 + 1), value = sprintf("%.17g", y))
  write.csv(df, file.path(out_dir, file), row.names = FALSE, quote = FALSE)
  read.csv(file.path(out_dir, file))$value  # exactly the committed digits
}

rss_of <- function(y, W, bps) {
  n <- length(y)
  edges <- c(0, bps, n)
  Z <- NULL
  for (j in seq_len(length(edges) - 1)) {
    inside <- (seq_len(n) > edges[j]) & (seq_len(n) <= edges[j + 1])
    Z <- cbind(Z, as.numeric(inside), as.numeric(inside) * seq_len(n))
  }
  fit <- lm.fit(cbind(Z, W), y)
  sum(fit$residuals^2)
}

exhaustive <- function(y, start) {
  n <- length(y)
  h <- floor(0.15 * n)
  month <- ((start[2] - 1 + seq_len(n) - 1) %% 12) + 1
  W <- sapply(2:12, function(m) as.numeric(month == m))  # 11 dummies, January the base
  best1 <- c(Inf, NA)
  for (b in h:(n - h)) {
    r <- rss_of(y, W, b)
    if (r < best1[1]) best1 <- c(r, b)
  }
  best2 <- c(Inf, NA, NA)
  for (b1 in h:(n - 2 * h)) for (b2 in (b1 + h):(n - h)) {
    r <- rss_of(y, W, c(b1, b2))
    if (r < best2[1]) best2 <- c(r, b1, b2)
  }
  list(rss0 = rss_of(y, W, integer(0)), best1 = best1, best2 = best2, h = h)
}

set.seed(20261130)
season <- function(n, start, a) a * sin(2 * pi * ((start[2] - 1 + 0:(n - 1)) %% 12) / 12 + 1)
cases <- list()
# 1: slope change after obs 60, T = 120 from 2015-01.
n <- 120; t <- 1:n; st <- c(2015, 1)
y <- 10 + 0.02 * t - 0.035 * pmax(t - 60, 0) + season(n, st, 0.3) + as.numeric(arima.sim(list(ar = 0.3), n, sd = 0.08))
cases[[1]] <- list(file = "breaks_partial_1.csv", y = y, start = st)
# 2: level shift after obs 40, T = 96 from 2016-07.
n <- 96; t <- 1:n; st <- c(2016, 7)
y <- 5 + 0.01 * t + 0.6 * (t > 40) + season(n, st, 0.25) + rnorm(n, sd = 0.1)
cases[[2]] <- list(file = "breaks_partial_2.csv", y = y, start = st)
# 3: two breaks (a surge-like rise after 50, a fall after 100), T = 144 from 2013-04.
n <- 144; t <- 1:n; st <- c(2013, 4)
y <- 8 + 0.01 * t + 0.03 * pmax(t - 50, 0) - 0.06 * pmax(t - 100, 0) + season(n, st, 0.2) + rnorm(n, sd = 0.07)
cases[[3]] <- list(file = "breaks_partial_3.csv", y = y, start = st)

lines <- c("# scripts/golden/breaks_partial_golden.R: exhaustive partial-change search (trend breaks, 11 fixed month dummies)",
           "# per case: file, start, n, h, rss0, rss1, break1, rss2, break2a, break2b")
for (c in cases) {
  yv <- write_series(c$file, c$y, c$start)
  e <- exhaustive(yv, c$start)
  lines <- c(lines, paste(c$file, sprintf("%04d-%02d", c$start[1], c$start[2]), length(yv), e$h, g(e$rss0),
                          g(e$best1[1]), e$best1[2], g(e$best2[1]), e$best2[2], e$best2[3]))
}
writeLines(lines, file.path(out_dir, "breaks_partial_golden.txt"))
cat(lines, sep = "\n")
