"""The speed benchmark (``python benchmarks/run.py``); see README.md in this folder."""
