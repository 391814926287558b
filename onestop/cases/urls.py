from django.urls import path

from onestop.cases.views import console, portal

app_name = "cases"
urlpatterns = [
    path("<slug:tenant>/services/<str:code>/apply/", portal.apply, name="apply"),
    path(
        "<slug:tenant>/me/applications/<int:application_id>/<int:position>/",
        portal.step,
        name="step",
    ),
    path("<slug:tenant>/me/cases/", portal.my_cases, name="mine"),
    path("<slug:tenant>/me/cases/<str:number>/", portal.detail, name="detail"),
    path("<slug:tenant>/me/cases/<str:number>/resubmit/", portal.resubmit, name="resubmit"),
    path("<slug:tenant>/me/cases/<str:number>/withdraw/", portal.withdraw, name="withdraw"),
    path("<slug:tenant>/me/cases/<str:number>/rate/", portal.rate, name="rate"),
    path("<slug:tenant>/files/<int:upload_id>/", portal.upload_file, name="file"),
    # The console: the officer's queue and case pages, ratings and rectification.
    path("console/<slug:tenant>/cases/", console.queue, name="queue"),
    path("console/<slug:tenant>/cases/accept/", console.bulk_accept, name="bulk_accept"),
    path("console/<slug:tenant>/cases/<str:number>/", console.case_page, name="officer_case"),
    path(
        "console/<slug:tenant>/cases/<str:number>/rectification/",
        console.answer_rectification,
        name="rectification",
    ),
    path(
        "console/<slug:tenant>/cases/<str:number>/materials/<int:order>/credential/",
        console.credential,
        name="credential",
    ),
    path("console/<slug:tenant>/ratings/", console.ratings, name="ratings"),
]
