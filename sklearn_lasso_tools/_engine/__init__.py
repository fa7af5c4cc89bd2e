"""The engine: pure numerics on arrays (numpy, scipy and the compiled core only).

Nothing here imports pandas, Altair, IPython or the estimators; the estimators call the
path driver (``path.l1_path``) and cross-validation (``cv``), and read the frozen results
they return.
"""
