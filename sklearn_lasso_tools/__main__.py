"""``python -m sklearn_lasso_tools [report] ...``: see ``sklearn_lasso_tools._cli``."""

import sys

from .cli.command import main

if __name__ == "__main__":
    sys.exit(main())
