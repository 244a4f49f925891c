"""Staff pages of cases, mounted under /cases/. A case's or visit's code is a `uid`; the fixed paths
come first, and /cases/setup/ (the office's settings) is mounted before these, so that none is
taken for a case."""

from django.urls import path

from ..views import case_page, entry, staff

urlpatterns = [
    path("", staff.inbox, name="inbox"),
    path("new/", entry.case_new, name="case_new"),
    path("visits/", entry.visit_list, name="visits"),
    path("visits/new/", entry.visit_new, name="visit_new"),
    path("visits/<uid:uid>/", entry.visit_detail, name="visit_detail"),
    path("<uid:uid>/", case_page.case_detail, name="case_detail"),
    path("<uid:uid>/act/<slug:action>/", case_page.act, name="act"),
    path("<uid:uid>/messages/", case_page.post_message, name="message"),
    path("<uid:uid>/reporter-phone/", case_page.reporter_phone, name="reporter_phone"),
    path("<uid:uid>/photos/<uid:photo_uid>/", case_page.photo, name="photo"),
]
