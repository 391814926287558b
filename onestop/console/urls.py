from django.urls import path

from onestop.console import views

app_name = "console"
urlpatterns = [
    path("console/<slug:tenant>/", views.home, name="home"),
]
