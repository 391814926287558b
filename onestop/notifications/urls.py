from django.urls import path

from onestop.notifications import views

app_name = "notifications"
urlpatterns = [path("<slug:tenant>/me/messages/", views.message_centre, name="centre")]
