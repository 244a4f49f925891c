"""URLs of the credit files, mounted under /credit/."""

from django.urls import path

from . import views

app_name = "credit"
urlpatterns = [
    path("", views.home, name="home"),
    path("export.xlsx", views.export, name="export"),
    path("new/", views.record_new, name="record_new"),
    path("settings/", views.settings_page, name="settings"),
    path("companies/<uid:uid>/", views.company_file, name="company"),
    path("companies/<uid:uid>/report.pdf", views.company_report, name="company_report"),
    path("managers/<uid:uid>/", views.manager_file, name="manager"),
    path("records/<uid:uid>/", views.record_detail, name="record"),
    path("records/<uid:uid>/object/", views.record_object, name="record_object"),
    path("records/<uid:uid>/correction/", views.record_correction, name="record_correction"),
    path("records/<uid:uid>/decide/", views.record_decide, name="record_decide"),
    path("records/<uid:uid>/check/", views.record_check, name="record_check"),
    path("evidence/<uid:uid>/", views.evidence_file, name="evidence"),
    path("public/<slug:code>/", views.public_lists, name="public"),
]
