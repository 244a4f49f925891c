"""URLs of the quarterly inspection-evaluation, mounted under /evaluations/."""

from django.urls import path

from . import views

app_name = "evaluations"
urlpatterns = [
    path("", views.evaluation_list, name="list"),
    path("new/", views.evaluation_new, name="new"),
    path("<uid:uid>/", views.evaluation_detail, name="detail"),
    path("<uid:uid>/close/", views.evaluation_close, name="close"),
    path("<uid:uid>/opinions.xlsx", views.opinions_export, name="export"),
    path("n/<uid:uid>/", views.neighborhood_detail, name="neighborhood"),
    path("n/<uid:uid>/report/", views.report_new, name="report_new"),
    path("n/<uid:uid>/reports/<uid:report_uid>/", views.report_detail, name="report"),
    path("n/<uid:uid>/reports/<uid:report_uid>/file/", views.report_file, name="report_file"),
    path("n/<uid:uid>/forums/new/", views.forum_new, name="forum_new"),
    path("forums/<uid:uid>/", views.forum_detail, name="forum"),
    path("forums/<uid:uid>/opinions/new/", views.opinion_new, name="opinion_new"),
    path("forums/<uid:uid>/opinions/<uid:opinion_uid>/edit/", views.opinion_edit, name="opinion_edit"),
    path("forums/<uid:uid>/opinions/<uid:opinion_uid>/follow-up/", views.opinion_follow_up, name="opinion_follow_up"),
]
