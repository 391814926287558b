from django.urls import path

from onestop.payments.views import notify, portal

app_name = "payments"
urlpatterns = [
    path("<slug:tenant>/me/payments/", portal.my_payments, name="mine"),
    path("<slug:tenant>/me/payments/<str:number>/", portal.bill_page, name="bill"),
    path("<slug:tenant>/me/payments/<str:number>/pay/", portal.pay, name="pay"),
    path("<slug:tenant>/me/payments/<str:number>/return/", portal.returned, name="returned"),
    # A channel's notifications (signed by the channel: no session, no CSRF token).
    path("<slug:tenant>/payments/notify/<slug:channel>/", notify.notify, name="notify"),
]
