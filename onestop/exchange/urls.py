from django.urls import path

from onestop.exchange.views import console, portal

app_name = "exchange"
urlpatterns = [
    path("<slug:tenant>/me/cases/<str:number>/consents/", portal.case_consents, name="consents"),
    path("<slug:tenant>/me/cases/<str:number>/consents/set/", portal.set_consent, name="set_consent"),
    path("<slug:tenant>/me/who-looked/", portal.who_looked, name="who_looked"),
    path(
        "<slug:tenant>/me/who-looked/proofs/<str:chain>/<int:sequence>/",
        portal.audit_proof,
        name="audit_proof",
    ),
    # The console: looking data up for a case, and an answer as logged.
    path("console/<slug:tenant>/cases/<str:number>/data/", console.query_data, name="query_data"),
    path(
        "console/<slug:tenant>/cases/<str:number>/data/<int:query_id>/",
        console.logged_answer,
        name="logged_answer",
    ),
]
