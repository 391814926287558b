from django.urls import path

from onestop.partners import oauth, views

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
    path("developers/", views.home, name="developers"),
    path("developers/signup/", views.signup, name="signup"),
    path("developers/docs/", views.docs, name="docs"),
    path(
        "developers/partners/<int:partner_id>/admissions",
        views.request_admission,
        name="request_admission",
    ),
    path("developers/apps/new/", views.new_app, name="new_app"),
    path("developers/apps/<str:client_id>/", views.app_detail, name="app"),
    path("developers/apps/<str:client_id>/do", views.app_action, name="app_action"),
    path("<slug:tenant>/me/apps/", views.my_apps, name="my_apps"),
]
