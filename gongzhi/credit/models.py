"""Credit files: records, objections, the town's credit settings."""
