"""Benchmarks: ``make bench`` (``python -m bench``) writes BENCHMARKS.md.

Every figure is a ratio measured side by side in one run (medians of several runs), with
absolute times only as context: machines are noisy, ratios much less so.
"""
