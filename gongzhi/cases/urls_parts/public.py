"""URLs of the resident's side (views/public.py), mounted at the site root: the compound's report
page that the QR code opens, the unguessable tracking link and its actions, my reports, and the
QR poster for staff."""

from django.urls import path

from ..views import public

urlpatterns = [
    path("r/<uid:uid>/", public.report, name="report"),
    path("t/<uid:token>/", public.track, name="track"),
    path("t/<uid:token>/feedback/", public.track_feedback, name="track_feedback"),
    path("t/<uid:token>/withdraw/", public.track_withdraw, name="track_withdraw"),
    path("t/<uid:token>/message/", public.track_message, name="track_message"),
    path("t/<uid:token>/photos/<uid:photo>/", public.track_photo, name="track_photo"),
    path("my/cases/", public.my_cases, name="my_cases"),
    path("cases/poster/<uid:uid>.pdf", public.poster, name="poster"),
]
