from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("cari/", views.service_search, name="search"),
]
