from django.urls import path

from onestop.identity.views import console, portal

app_name = "identity"
urlpatterns = [
    path("<slug:tenant>/accounts/register/", portal.register, name="register"),
    path("<slug:tenant>/accounts/login/", portal.login_view, name="login"),
    path("<slug:tenant>/accounts/logout/", portal.logout_view, name="logout"),
    path("<slug:tenant>/me/", portal.me, name="me"),
    path("<slug:tenant>/me/verify/", portal.verify, name="verify"),
    path("<slug:tenant>/me/face-check/", portal.face_check, name="face_check"),
    path("<slug:tenant>/me/data/", portal.my_data, name="my_data"),
    path("<slug:tenant>/me/password/", portal.change_password, name="password"),
    path("<slug:tenant>/dev/sms/", portal.sandbox_sms, name="sandbox_sms"),
    # The console: staff accounts, account lookup, the sandbox SMS outbox, the audit log.
    path("console/<slug:tenant>/staff/", console.staff, name="staff"),
    path("console/<slug:tenant>/staff/<int:user_id>/active/", console.set_active, name="set_active"),
    path("console/<slug:tenant>/users/", console.users, name="users"),
    path("console/<slug:tenant>/users/<int:user_id>/reveal/", console.reveal, name="reveal"),
    path("console/<slug:tenant>/sms/", console.sms, name="console_sms"),
    path("console/<slug:tenant>/audit/", console.audit, name="audit"),
]
