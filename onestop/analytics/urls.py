from django.urls import path

from onestop.analytics.views import console

app_name = "analytics"
urlpatterns = [
    path("console/<slug:tenant>/dashboard/", console.dashboard, name="dashboard"),
    path("platform/", console.platform_dashboard, name="platform"),
]
