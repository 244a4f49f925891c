"""Assessments: schemes, indicators, cycles, scores, objections."""
