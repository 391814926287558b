from django.urls import path

from onestop.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("<slug:tenant>/", views.home, name="home"),
    path("<slug:tenant>/services/", views.search, name="search"),
    path("<slug:tenant>/services/<str:code>/", views.guide, name="guide"),
    path("<slug:tenant>/departments/", views.departments, name="departments"),
    path("<slug:tenant>/life-events/<slug:code>/", views.life_event, name="life_event"),
]
