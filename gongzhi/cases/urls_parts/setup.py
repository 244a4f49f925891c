from django.urls import path

from ..views import setup as views

urlpatterns = [
    path("", views.setup, name="setup"),
    path("defaults/", views.install_defaults, name="setup_defaults"),
    path("categories/new/", views.category_new, name="category_new"),
    path("categories/<uid:uid>/", views.category_edit, name="category_edit"),
    path("categories/<uid:uid>/retire/", views.category_retire, name="category_retire"),
    path("settings/", views.settings_edit, name="case_settings"),
]
