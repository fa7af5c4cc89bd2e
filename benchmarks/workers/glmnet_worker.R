# Benchmark worker: R's glmnet, timed inside R.
#
# Started by benchmarks/tools.py as `Rscript glmnet_worker.R DATA_DIR MODE`, where MODE is
# a cv.glmnet type.measure ("mse", "auc", "deviance") or "path" (one glmnet() call, no CV).
# Reads the workload once (raw little-endian files written by workloads.py; a sparse X
# becomes a dgCMatrix, which glmnet fits without densifying), prints "READY", then answers
# each "RUN" line on stdin with one "RESULT {json}" line and stops at "QUIT" or end of
# input. Only the cv.glmnet(...) / glmnet(...) call is inside the clock: R start-up,
# package loading and data transfer are not.

suppressMessages({
  library(glmnet)
  library(jsonlite)
})
args <- commandArgs(trailingOnly = TRUE)
d <- args[1]
mode <- args[2]

meta <- readLines(file.path(d, "meta.txt"))
kv <- strsplit(meta, "=", fixed = TRUE)
meta <- setNames(lapply(kv, `[`, 2), vapply(kv, `[`, "", 1))
n <- as.integer(meta$n); p <- as.integer(meta$p); nlam <- as.integer(meta$nlam)
nnz <- as.integer(meta$nnz)
family <- meta$family

rd <- function(name, len, what = "double", size = 8) {
  readBin(file.path(d, paste0(name, ".bin")), what, n = len, size = size, endian = "little")
}
if (meta$sparse == "1") {
  X <- Matrix::sparseMatrix(i = rd("x_indices", nnz, "integer", 4),
                            p = rd("x_indptr", p + 1, "integer", 4),
                            x = rd("x_data", nnz), dims = c(n, p), index1 = FALSE)
} else {
  X <- matrix(rd("X_colmajor", n * p), n, p)
}
y <- rd("y", n)
if (family == "multinomial") y <- factor(y)
lam <- rd("alphas", nlam)
foldid <- as.integer(rd("foldid", n)) + 1L  # workloads.py writes 0-based fold ids

# features with a nonzero coefficient (in any class, for multinomial) at each lambda
nzero_at <- function(fit, i) {
  if (is.list(fit$beta)) {
    return(sum(Reduce(`|`, lapply(fit$beta, function(b) b[, i] != 0))))
  }
  sum(fit$beta[, i] != 0)
}

con <- file("stdin", open = "r")
cat("READY\n"); flush(stdout())
repeat {
  line <- readLines(con, n = 1)
  if (length(line) == 0 || line == "QUIT") break
  if (line != "RUN") next
  invisible(gc())
  t0 <- proc.time()
  if (mode == "path") {
    fit <- glmnet(X, y, family = family, lambda = lam)
  } else {
    cv <- cv.glmnet(X, y, family = family, lambda = lam, foldid = foldid,
                    type.measure = mode)
  }
  elapsed <- (proc.time() - t0)[["elapsed"]]
  if (mode == "path") {
    out <- list(time = elapsed, n_path = length(fit$lambda),
                n_selected_last = nzero_at(fit, length(fit$lambda)))
  } else {
    i <- which(cv$lambda == cv$lambda.min)[1]
    out <- list(time = elapsed, alpha = cv$lambda.min, n_selected = nzero_at(cv$glmnet.fit, i),
                score = cv$cvm[i], measure = mode, n_path = length(cv$glmnet.fit$lambda),
                alpha_1se = cv$lambda.1se)
  }
  out$warnings <- setNames(list(), character(0))  # (a JSON {}, as the Python workers send)
  cat("RESULT", toJSON(out, auto_unbox = TRUE, digits = NA), "\n")
  flush(stdout())
}
