"""The product's settings plus what only the benchmarks need: the floor app (bench.floor) and its
address, /api/v1/bench/floor (bench.urls). bench/intake.sh runs migrate, the server and the worker
with DJANGO_SETTINGS_MODULE=bench.settings; the product never installs the app or its table."""

from gongzhi.settings import *  # noqa: F403
from gongzhi.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench.floor"]
ROOT_URLCONF = "bench.urls"
