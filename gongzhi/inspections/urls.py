"""URLs of the inspections, mounted under /inspections/."""

from django.urls import path

from . import views

app_name = "inspections"
urlpatterns = [
    path("", views.home, name="home"),
    path("visits/new/", views.visit_new, name="visit_new"),
    path("visits/<uid:uid>/", views.visit_detail, name="visit"),
    path("visits/<uid:uid>/submit/", views.visit_submit, name="visit_submit"),
    path("visits/<uid:uid>/confirm-case/", views.confirm_case, name="confirm_case"),
    path("visits/<uid:uid>/cancel/", views.visit_cancel, name="visit_cancel"),
    path("photos/<uid:uid>/", views.photo, name="photo"),
    path("orders/", views.orders, name="orders"),
    path("orders/<uid:uid>/", views.order_detail, name="order"),
    path("orders/<uid:uid>/answer/", views.order_answer, name="order_answer"),
    path("orders/<uid:uid>/close/", views.order_close, name="order_close"),
    path("orders/<uid:uid>/send-back/", views.order_send_back, name="order_send_back"),
    path("checklists/", views.checklists, name="checklists"),
    path("checklists/new/", views.checklist_new, name="checklist_new"),
    path("checklists/<uid:uid>/", views.checklist_detail, name="checklist"),
    path("checklists/<uid:uid>/edit/", views.checklist_edit, name="checklist_edit"),
    path("checklists/<uid:uid>/publish/", views.checklist_publish, name="checklist_publish"),
    path("checklists/<uid:uid>/revise/", views.checklist_revise, name="checklist_revise"),
    path("settings/", views.settings_page, name="settings"),
    path("report/", views.report, name="report"),
    path("report.xlsx", views.report_export, name="report_export"),
]
