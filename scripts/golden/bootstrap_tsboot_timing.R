# Speed of R's boot::tsboot on the statistic chokepoint's benchmark measures
# (V and G with linear weights, T = 120, stationary blocks of mean 6), for the
# ratio quoted in bootstrap/README.md. Single R process (one core).
#   Rscript scripts/golden/bootstrap_tsboot_timing.R
library(boot)
x <- as.numeric(read.csv("tests/data/bootstrap/tsboot_series.csv")$value)
n <- length(x)
w <- (1:n) / sum(1:n)
stat <- function(y) c(sd(y) / mean(y), sum(w * y) / y[1] - 1)
R <- 20000
for (sim in c("geom", "fixed")) {
  best <- Inf
  best_cpu <- Inf
  for (rep in 1:3) {
    set.seed(rep)
    st <- system.time(tsboot(x, stat, R = R, l = 6, sim = sim))
    best <- min(best, st[["elapsed"]])
    best_cpu <- min(best_cpu, st[["user.self"]] + st[["sys.self"]])
  }
  cat(sprintf("tsboot sim=%s: R=%d, best of 3: %.3f s wall = %.0f/s; %.3f s CPU = %.0f V+G replicate evaluations per CPU second\n",
              sim, R, best, R / best, best_cpu, R / best_cpu))
}
