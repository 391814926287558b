from django.urls import path

from onestop.partners import oauth
from onestop.partners.views import console, portal

app_name = "partners"

urlpatterns = [
    path("oauth/<slug:tenant>/token", oauth.token, name="token"),
    path("oauth/<slug:tenant>/revoke", oauth.revoke, name="revoke"),
    path("oauth/<slug:tenant>/authorize", oauth.authorize, name="authorize"),
    path(
        ".well-known/oauth-authorization-server/oauth/<slug:tenant>",
        oauth.metadata,
        name="metadata",
    ),
    path("developers/", portal.home, name="developers"),
    path("developers/signup/", portal.signup, name="signup"),
    path("developers/docs/", portal.docs, name="docs"),
    path(
        "developers/partners/<int:partner_id>/admissions",
        portal.request_admission,
        name="request_admission",
    ),
    path("developers/apps/new/", portal.new_app, name="new_app"),
    path("developers/apps/<str:client_id>/", portal.app_detail, name="app"),
    path("developers/apps/<str:client_id>/do", portal.app_action, name="app_action"),
    path("<slug:tenant>/me/apps/", portal.my_apps, name="my_apps"),
    # The console: partners admitted to the tenant, and their apps' scopes and limits.
    path("console/<slug:tenant>/partners/", console.partners, name="console_partners"),
    path("console/<slug:tenant>/partners/<int:admission_id>/decide/", console.decide, name="partner_decide"),
    path("console/<slug:tenant>/partners/apps/<str:client_id>/", console.app_settings, name="partner_app"),
]
