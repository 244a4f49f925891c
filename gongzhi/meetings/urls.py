"""URLs of the joint meetings, mounted under /meetings/. Codes are `uid`s (fixed paths first, so
that none is taken for a code); a calendar feed's address is its 43-character token."""

from django.urls import path, re_path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_new, name="new"),
    path("resolutions/", views.resolution_list, name="resolutions"),
    path("resolutions/export/", views.resolution_export, name="resolution_export"),
    path("resolutions/congress/new/", views.congress_task_new, name="congress_task_new"),
    path("compliance/", views.compliance_page, name="compliance"),
    path("settings/", views.settings_page, name="settings"),
    path("calendar/", views.feed, name="feed"),
    re_path(r"^calendar/(?P<token>[A-Za-z0-9_-]{43})\.ics$", views.feed_ics, name="feed_ics"),
    path("<uid:uid>/", views.meeting_detail, name="detail"),
    path("<uid:uid>/act/<slug:action>/", views.meeting_act, name="act"),
    path("<uid:uid>/invitees/<uid:invitee_uid>/remove/", views.remove_invitee, name="remove_invitee"),
    path("<uid:uid>/propose/", views.propose, name="propose"),
    path("<uid:uid>/meeting.ics", views.meeting_ics, name="ics"),
    path("<uid:uid>/minutes/", views.minutes, name="minutes"),
    path("<uid:uid>/minutes/pdf/", views.minutes_pdf, name="minutes_pdf"),
    path("<uid:uid>/minutes/<slug:action>/", views.minutes_act, name="minutes_act"),
    path("items/<uid:uid>/", views.item_detail, name="item"),
    path("items/<uid:uid>/act/<slug:action>/", views.item_act, name="item_act"),
    path("items/<uid:uid>/files/<uid:file_uid>/", views.item_file, name="item_file"),
    path("resolutions/<uid:uid>/", views.resolution_detail, name="resolution"),
    path("resolutions/<uid:uid>/act/<slug:action>/", views.resolution_act, name="resolution_act"),
    path("resolutions/<uid:uid>/evidence/<uid:file_uid>/", views.evidence_file, name="evidence_file"),
    path("annual-reports/", views.annual_report_list, name="annual_reports"),
    path("annual-reports/<uid:uid>/", views.annual_report, name="annual_report"),
    path("annual-reports/<uid:uid>/files/<uid:file_uid>/", views.annual_report_file, name="annual_report_file"),
]
