# Golden values for tests/robustness/panel_regression_test.cc.
# Run from the repository root: Rscript scripts/golden/panel_regression_golden.R
# Writes tests/data/surge/panel_small.csv (the committed panel) and
# tests/data/surge/panel_golden.csv (coefficients and standard errors).
library(sandwich)
set.seed(20240501)
G <- 6; T <- 36
first_year <- 2019; post_index <- 12   # post from 2020-01 (0-based month 12)
semi <- c(1, 1, 1, 0, 0, 0)
d <- expand.grid(t = 0:(T - 1), g = 1:G)
d$semi <- semi[d$g]
d$month <- (d$t %% 12) + 1
common <- rnorm(T, sd = 0.05)            # cross-sectional dependence (a DK case)
d$y <- 20 + 0.3 * d$g + 0.01 * d$t + 0.005 * d$t * d$semi -
  0.02 * pmax(0, d$t - post_index) * (1 - d$semi) +
  0.08 * sin(2 * pi * d$month / 12) + common[d$t + 1] + rnorm(nrow(d), sd = 0.07)
d$x <- exp(d$y)
write.csv(data.frame(group = d$g, semiconductor = d$semi, t = d$t, value = sprintf("%.17g", d$x)),
          "tests/data/surge/panel_small.csv", row.names = FALSE, quote = FALSE)
d$ly <- log(d$x)
d$tpost <- pmax(0, d$t - post_index)
d$t_semi <- d$t * d$semi; d$t_other <- d$t * (1 - d$semi)
d$tpost_semi <- d$tpost * d$semi; d$tpost_other <- d$tpost * (1 - d$semi)
m <- lm(ly ~ 0 + factor(g) + factor(month) + t_semi + t_other + tpost_semi + tpost_other, data = d)
vcl <- vcovCL(m, cluster = ~g, type = "HC1")             # G/(G-1) (n-1)/(n-k)
vpl <- vcovPL(m, cluster = ~g, order.by = ~t, adjust = TRUE)  # lag floor(T^(1/4)) = 2, Bartlett
L <- c(t_semi = 1, t_other = -1)
nm <- names(coef(m))
diff_se <- function(V) sqrt(V["t_semi", "t_semi"] + V["t_other", "t_other"] - 2 * V["t_semi", "t_other"])
out <- data.frame(name = c(nm, "diff_trend"),
                  estimate = c(coef(m), coef(m)["t_semi"] - coef(m)["t_other"]),
                  se_cluster = c(sqrt(diag(vcl)), diff_se(vcl)),
                  se_dk = c(sqrt(diag(vpl)), diff_se(vpl)))
out$estimate <- sprintf("%.17g", out$estimate)
out$se_cluster <- sprintf("%.17g", out$se_cluster)
out$se_dk <- sprintf("%.17g", out$se_dk)
write.csv(out, "tests/data/surge/panel_golden.csv", row.names = FALSE, quote = FALSE)
cat("coefficient order:", nm, "\n")
