# TEMPORARY scaffold, replaced by the setup views' author.
from django.http import Http404


def _pending(request, *args, **kwargs):
    raise Http404


urlpatterns: list = []
