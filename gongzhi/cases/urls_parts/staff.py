# TEMPORARY scaffold, replaced by the staff views' author.
from django.http import Http404
from django.urls import path


def _pending(request, *args, **kwargs):
    raise Http404


urlpatterns = [
    path("", _pending, name="inbox"),
    path("<str:uid>/", _pending, name="case_detail"),
]