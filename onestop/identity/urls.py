from django.urls import path

from onestop.identity import views

app_name = "identity"
urlpatterns = [
    path("<slug:tenant>/accounts/register/", views.register, name="register"),
    path("<slug:tenant>/accounts/login/", views.login_view, name="login"),
    path("<slug:tenant>/accounts/logout/", views.logout_view, name="logout"),
    path("<slug:tenant>/me/", views.me, name="me"),
    path("<slug:tenant>/me/verify/", views.verify, name="verify"),
    path("<slug:tenant>/me/face-check/", views.face_check, name="face_check"),
    path("<slug:tenant>/me/data/", views.my_data, name="my_data"),
    path("<slug:tenant>/me/password/", views.change_password, name="password"),
    path("<slug:tenant>/dev/sms/", views.sandbox_sms, name="sandbox_sms"),
]
