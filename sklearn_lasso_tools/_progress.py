"""Progress bars for long fits, shown only when the caller asks: ``verbose=1`` shows a
bar once a fit has run for ``DELAY`` seconds (quick fits stay quiet), ``verbose >= 2``
from the start.

Bars are ``tqdm.auto`` bars on stderr (a widget in notebooks with ipywidgets, text
elsewhere). tqdm is imported only when a bar is shown, so ``verbose=0`` costs nothing.
"""

import sys

__all__ = ["DELAY", "progress_bar"]

DELAY = 2.0  # seconds before a verbose=1 bar appears


class _Silent:
    """The bar of ``verbose=0``: counts nothing, prints nothing."""

    # what a path calls at each point (``l1_path``'s ``on_point``): nothing, so a path of
    # a hundred points makes no hundred calls that count nothing
    on_point = None

    def update(self, n=1):
        pass

    def finish(self, total=None):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False


class _Bar(_Silent):
    def __init__(self, total, desc, unit, delay):
        from tqdm.auto import tqdm

        self._bar = tqdm(
            total=total, desc=desc, unit=unit, file=sys.stderr, dynamic_ncols=True, delay=delay
        )
        self.on_point = self.update

    def update(self, n=1):
        self._bar.update(n)

    def finish(self, total=None):
        """End at ``total`` steps (a path that stopped early has fewer points than asked)."""
        if total is not None and total != self._bar.total:
            bar = self._bar
            bar.total = total
            # (a bar still within its delay stays hidden, as tqdm's own close keeps it)
            if getattr(bar, "last_print_t", -1.0) >= bar.start_t + bar.delay:
                bar.refresh()

    def __exit__(self, *exc_info):
        self._bar.close()
        return False


def progress_bar(verbose, total, desc, unit="it"):
    """A context manager giving a bar with ``update(n=1)`` and ``finish(total=None)``, and
    ``on_point``: ``update``, or None when nothing is shown (for ``l1_path``).

    Parameters
    ----------
    verbose : int
        0 shows nothing, 1 a bar once the work has taken ``DELAY`` seconds, 2 or more a bar
        from the start.
    total : int
        Expected number of steps.
    desc : str
        What the bar counts, shown before it.
    unit : str, default="it"
    """
    if not verbose or verbose <= 0:
        return _Silent()
    return _Bar(total, desc, unit, DELAY if verbose == 1 else 0.0)
