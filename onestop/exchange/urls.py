from django.urls import path

from onestop.exchange import views

app_name = "exchange"
urlpatterns = [
    path("<slug:tenant>/me/cases/<str:number>/consents/", views.case_consents, name="consents"),
    path("<slug:tenant>/me/cases/<str:number>/consents/set/", views.set_consent, name="set_consent"),
    path("<slug:tenant>/me/who-looked/", views.who_looked, name="who_looked"),
    path(
        "<slug:tenant>/me/who-looked/proofs/<str:chain>/<int:sequence>/",
        views.audit_proof,
        name="audit_proof",
    ),
]
