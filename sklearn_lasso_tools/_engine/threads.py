"""BLAS threads: folds and penalties run in parallel, each path on one BLAS thread."""

from functools import cache

from threadpoolctl import ThreadpoolController

__all__ = ["single_threaded_blas"]


@cache
def _controller():
    # Scanning the loaded libraries takes milliseconds; a path enters the limit thousands
    # of times in a CV fit, so one controller is kept for the process.
    return ThreadpoolController()


def single_threaded_blas():
    """A context manager limiting BLAS to one thread for a block."""
    return _controller().limit(limits=1, user_api="blas")
