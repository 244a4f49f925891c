from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics_view, name="metrics"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/days/<str:day>/remove/", views.calendar_day_remove, name="calendar_day_remove"),
    path(
        "calendar/towns/<uid:uid>/days/<str:day>/remove/",
        views.calendar_town_day_remove,
        name="calendar_town_day_remove",
    ),
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/heads/", views.audit_heads, name="audit_heads"),
]
