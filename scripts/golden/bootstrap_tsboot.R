# Golden values from R's boot::tsboot for chokepoint's `levels` scheme
# (tests/bootstrap/tsboot_golden_test.cc): replicate mean and SD of the
# coefficient of variation V = sd(x) / mean(x) and of the growth index
# G = sum(w x) / x[1] - 1 with linear weights w_t = t / sum(t), on one
# trending monthly series (T = 120), fixed block length l = 6:
#   sim = "geom"  (stationary bootstrap, mean block 6)      -> chokepoint stationary
#   sim = "fixed", endcorr = TRUE  (wrap-around blocks)     -> chokepoint circular
#   sim = "fixed", endcorr = FALSE (no wrap: moving blocks) -> chokepoint moving
# The test compares means, SDs and the 5/25/50/75/95% quantiles (type 6)
# within Monte Carlo error (CI needs no R).
#
# Run from the repository root:  Rscript scripts/golden/bootstrap_tsboot.R
library(boot)
set.seed(20180417)
n <- 120
t <- 1:n
month <- ((t - 1) %% 12) + 1
season <- c(-0.10, -0.25, 0.05, 0.02, 0.04, 0.06, 0.03, -0.02, 0.05, 0.04, 0.03, 0.05)
noise <- as.numeric(arima.sim(list(ar = 0.5), n = n, sd = 0.12))
x <- exp(log(1e9) + 0.006 * t + season[month] + noise)
w <- t / sum(t)
stat <- function(y) c(sd(y) / mean(y), sum(w * y) / y[1] - 1)

R <- 20000
l <- 6
runs <- list(
  list(name = "geom", sim = "geom", endcorr = TRUE),
  list(name = "fixed_circular", sim = "fixed", endcorr = TRUE),
  list(name = "fixed_moving", sim = "fixed", endcorr = FALSE))
rows <- list()
for (r in runs) {
  b <- tsboot(x, stat, R = R, l = l, sim = r$sim, endcorr = r$endcorr)
  for (k in 1:2) {
    rows[[length(rows) + 1]] <- data.frame(
      run = r$name, statistic = c("V", "G")[k], l = l, R = R,
      t0 = sprintf("%.17g", b$t0[k]), mean = sprintf("%.17g", mean(b$t[, k])),
      sd = sprintf("%.17g", sd(b$t[, k])),
      q05 = sprintf("%.17g", quantile(b$t[, k], 0.05, type = 6)),
      q25 = sprintf("%.17g", quantile(b$t[, k], 0.25, type = 6)),
      q50 = sprintf("%.17g", quantile(b$t[, k], 0.50, type = 6)),
      q75 = sprintf("%.17g", quantile(b$t[, k], 0.75, type = 6)),
      q95 = sprintf("%.17g", quantile(b$t[, k], 0.95, type = 6)))
  }
}
out <- "tests/data/bootstrap"
write.csv(data.frame(t = t, value = sprintf("%.17g", x)), file.path(out, "tsboot_series.csv"),
          row.names = FALSE, quote = FALSE)
golden <- do.call(rbind, rows)
write.csv(golden, file.path(out, "tsboot_golden.csv"), row.names = FALSE, quote = FALSE)
cat(sprintf("boot %s, R %s\n", packageVersion("boot"), R.version.string))
print(golden)
