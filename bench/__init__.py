"""Benchmarks, their synthetic data, and what only they need (bench.settings: the product's settings
plus the floor app); none of it ships in the product."""
