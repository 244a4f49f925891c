# TEMPORARY scaffold: the orgs UI helper replaces this file.
from django.http import Http404
from django.urls import path

app_name = "orgs"


def _pending(request, *args, **kwargs):
    raise Http404


NAMES = {
    "organization_list": "", "organization_create": "new/", "organization_detail": "o/<str:uid>/",
    "organization_edit": "o/<str:uid>/edit/", "body_list": "bodies/", "body_detail": "bodies/<str:uid>/",
    "person_list": "people/", "person_detail": "people/<str:uid>/", "contract_list": "contracts/",
    "contract_detail": "contracts/<str:uid>/", "duty_list": "duties/", "residency_claims": "residents/claims/",
    "residency_bind": "units/<str:uid>/bind/",
}
urlpatterns = [path(route, _pending, name=name) for name, route in NAMES.items()]
