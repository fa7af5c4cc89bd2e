# Benchmark worker: R's cv.glmnet, timed inside R.
#
# Started by benchmarks/run.py as `Rscript glmnet_worker.R DATA_DIR MEASURE`.
# Reads the workload once (raw little-endian float64 files written by run.py), prints
# "READY", then answers each "RUN" line on stdin with one "RESULT ..." line and stops at
# "QUIT" or end of input. Only cv.glmnet(...) itself is inside the clock: R start-up,
# package loading and data transfer are not timed.

suppressMessages(library(glmnet))
args <- commandArgs(trailingOnly = TRUE)
d <- args[1]
measure <- args[2]

meta <- readLines(file.path(d, "meta.txt"))
kv <- strsplit(meta, "=", fixed = TRUE)
meta <- setNames(lapply(kv, `[`, 2), vapply(kv, `[`, "", 1))
n <- as.integer(meta$n); p <- as.integer(meta$p); nlam <- as.integer(meta$nlam)
family <- meta$family

rd <- function(name, len) {
  readBin(file.path(d, paste0(name, ".bin")), "double", n = len, size = 8, endian = "little")
}
X <- matrix(rd("X_colmajor", n * p), n, p)
y <- rd("y", n)
lam <- rd("alphas", nlam)
foldid <- as.integer(rd("foldid", n)) + 1L  # run.py writes 0-based fold ids

fmt <- function(v) sprintf("%.17g", v)
con <- file("stdin", open = "r")
cat("READY\n"); flush(stdout())
repeat {
  line <- readLines(con, n = 1)
  if (length(line) == 0 || line == "QUIT") break
  if (line != "RUN") next
  invisible(gc())
  t0 <- proc.time()
  cv <- cv.glmnet(X, y, family = family, lambda = lam, foldid = foldid,
                  type.measure = measure)
  elapsed <- (proc.time() - t0)[["elapsed"]]
  i <- which(cv$lambda == cv$lambda.min)[1]
  cat("RESULT", paste(c(fmt(elapsed), fmt(cv$lambda.min), fmt(cv$nzero[i]), fmt(cv$cvm[i]),
                        fmt(length(cv$lambda)), fmt(cv$lambda.1se)), collapse = " "), "\n")
  flush(stdout())
}
