"""URLs of the written notices, mounted under /notices/: staff pages, and the public page each
compound's residents reach (by its QR poster or the compound's page)."""

from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("new/", views.notice_new, name="new"),
    path("<uid:uid>/", views.notice_detail, name="detail"),
    path("<uid:uid>/edit/", views.notice_edit, name="edit"),
    path("<uid:uid>/publish/", views.publish, name="publish"),
    path("<uid:uid>/opinions/<uid:opinion_uid>/reply/", views.reply, name="reply"),
    path("<uid:uid>/poster.pdf", views.poster, name="poster"),
    path("p/<uid:uid>/", views.public, name="public"),
    path("p/<uid:uid>/files/<uid:file_uid>/", views.public_file, name="public_file"),
]
