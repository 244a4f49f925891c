"""URLs of the three-rates pages and hotspots (views/rates.py), mounted under /rates/."""

from django.urls import path

from ..views import rates as views

urlpatterns = [
    path("", views.rates, name="rates"),
    path("cases/", views.rates_cases, name="rates_cases"),
    path("export/", views.rates_export, name="rates_export"),
    path("hotspots/", views.hotspots, name="hotspots"),
    path("hotspots/<uid:compound_uid>/<uid:category_uid>/", views.hotspot_cases, name="hotspot_cases"),
    path("hotspots/<uid:compound_uid>/<uid:category_uid>/propose/", views.hotspot_propose, name="hotspot_propose"),
    path("proposals/", views.proposals, name="proposals"),
]
