"""Loaded by pytest before anything else (`-p gongzhi.pytest_env` in pyproject.toml): the tests run
the development configuration, as `make test` does (the settings default to DEBUG off and then
refuse the development secret; pytest-django still turns DEBUG off inside each test)."""

import os

os.environ.setdefault("DEBUG", "true")
