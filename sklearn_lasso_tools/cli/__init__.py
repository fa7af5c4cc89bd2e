"""The command line: ``python -m sklearn_lasso_tools report ...`` and its HTML page."""
