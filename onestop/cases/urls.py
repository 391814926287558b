from django.urls import path

from onestop.cases import views

app_name = "cases"
urlpatterns = [
    path("<slug:tenant>/services/<str:code>/apply/", views.apply, name="apply"),
    path(
        "<slug:tenant>/me/applications/<int:application_id>/<int:position>/",
        views.step,
        name="step",
    ),
    path("<slug:tenant>/me/cases/", views.my_cases, name="mine"),
    path("<slug:tenant>/me/cases/<str:number>/", views.detail, name="detail"),
    path("<slug:tenant>/me/cases/<str:number>/resubmit/", views.resubmit, name="resubmit"),
    path("<slug:tenant>/me/cases/<str:number>/withdraw/", views.withdraw, name="withdraw"),
    path("<slug:tenant>/me/cases/<str:number>/rate/", views.rate, name="rate"),
    path("<slug:tenant>/files/<int:upload_id>/", views.upload_file, name="file"),
]
