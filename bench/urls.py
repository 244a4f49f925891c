"""The product's addresses plus the benchmark's floor (before the API's JSON 404 for unknown
addresses below /api/v1/, which would otherwise answer it)."""

from django.urls import path

from bench.floor.views import floor
from gongzhi.urls import urlpatterns as product_urlpatterns

urlpatterns = [
    path("api/v1/bench/floor", floor, name="bench_floor"),
    *product_urlpatterns,
]
