"""URLs of the assessments, mounted under /assessments/."""

from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("", views.home, name="home"),
    path("open/", views.cycle_open, name="cycle_open"),
    path("schemes/", views.scheme_list, name="schemes"),
    path("schemes/seed/", views.scheme_seed, name="scheme_seed"),
    path("schemes/<uid:uid>/", views.scheme_detail, name="scheme"),
    path("schemes/<uid:uid>/new-version/", views.scheme_new_version, name="scheme_new_version"),
    path("schemes/<uid:uid>/put-in-use/", views.scheme_put_in_use, name="scheme_put_in_use"),
    path("cycles/<uid:uid>/", views.cycle_detail, name="cycle"),
    path("cycles/<uid:uid>/act/<slug:action>/", views.cycle_act, name="cycle_act"),
    path("cycles/<uid:uid>/export.xlsx", views.cycle_export, name="cycle_export"),
    path("a/<uid:uid>/", views.assessment_detail, name="assessment"),
    path("a/<uid:uid>/score/<int:score_id>/", views.assessment_score, name="assessment_score"),
    path("a/<uid:uid>/object/", views.assessment_object, name="assessment_object"),
    path("a/<uid:uid>/decide/", views.assessment_decide, name="assessment_decide"),
    path("a/<uid:uid>/letter.pdf", views.assessment_letter, name="assessment_letter"),
    path("evidence/<uid:uid>/", views.evidence_file, name="evidence"),
]
