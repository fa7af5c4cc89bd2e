"""The scikit-learn estimators: validation of parameters and input, then the engine."""
