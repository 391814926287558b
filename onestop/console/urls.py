from django.urls import path

from onestop.console import (
    cases_views,
    certificates_views,
    dashboard_views,
    partners_views,
    views,
)

app_name = "console"
urlpatterns = [
    path("console/<slug:tenant>/", views.home, name="home"),
    path("console/<slug:tenant>/dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("platform/", dashboard_views.platform_dashboard, name="platform"),
    path("console/<slug:tenant>/staff/", views.staff, name="staff"),
    path("console/<slug:tenant>/staff/<int:user_id>/active/", views.set_active, name="set_active"),
    path("console/<slug:tenant>/users/", views.users, name="users"),
    path("console/<slug:tenant>/users/<int:user_id>/reveal/", views.reveal, name="reveal"),
    path("console/<slug:tenant>/sms/", views.sms, name="sms"),
    path("console/<slug:tenant>/audit/", views.audit, name="audit"),
    path("console/<slug:tenant>/cases/", cases_views.queue, name="queue"),
    path("console/<slug:tenant>/cases/accept/", cases_views.bulk_accept, name="bulk_accept"),
    path("console/<slug:tenant>/cases/<str:number>/", cases_views.case_page, name="case"),
    path(
        "console/<slug:tenant>/cases/<str:number>/rectification/",
        cases_views.answer_rectification,
        name="rectification",
    ),
    path("console/<slug:tenant>/ratings/", cases_views.ratings, name="ratings"),
    path("console/<slug:tenant>/certificates/", certificates_views.certificates, name="certificates"),
    path(
        "console/<slug:tenant>/certificates/<str:number>/",
        certificates_views.certificate_page,
        name="certificate",
    ),
    path(
        "console/<slug:tenant>/certificates/<str:number>/revoke/",
        certificates_views.revoke,
        name="revoke",
    ),
    path("console/<slug:tenant>/partners/", partners_views.partners, name="partners"),
    path(
        "console/<slug:tenant>/partners/<int:admission_id>/decide/",
        partners_views.decide,
        name="partner_decide",
    ),
    path(
        "console/<slug:tenant>/partners/apps/<str:client_id>/",
        partners_views.app_settings,
        name="partner_app",
    ),
    path("console/<slug:tenant>/cases/<str:number>/data/", cases_views.query_data, name="query_data"),
    path(
        "console/<slug:tenant>/cases/<str:number>/data/<int:query_id>/",
        cases_views.logged_answer,
        name="logged_answer",
    ),
    path(
        "console/<slug:tenant>/cases/<str:number>/materials/<int:order>/credential/",
        cases_views.credential,
        name="credential",
    ),
]
