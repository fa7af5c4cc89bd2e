"""BLAS threads: folds and penalties run in parallel, each path on one BLAS thread."""

import threading
from contextlib import contextmanager
from functools import cache

from threadpoolctl import ThreadpoolController

__all__ = ["single_threaded_blas"]


@cache
def _controller():
    # Scanning the loaded libraries takes milliseconds (some 11 ms once sklearn.base is
    # loaded: ~215 libraries resolved); a path enters the limit thousands of times in a CV
    # fit, so one controller is kept for the process. Small sequential fits need it too:
    # OpenBLAS already threads a 200-row fold's decisions (200 x 30 by 30 x 100), whose
    # second thread then spins, 0.48 ms of CPU a call instead of 0.09 ms on one thread.
    return ThreadpoolController()


# The limit is the process's (BLAS has one thread setting), so it is set once for all the
# blocks open at a time, nested or in threads, and restored when the last one closes. A
# limit per block cost 30 us, twenty times in a small CV fit; and blocks closing out of
# order in threads restored each other's settings (one thread then ran on two).
_lock = threading.Lock()
_open = 0
_limiter = None


@contextmanager
def single_threaded_blas():
    """A context manager limiting BLAS to one thread for a block."""
    global _open, _limiter
    with _lock:
        if _open == 0:
            _limiter = _controller().limit(limits=1, user_api="blas")
        _open += 1
    try:
        yield
    finally:
        with _lock:
            _open -= 1
            if _open == 0:
                _limiter.restore_original_limits()
                _limiter = None
