from django.urls import path

from onestop.core import views

app_name = "audit"
urlpatterns = [
    path("audit/key", views.head_key, name="key"),
    path("audit/sth", views.tree_heads, name="tree_heads"),
    path("audit/sth/<str:chain>", views.tree_head, name="tree_head"),
    path("audit/consistency/<str:chain>", views.consistency, name="consistency"),
]
