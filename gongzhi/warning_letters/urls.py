"""URLs of the warning letters, mounted under /warnings/."""

from django.urls import path

from . import views

app_name = "warnings"
urlpatterns = [
    path("", views.home, name="home"),
    path("export.xlsx", views.export, name="export"),
    path("new/", views.letter_new, name="letter_new"),
    path("settings/", views.settings_page, name="settings"),
    path("templates/", views.templates_page, name="templates"),
    path("templates/<slug:level>/", views.template_edit, name="template"),
    path("letters/<uid:uid>/", views.letter_detail, name="letter"),
    path("letters/<uid:uid>/letter.pdf", views.letter_pdf_view, name="letter_pdf"),
    path("letters/<uid:uid>/approve/", views.letter_approve, name="letter_approve"),
    path("letters/<uid:uid>/discard/", views.letter_discard, name="letter_discard"),
    path("letters/<uid:uid>/acknowledge/", views.letter_acknowledge, name="letter_acknowledge"),
    path("letters/<uid:uid>/answer/", views.letter_answer, name="letter_answer"),
    path("letters/<uid:uid>/verify/", views.letter_verify, name="letter_verify"),
    path("letters/<uid:uid>/escalate/", views.letter_escalate, name="letter_escalate"),
    path("evidence/<uid:uid>/", views.evidence_file, name="evidence"),
]
