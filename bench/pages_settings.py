"""The product's settings for bench/pages.sh: static files without the collected manifest (the
benchmark asks for pages, never for their static files, and does not run collectstatic)."""

from gongzhi.settings import *  # noqa: F403
from gongzhi.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
