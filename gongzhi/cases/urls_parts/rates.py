# TEMPORARY scaffold, replaced by the rates views' author.
from django.http import Http404
from django.urls import path


def _pending(request, *args, **kwargs):
    raise Http404


urlpatterns = [
    path("", _pending, name="rates"),
]