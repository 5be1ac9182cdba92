# Golden values for chokepoint's automatic block length (tests/bootstrap/block_length_test.cc).
#
# np::b.star is not packaged for Debian, so this is an independent R
# implementation of the published rule: Politis & White (2004), Econometric
# Reviews 23(1), with the correction of Patton, Politis & White (2009),
# Econometric Reviews 28(4), using the constants np::b.star documents
# (c = qnorm(0.975), K_N = max(5, ceiling(log10 n)), mmax = ceiling(sqrt n) + K_N,
# Bmax = ceiling(min(3 sqrt n, n / 3)), M = min(2 mhat, mmax), unrounded output).
# The ACF is R's acf() (full sample, divisor n).
#
# Run from the repository root:  Rscript scripts/golden/bootstrap_bstar.R
# Writes tests/data/bootstrap/bstar_series.csv and tests/data/bootstrap/bstar_golden.csv.

flat_top <- function(s) ifelse(abs(s) < 0.5, 1, ifelse(abs(s) <= 1, 2 * (1 - abs(s)), 0))

pw_block_length <- function(x) {
  n <- length(x)
  c <- qnorm(0.975)
  kn <- max(5, ceiling(log10(n)))
  mmax <- ceiling(sqrt(n)) + kn
  bmax <- ceiling(min(3 * sqrt(n), n / 3))
  crit <- c * sqrt(log10(n) / n)
  rho <- acf(x, lag.max = mmax, type = "correlation", plot = FALSE, demean = TRUE)$acf[-1]
  insig <- abs(rho) < crit
  mhat <- NA
  for (j in seq_len(max(mmax - kn + 1, 0))) {
    if (all(insig[j:(j + kn - 1)])) { mhat <- j; break }
  }
  if (is.na(mhat)) {
    sig <- which(abs(rho) > crit)
    mhat <- if (length(sig) > 0) max(sig) else 1
  }
  M <- min(2 * mhat, mmax)
  acov <- acf(x, lag.max = M, type = "covariance", plot = FALSE, demean = TRUE)$acf[, 1, 1]
  k <- -M:M
  R <- acov[abs(k) + 1]
  lam <- flat_top(k / M)
  G <- sum(lam * abs(k) * R)
  g0 <- sum(lam * R)
  b_sb <- (2 * G^2 / (2 * g0^2))^(1 / 3) * n^(1 / 3)
  b_cb <- (2 * G^2 / ((4 / 3) * g0^2))^(1 / 3) * n^(1 / 3)
  data.frame(n = n, mhat = mhat, M = M, G_hat = G, g0 = g0,
             stationary_uncapped = b_sb, circular_uncapped = b_cb,
             stationary = min(b_sb, bmax), circular = min(b_cb, bmax), bmax = bmax)
}

set.seed(20240611)
cases <- list()
cases$ar1_05_n120 <- as.numeric(arima.sim(list(ar = 0.5), n = 120))
cases$ar1_08_n120 <- as.numeric(arima.sim(list(ar = 0.8), n = 120))
cases$ar2_n240 <- as.numeric(arima.sim(list(ar = c(0.5, 0.3)), n = 240))
cases$white_n60 <- rnorm(60)
cases$ma1_n500 <- as.numeric(arima.sim(list(ma = 0.7), n = 500))
t <- 1:120
cases$trend_levels_n120 <- exp(10 + 0.01 * t + 0.1 * sin(2 * pi * t / 12) + as.numeric(arima.sim(list(ar = 0.5), n = 120)) * 0.1)
cases$ar1_09_n1000 <- as.numeric(arima.sim(list(ar = 0.9), n = 1000))
cases$neg_ar1_n150 <- as.numeric(arima.sim(list(ar = -0.6), n = 150))

series <- do.call(rbind, lapply(names(cases), function(nm)
  data.frame(case = nm, t = seq_along(cases[[nm]]), value = sprintf("%.17g", cases[[nm]]))))
golden <- do.call(rbind, lapply(names(cases), function(nm) cbind(case = nm, pw_block_length(cases[[nm]]))))
out <- "tests/data/bootstrap"
write.csv(series, file.path(out, "bstar_series.csv"), row.names = FALSE, quote = FALSE)
golden_fmt <- golden
for (col in c("G_hat", "g0", "stationary_uncapped", "circular_uncapped", "stationary", "circular"))
  golden_fmt[[col]] <- sprintf("%.17g", golden[[col]])
write.csv(golden_fmt, file.path(out, "bstar_golden.csv"), row.names = FALSE, quote = FALSE)
print(golden)
