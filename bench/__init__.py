"""Benchmarks of the sandbox's read side: world build, start-up, request latency and throughput.

Run with `.venv/bin/python -m bench.run` (see bench/README.md). Nothing here is collected by pytest:
the project's testpaths is `tests/` and no file here is named `test_*`.
"""
