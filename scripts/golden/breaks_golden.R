#!/usr/bin/env Rscript
# Golden values for chokepoint's Bai-Perron breaks (robustness/src/breaks.cc),
# computed with R's strucchange::breakpoints (pure structural change).
# Run from the repository root:  Rscript scripts/golden/breaks_golden.R
# Writes tests/data/models/{nile,breaks_synth1,breaks_synth2,breaks_synth3}.csv
# and tests/data/models/breaks_golden.txt. CI only reads them.
suppressMessages(library(strucchange))
out_dir <- "tests/data/models"
g <- function(x) paste(sprintf("%.17g", as.vector(x)), collapse = " ")

write_series <- function(file, y, start = NULL) {
  if (is.null(start)) {
    df <- data.frame(value = sprintf("%.17g", y))
  } else {
    t <- seq_along(y) - 1 + (start[1] * 12 + start[2] - 1)
    df <- data.frame(month = sprintf("%04d-%02d", t %/% 12, t %% 12 + 1), value = sprintf("%.17g", y))
  }
  write.csv(df, file.path(out_dir, file), row.names = FALSE, quote = FALSE)
  read.csv(file.path(out_dir, file))$value  # exactly the committed digits
}

# Nile (R datasets), annual 1871-1970: y ~ 1.
nile <- write_series("nile.csv", as.numeric(Nile))

# Synthetic monthly series with level and trend breaks, y ~ trend.
set.seed(20180416)
n1 <- 120; t1 <- 1:n1   # level shift after obs 48
s1 <- 50 + 0.30 * t1 + 15 * (t1 > 48) + rnorm(n1, sd = 3)
n2 <- 144; t2 <- 1:n2   # slope change after obs 72 (0.5 -> -0.4), AR(1) noise
s2 <- 80 + 0.5 * t2 - 0.9 * pmax(t2 - 72, 0) + as.numeric(arima.sim(list(ar = 0.4), n = n2, sd = 2))
n3 <- 180; t3 <- 1:n3   # level drop after 60 and slope change after 130
s3 <- 200 + 1.2 * t3 - 40 * (t3 > 60) - 2.0 * pmax(t3 - 130, 0) + rnorm(n3, sd = 6)
s1 <- write_series("breaks_synth1.csv", s1, c(2015, 1))
s2 <- write_series("breaks_synth2.csv", s2, c(2013, 1))
s3 <- write_series("breaks_synth3.csv", s3, c(2010, 1))

con <- file(file.path(out_dir, "breaks_golden.txt"), "w")
emit <- function(name, file, regressors, y, h = 0.15, breaks = NULL) {
  n <- length(y)
  trend <- 1:n
  fm <- if (regressors == "level") y ~ 1 else y ~ trend
  bp <- breakpoints(fm, h = h, breaks = breaks)
  s <- summary(bp)
  M <- ncol(bp$RSS.table) / 2
  hh <- floor(n * h)
  lines <- c(paste("case", name), paste("file", file), paste("regressors", regressors), paste("n", n),
             paste("trim", h), paste("h", hh), paste("max_breaks", M),
             paste("rss", g(s$RSS["RSS", ])), paste("bic", g(s$RSS["BIC", ])))
  for (m in 1:M) lines <- c(lines, paste0("bp", m, " ", g(breakpoints(bp, breaks = m)$breakpoints)))
  sel <- bp$breakpoints
  lines <- c(lines, paste("selected_bic", if (any(is.na(sel))) 0 else length(sel)))
  if (!any(is.na(sel))) {
    ci <- confint(bp)$confint
    ci90 <- confint(bp, level = 0.9)$confint
    lines <- c(lines, paste("breakpoints", g(sel)), paste("ci", g(t(ci))), paste("ci90", g(t(ci90))))
  }
  fs <- Fstats(fm, from = h)
  # sctest's p-value of supF: Hansen's (1997) approximation of the asymptotic
  # law (stationary regressors); chokepoint's is Monte Carlo on the design.
  lines <- c(lines, paste("fstats_sup", g(max(fs$Fstats))),
             paste("sctest_supf_p", g(sctest(fs, type = "supF")$p.value)), "end")
  writeLines(lines, con)
}
emit("nile", "nile.csv", "level", nile)
emit("synth1", "breaks_synth1.csv", "trend", s1)
emit("synth2", "breaks_synth2.csv", "trend", s2)
emit("synth3", "breaks_synth3.csv", "trend", s3)
emit("synth3_level", "breaks_synth3.csv", "level", s3, h = 0.1, breaks = 6)
close(con)
cat("strucchange", as.character(packageVersion("strucchange")), "\n")
