"""Benchmarks: ``python -m benchmarks`` runs them all and writes benchmarks/results/latest.*; each
module also runs on its own (``python -m benchmarks.NAME``) and prints its rows of the table."""
