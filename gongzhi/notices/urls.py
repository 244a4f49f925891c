"""URLs of the written notices, mounted under /notices/: staff pages, and the public page each
compound's residents reach (by its QR poster or the compound's page)."""

from django.urls import path, re_path

from . import views

app_name = "notices"
UID = r"(?P<uid>[0-9a-z]{12})"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("new/", views.notice_new, name="new"),
    re_path(rf"^{UID}/$", views.notice_detail, name="detail"),
    re_path(rf"^{UID}/publish/$", views.publish, name="publish"),
    re_path(rf"^{UID}/opinions/(?P<opinion_uid>[0-9a-z]{{12}})/reply/$", views.reply, name="reply"),
    re_path(rf"^{UID}/poster\.pdf$", views.poster, name="poster"),
    re_path(rf"^p/{UID}/$", views.public, name="public"),
    re_path(rf"^p/{UID}/files/(?P<file_uid>[0-9a-z]{{12}})/$", views.public_file, name="public_file"),
]
