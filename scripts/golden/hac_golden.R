#!/usr/bin/env Rscript
# Golden values for chokepoint's HAC covariances (robustness/src/hac.cc),
# computed with R's sandwich package. Run from the repository root:
#   Rscript scripts/golden/hac_golden.R
# Writes tests/data/models/hac_series.csv (the data) and
# tests/data/models/hac_golden.txt (one block per case). CI only reads them.
suppressMessages(library(sandwich))
out_dir <- "tests/data/models"

# A simulated monthly series, 2015-01..2024-12: trend + month effects + AR(1)
# noise (rho = 0.6), and a stationary AR(1) series for the intercept-only model.
set.seed(20240501)
n <- 120
trend <- 1:n
month <- factor(((trend - 1) %% 12) + 1, levels = 1:12)
season <- c(0, -3, 2, 4, 1, -1, 3, 5, -2, 0, 2, 6)[as.integer(month)]
e <- as.numeric(arima.sim(list(ar = 0.6), n = n, sd = 2))
value <- 100 + 0.45 * trend + season + e
noise <- as.numeric(arima.sim(list(ar = 0.5), n = n, sd = 1)) + 3
months <- sprintf("%04d-%02d", 2015 + (trend - 1) %/% 12, ((trend - 1) %% 12) + 1)
write.csv(data.frame(month = months, value = sprintf("%.17g", value), noise = sprintf("%.17g", noise)),
          file.path(out_dir, "hac_series.csv"), row.names = FALSE, quote = FALSE)
d <- read.csv(file.path(out_dir, "hac_series.csv"))  # use exactly the committed digits
d$trend <- trend
d$month <- month

fits <- list(
  trend_seasonal = lm(value ~ trend + month, data = d),
  trend = lm(value ~ trend, data = d),
  level = lm(noise ~ 1, data = d)
)

g <- function(x) paste(sprintf("%.17g", as.vector(x)), collapse = " ")
con <- file(file.path(out_dir, "hac_golden.txt"), "w")
emit <- function(name, model, kernel, rule, fixed, prewhite, adjust, V, bw_auto, bw_used) {
  fm <- fits[[model]]
  b <- coef(fm)
  se <- sqrt(diag(V))
  t <- b / se
  p <- 2 * pt(-abs(t), df = df.residual(fm))
  writeLines(c(paste("case", name), paste("model", model), paste("kernel", kernel), paste("rule", rule),
               paste("fixed", fixed), paste("prewhite", as.integer(prewhite)), paste("adjust", as.integer(adjust)),
               paste("bandwidth_auto", g(bw_auto)), paste("bandwidth", g(bw_used)),
               paste("coef", g(b)), paste("vcov", g(t(V))), paste("se", g(se)), paste("t", g(t)),
               paste("p", g(p)), "end"), con)
}

for (model in names(fits)) {
  fm <- fits[[model]]
  for (pw in c(TRUE, FALSE)) {
    for (adj in c(FALSE, TRUE)) {
      # NeweyWest, automatic lag (Newey-West 1994)
      bw <- bwNeweyWest(fm, prewhite = pw)
      emit(sprintf("nw_auto_pw%d_adj%d_%s", pw, adj, model), model, "bartlett", "nw1994", 0, pw, adj,
           NeweyWest(fm, prewhite = pw, adjust = adj), bw, floor(bw))
      # NeweyWest, lag given
      for (lag in c(0, 4, 12)) {
        emit(sprintf("nw_lag%d_pw%d_adj%d_%s", lag, pw, adj, model), model, "bartlett", "fixed", lag, pw, adj,
             NeweyWest(fm, lag = lag, prewhite = pw, adjust = adj), lag, lag)
      }
      # kernHAC: quadratic spectral, Andrews (1991) AR(1) bandwidth
      bw <- bwAndrews(fm, kernel = "Quadratic Spectral", prewhite = pw)
      emit(sprintf("qs_andrews_pw%d_adj%d_%s", pw, adj, model), model, "qs", "andrews", 0, pw, adj,
           kernHAC(fm, prewhite = pw, adjust = adj), bw, bw)
      # kernHAC with the Newey-West (1994) bandwidth for QS, and Parzen + Andrews
      bw <- bwNeweyWest(fm, kernel = "Quadratic Spectral", prewhite = pw)
      emit(sprintf("qs_nw1994_pw%d_adj%d_%s", pw, adj, model), model, "qs", "nw1994", 0, pw, adj,
           kernHAC(fm, prewhite = pw, adjust = adj, bw = bwNeweyWest), bw, bw)
      bw <- bwAndrews(fm, kernel = "Parzen", prewhite = pw)
      emit(sprintf("parzen_andrews_pw%d_adj%d_%s", pw, adj, model), model, "parzen", "andrews", 0, pw, adj,
           kernHAC(fm, kernel = "Parzen", prewhite = pw, adjust = adj), bw, bw)
      # QS with a fixed bandwidth
      emit(sprintf("qs_fixed3.5_pw%d_adj%d_%s", pw, adj, model), model, "qs", "fixed", 3.5, pw, adj,
           kernHAC(fm, prewhite = pw, adjust = adj, bw = 3.5), 3.5, 3.5)
    }
  }
}
close(con)
cat("sandwich", as.character(packageVersion("sandwich")), "\n")
