# TEMPORARY scaffold: the onboarding helper replaces this file.
from django.http import Http404
from django.urls import path

app_name = "onboarding"


def _pending(request, *args, **kwargs):
    raise Http404


urlpatterns = [path("", _pending, name="upload")]
