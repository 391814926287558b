from django.urls import path

from onestop.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.index, name="index"),
]
