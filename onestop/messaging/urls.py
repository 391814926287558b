from django.urls import path

from onestop.messaging import views

app_name = "messaging"
urlpatterns = [
    path("<slug:tenant>/dev/sms/", views.sandbox_outbox, name="sandbox_outbox"),
]
