from django.urls import path

from . import views

app_name = "onboarding"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("template.xlsx", views.template, name="template"),
    path("jobs/<uid:uid>/", views.job, name="job"),
    path("jobs/<uid:uid>/status/", views.job_status, name="job_status"),
    path("jobs/<uid:uid>/problems.xlsx", views.job_errors, name="job_errors"),
    path("jobs/<uid:uid>/confirm/", views.confirm, name="confirm"),
    path("jobs/<uid:uid>/discard/", views.discard, name="discard"),
    path("jobs/<uid:uid>/preview-again/", views.preview_again, name="preview_again"),
    path("jobs/<uid:uid>/undo/", views.undo, name="undo"),
]
