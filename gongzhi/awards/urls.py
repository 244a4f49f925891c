"""URLs of the awards, mounted under /awards/."""

from django.urls import path

from . import views

app_name = "awards"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.round_new, name="round_new"),
    path("settings/", views.settings_page, name="settings"),
    path("rounds/<uid:uid>/", views.round_detail, name="round"),
    path("rounds/<uid:uid>/export.xlsx", views.round_export, name="round_export"),
    path("rounds/<uid:uid>/refresh/", views.round_refresh, name="round_refresh"),
    path("rounds/<uid:uid>/submit/", views.round_submit, name="round_submit"),
    path("rounds/<uid:uid>/send-back/", views.round_send_back, name="round_send_back"),
    path("rounds/<uid:uid>/approve/", views.round_approve, name="round_approve"),
    path("rounds/<uid:uid>/announce/", views.round_announce, name="round_announce"),
    path("candidates/<uid:uid>/", views.candidate_detail, name="candidate"),
    path("candidates/<uid:uid>/nominate/", views.candidate_nominate, name="candidate_nominate"),
    path("candidates/<uid:uid>/withdraw/", views.candidate_withdraw, name="candidate_withdraw"),
    path("public/<slug:code>/", views.public, name="public"),
]
