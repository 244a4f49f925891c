"""URLs of the leadership group's meetings, mounted under /leadership/."""

from django.urls import path

from . import views

app_name = "leadership"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.meeting_new, name="new"),
    path("<uid:uid>/", views.meeting_detail, name="meeting"),
    path("<uid:uid>/act/<slug:action>/", views.meeting_act, name="act"),
    path("<uid:uid>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("items/<uid:uid>/act/<slug:action>/", views.item_act, name="item_act"),
]
