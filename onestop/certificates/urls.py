from django.urls import path

from onestop.certificates.views import console, portal

app_name = "certificates"
urlpatterns = [
    path("verify/", portal.verify_page, name="verify"),
    path("issuers/<slug:tenant>/<str:department>", portal.issuer, name="issuer"),
    path("status-lists/<slug:tenant>/<int:list_id>", portal.status_list, name="status_list"),
    path("<slug:tenant>/me/wallet/", portal.wallet, name="wallet"),
    path("<slug:tenant>/me/wallet/<str:number>/", portal.certificate, name="certificate"),
    # The console: certificates the reader's departments issued or decided, revocation.
    path("console/<slug:tenant>/certificates/", console.certificates, name="console_certificates"),
    path(
        "console/<slug:tenant>/certificates/<str:number>/",
        console.certificate_page,
        name="console_certificate",
    ),
    path("console/<slug:tenant>/certificates/<str:number>/revoke/", console.revoke, name="revoke"),
]
