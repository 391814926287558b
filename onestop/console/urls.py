from django.urls import path

from onestop.console import views

app_name = "console"
urlpatterns = [
    path("console/<slug:tenant>/", views.home, name="home"),
    path("console/<slug:tenant>/staff/", views.staff, name="staff"),
    path("console/<slug:tenant>/staff/<int:user_id>/active/", views.set_active, name="set_active"),
    path("console/<slug:tenant>/users/", views.users, name="users"),
    path("console/<slug:tenant>/users/<int:user_id>/reveal/", views.reveal, name="reveal"),
    path("console/<slug:tenant>/sms/", views.sms, name="sms"),
    path("console/<slug:tenant>/audit/", views.audit, name="audit"),
]
