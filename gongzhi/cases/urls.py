"""URLs of the cases app, one module of views per audience:
views/staff.py (inbox; its export is a background job of gongzhi.exports), views/case_page.py (a case and its actions),
views/entry.py (staff entry, household visits), views/public.py (the
compound's report page, tracking link, resident feedback), views/rates.py (three rates,
hotspots), views/setup.py (categories and settings)."""

from django.urls import include, path

from .urls_parts import public, rates, setup, staff

app_name = "cases"
urlpatterns = [
    path("cases/setup/", include(setup)),  # before the staff part: /cases/<uid>/ would swallow it
    path("cases/", include(staff)),
    path("rates/", include(rates)),
    path("", include(public)),
]
