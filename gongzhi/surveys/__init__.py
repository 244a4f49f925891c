"""Satisfaction sampling surveys (R-MECH-4): questionnaires, a sample anyone can re-draw from its
recorded seed, answers door to door, by telephone or by a one-time link per sampled unit, and the
results defined once in docs/metrics.md."""
