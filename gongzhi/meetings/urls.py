"""URLs of the joint meetings, mounted under /meetings/. Codes are 12-character uids."""

from django.urls import path, re_path

from . import views

app_name = "meetings"
UID = r"(?P<uid>[0-9a-z]{12})"
FILE = r"(?P<file_uid>[0-9a-z]{12})"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_new, name="new"),
    path("resolutions/", views.resolution_list, name="resolutions"),
    path("resolutions/export/", views.resolution_export, name="resolution_export"),
    path("compliance/", views.compliance_page, name="compliance"),
    path("settings/", views.settings_page, name="settings"),
    path("calendar/", views.feed, name="feed"),
    re_path(r"^calendar/(?P<token>[A-Za-z0-9_-]{43})\.ics$", views.feed_ics, name="feed_ics"),
    re_path(rf"^{UID}/$", views.meeting_detail, name="detail"),
    re_path(rf"^{UID}/act/(?P<action>[a-z_]{{1,20}})/$", views.meeting_act, name="act"),
    re_path(rf"^{UID}/invitees/(?P<invitee_uid>[0-9a-z]{{12}})/remove/$", views.remove_invitee, name="remove_invitee"),
    re_path(rf"^{UID}/propose/$", views.propose, name="propose"),
    re_path(rf"^{UID}/meeting\.ics$", views.meeting_ics, name="ics"),
    re_path(rf"^{UID}/minutes/$", views.minutes, name="minutes"),
    re_path(rf"^{UID}/minutes/pdf/$", views.minutes_pdf, name="minutes_pdf"),
    re_path(rf"^{UID}/minutes/(?P<action>edit|approve|revise)/$", views.minutes_act, name="minutes_act"),
    re_path(rf"^items/{UID}/$", views.item_detail, name="item"),
    re_path(rf"^items/{UID}/act/(?P<action>[a-z_]{{1,20}})/$", views.item_act, name="item_act"),
    re_path(rf"^items/{UID}/files/{FILE}/$", views.item_file, name="item_file"),
    re_path(rf"^resolutions/{UID}/$", views.resolution_detail, name="resolution"),
    re_path(rf"^resolutions/{UID}/act/(?P<action>[a-z_]{{1,20}})/$", views.resolution_act, name="resolution_act"),
    re_path(rf"^resolutions/{UID}/evidence/{FILE}/$", views.evidence_file, name="evidence_file"),
    re_path(rf"^annual-reports/{UID}/$", views.annual_report, name="annual_report"),
]
