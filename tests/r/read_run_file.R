# Reads a run file with hdf5r exactly as docs/reading_run_files_in_r.md shows,
# and checks what it read against the CSV export of the same file (written by
# `chokepoint export`): an R user gets the same numbers either way.
# usage: Rscript read_run_file.R RUN.h5 EXPORT_DIR
args <- commandArgs(trailingOnly = TRUE)
library(hdf5r)

run <- H5File$new(args[1], mode = "r")
seed <- h5attr(run, "seed")
tool <- h5attr(run, "tool_version")
groups <- data.frame(
  name = run[["groups/name"]][],
  V = run[["indices/V"]][],
  G = run[["indices/G"]][],
  regime = run[["indices/regime"]][]
)
# Matrices: hdf5r returns the HDF5 row-major (groups x months) array
# transposed, months x groups.
values <- run[["series/values"]][, ]
months <- run[["series/months"]][]
probability <- run[["bootstrap/regime_probability"]][, ]
run$close_all()

exported <- read.csv(file.path(args[2], "indices.csv"), stringsAsFactors = FALSE)
names_csv <- read.csv(file.path(args[2], "groups.csv"), stringsAsFactors = FALSE)
stopifnot(nrow(groups) == 17, identical(groups$name, names_csv$name))
stopifnot(isTRUE(all.equal(groups$V, exported$V, tolerance = 0)),
          isTRUE(all.equal(groups$G, exported$G, tolerance = 0)),
          identical(groups$regime, exported$regime))
stopifnot(identical(dim(values), c(length(months), nrow(groups))))
long <- read.csv(file.path(args[2], "series__values.csv"))
# Row-major index_0 = group, index_1 = month: element [month, group] in R.
picked <- values[cbind(long$index_1 + 1, long$index_0 + 1)]
stopifnot(isTRUE(all.equal(picked, long$value, tolerance = 0)))
stopifnot(identical(dim(probability), c(3L, nrow(groups))),
          all(abs(colSums(probability) - 1) < 1e-12))
cat("R read", nrow(groups), "groups,", length(months), "months; seed", seed, "; tool", tool, "\n")
