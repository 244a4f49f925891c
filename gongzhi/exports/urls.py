from django.urls import path

from . import views

app_name = "exports"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("start/<slug:kind>/", views.start, name="start"),
    path("<uid:uid>/", views.job, name="job"),
    path("<uid:uid>/status/", views.job_status, name="job_status"),
    path("<uid:uid>/download/", views.download, name="download"),
    path("<uid:uid>/retry/", views.retry, name="retry"),
]
