"""URLs of the satisfaction surveys, mounted under /surveys/: the office's and the inspection groups'
pages, and the public page a resident opens from the unit's one-time link (`a/<token>/`)."""

from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="list"),
    path("new/", views.survey_new, name="new"),
    path("questionnaires/", views.questionnaire_list, name="questionnaires"),
    path("questionnaires/new/", views.questionnaire_new, name="questionnaire_new"),
    path("questionnaires/<uid:uid>/", views.questionnaire, name="questionnaire"),
    path("questionnaires/<uid:uid>/publish/", views.questionnaire_publish, name="questionnaire_publish"),
    path("settings/", views.settings_page, name="settings"),
    path("thanks/", views.thanks, name="thanks"),
    path("<uid:uid>/", views.survey_detail, name="detail"),
    path("<uid:uid>/draw/", views.draw, name="draw"),
    path("<uid:uid>/open/", views.open_, name="open"),
    path("<uid:uid>/close/", views.close, name="close"),
    path("<uid:uid>/units/<uid:unit_uid>/", views.unit_answer, name="unit"),
    path("<uid:uid>/units/<uid:unit_uid>/nonresponse/", views.unit_nonresponse, name="nonresponse"),
    path("<uid:uid>/links/", views.links, name="links"),
    path("<uid:uid>/results/", views.results, name="results"),
    path("<uid:uid>/export.xlsx", views.export, name="export"),
    path("<uid:uid>/report.pdf", views.report_pdf, name="pdf"),
    path("a/<str:token>/", views.answer, name="answer"),
]
