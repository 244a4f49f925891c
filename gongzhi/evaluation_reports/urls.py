"""URLs of the evaluation reports, mounted under /reports/."""

from django.urls import path

from . import views

app_name = "evaluation_reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.report_new, name="new"),
    path("recipients/", views.recipients_page, name="recipients"),
    path("received/", views.received, name="received_list"),
    path("received/<uid:uid>/", views.received_detail, name="received"),
    path("received/<uid:uid>/confirm/", views.received_confirm, name="received_confirm"),
    path("received/<uid:uid>/report.pdf", views.received_pdf, name="received_pdf"),
    path("<uid:uid>/", views.report_detail, name="report"),
    path("<uid:uid>/progress/", views.report_progress, name="progress"),
    path("<uid:uid>/assemble/", views.report_assemble, name="assemble"),
    path("<uid:uid>/submit/", views.report_submit, name="submit"),
    path("<uid:uid>/approve/", views.report_approve, name="approve"),
    path("<uid:uid>/send-back/", views.report_send_back, name="send_back"),
    path("<uid:uid>/distribute/", views.report_distribute, name="distribute"),
    path("<uid:uid>/files/", views.report_files, name="files"),
    path("<uid:uid>/new-version/", views.report_new_version, name="new_version"),
    path("<uid:uid>/report.pdf", views.report_file, {"kind": "pdf"}, name="pdf"),
    path("<uid:uid>/report.docx", views.report_file, {"kind": "docx"}, name="docx"),
    path("<uid:uid>/transmittal/", views.transmittal, name="transmittal"),
    path("<uid:uid>/transmittal.pdf", views.transmittal_pdf, name="transmittal_pdf"),
    path("sections/<uid:uid>/", views.section_save, name="section_save"),
    path("sections/<uid:uid>/drafts/", views.section_drafts, name="section_drafts"),
]
