from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/code/", views.login_code, name="login_code"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("phone/", views.phone_login, name="phone_login"),
    path("phone/verify/", views.phone_verify, name="phone_verify"),
    path("home/", views.my_home, name="my_home"),
    path("me/data/", views.my_data, name="my_data"),
    path("me/data/download/", views.my_data_download, name="my_data_download"),
    path("join/", views.join, name="join"),
    path("people/<uid:uid>/login/", views.staff_login, name="staff_login"),
]
