"""Notebook integration: the ``%lasso_path`` and ``%compare_penalties`` magics."""
