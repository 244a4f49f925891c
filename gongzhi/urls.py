from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from gongzhi.core import converters

converters.register()  # <uid:…> in every app's URLs

# A server error's page; the database not answering is a 503 "try again" (docs/deployment.md, "Faults").
handler500 = "gongzhi.core.errors.server_error"

urlpatterns = [
    path("", include("gongzhi.core.urls")),
    path("accounts/", include("gongzhi.accounts.urls")),
    path("places/", include("gongzhi.places.urls")),
    path("orgs/", include("gongzhi.orgs.urls")),
    path("onboarding/", include("gongzhi.onboarding.urls")),
    path("notifications/", include("gongzhi.notifications.urls")),
    path("exports/", include("gongzhi.exports.urls")),
    path("", include("gongzhi.cases.urls")),
    path("meetings/", include("gongzhi.meetings.urls")),
    path("notices/", include("gongzhi.notices.urls")),
    path("api/v1/", include("gongzhi.api.urls")),
    path("inspections/", include("gongzhi.inspections.urls")),
    path("surveys/", include("gongzhi.surveys.urls")),
    path("evaluations/", include("gongzhi.evaluations.urls")),
    path("credit/", include("gongzhi.credit.urls")),
    path("assessments/", include("gongzhi.assessments.urls")),
    path("warnings/", include("gongzhi.warning_letters.urls")),
    path("awards/", include("gongzhi.awards.urls")),
    path("supervision/", include("gongzhi.supervision.urls")),
    path("dashboard/", include("gongzhi.dashboard.urls")),
    path("reports/", include("gongzhi.evaluation_reports.urls")),
    path("leadership/", include("gongzhi.leadership.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path(settings.ADMIN_PATH, admin.site.urls),
]
