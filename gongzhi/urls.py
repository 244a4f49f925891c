from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("gongzhi.core.urls")),
    path("accounts/", include("gongzhi.accounts.urls")),
    path("places/", include("gongzhi.places.urls")),
    path("orgs/", include("gongzhi.orgs.urls")),
    path("onboarding/", include("gongzhi.onboarding.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path(settings.ADMIN_PATH, admin.site.urls),
]
