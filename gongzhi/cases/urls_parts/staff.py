"""Staff pages of cases, mounted under /cases/. A case's or visit's code matches only a 12-character
uid, so that /cases/setup/ (the office's settings, mounted after these) and the fixed paths here
are never taken for a case."""

from django.urls import path, re_path

from ..views import staff

UID = r"(?P<uid>[0-9a-z]{12})"

urlpatterns = [
    path("", staff.inbox, name="inbox"),
    path("export/", staff.export_cases, name="export"),
    path("new/", staff.case_new, name="case_new"),
    path("visits/", staff.visit_list, name="visits"),
    path("visits/new/", staff.visit_new, name="visit_new"),
    re_path(rf"^visits/{UID}/$", staff.visit_detail, name="visit_detail"),
    re_path(rf"^{UID}/$", staff.case_detail, name="case_detail"),
    re_path(rf"^{UID}/act/(?P<action>[a-z_]{{1,20}})/$", staff.act, name="act"),
    re_path(rf"^{UID}/messages/$", staff.post_message, name="message"),
    re_path(rf"^{UID}/photos/(?P<photo_uid>[0-9a-z]{{12}})/$", staff.photo, name="photo"),
]
