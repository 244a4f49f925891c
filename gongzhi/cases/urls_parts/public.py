# TEMPORARY scaffold, replaced by the public views' author.
from django.http import Http404
from django.urls import path


def _pending(request, *args, **kwargs):
    raise Http404


urlpatterns = [
    path("t/<str:token>/", _pending, name="track"),
    path("r/<str:uid>/", _pending, name="report"),
    path("my/cases/", _pending, name="my_cases"),
]