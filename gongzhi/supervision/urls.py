"""URLs of 督办, mounted under /supervision/."""

from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.home, name="home"),
    path("export.xlsx", views.export, name="export"),
    path("urge/<slug:kind>/<uid:uid>/", views.urge, name="urge"),
]
