"""Benchmarks for graphkit: synthetic datasets (bench.generate) and a runner (python -m bench)."""
