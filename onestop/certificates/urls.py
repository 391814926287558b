from django.urls import path

from onestop.certificates import views

app_name = "certificates"
urlpatterns = [
    path("verify/", views.verify_page, name="verify"),
    path("issuers/<slug:tenant>/<str:department>", views.issuer, name="issuer"),
    path("status-lists/<slug:tenant>/<int:list_id>", views.status_list, name="status_list"),
    path("<slug:tenant>/me/wallet/", views.wallet, name="wallet"),
    path("<slug:tenant>/me/wallet/<str:number>/", views.certificate, name="certificate"),
]
